// The live task queue: customers waiting for a handover first (urgent),
// orders waiting to be picked, pick tasks, pickup orders to bag and stage,
// pack and restock tasks. It reloads whenever the stream says orders or tasks changed
// (another associate, the OMS routing or cancelling an order), with no reload
// of the page.
import { ApiError, get, post, seg } from '../api.js';
import { h, fill, timeLeft } from '../dom.js';
import { feedback } from '../feedback.js';

function section(id, title, body) {
  return h('section', { class: 'card', 'aria-labelledby': `${id}-title`, id },
    h('h2', { id: `${id}-title` }, title, ' ', h('span', { class: 'count', 'data-count': '' }, '0')),
    body);
}

export default {
  route: 'queue',
  title: 'Tasks',
  nav: true,
  mount(root, { app }) {
    const me = app.user.associate_id;
    const orders = h('ul', { class: 'list', 'aria-label': 'Orders to pick' });
    const picks = h('ul', { class: 'list', 'aria-label': 'Pick tasks' });
    const packs = h('ul', { class: 'list', 'aria-label': 'Pack tasks' });
    const restocks = h('ul', { class: 'list', 'aria-label': 'Restock tasks' });
    const handovers = h('ul', { class: 'list', 'aria-label': 'Handover tasks' });
    const stages = h('ul', { class: 'list', 'aria-label': 'Bag and stage tasks' });
    const batchButton = h('button', { type: 'button', class: 'primary', disabled: true }, 'Pick selected together');
    const selected = new Set();
    let loading = null;
    let again = false;

    async function startPick(orderIds) {
      try {
        const { task_id: task } = await post('/tasks', { order_ids: orderIds });
        await post(`/tasks/${task}/claim`);
        app.navigate(`#/pick/${task}`);
      } catch (e) {
        feedback.bad(e.message);
        load();
      }
    }

    async function claimAnd(task, hash) {
      try {
        if (task.state === 'open' || task.assignee !== me) await post(`/tasks/${task.task_id}/claim`);
        app.navigate(hash);
      } catch (e) {
        feedback.bad(e.message);
        load();
      }
    }

    function setCount(list, n) {
      list.closest('section').querySelector('[data-count]').textContent = String(n);
    }

    function empty(text) {
      return h('li', { class: 'empty' }, text);
    }

    function taskWho(t) {
      if (t.state === 'in_progress') return t.assignee === me ? 'yours, in progress' : `${t.assignee} is on it`;
      return t.assignee ? `for ${t.assignee}` : 'open';
    }

    function render(q, pickTasks, packTasks, restockTasks, handoverTasks, stageTasks) {
      if (!orders.isConnected) return;  // answered after the associate went to another screen
      fill(handovers, handoverTasks.length ? handoverTasks.map((t) => h('li', { 'data-task': t.task_id, 'data-order': t.order_id, class: 'urgent' },
        h('div', { class: 'what' }, h('span', { class: 'tag urgent' }, 'Urgent'), ' ',
          h('strong', {}, `Hand over order ${t.order_id}`), ' ', taskWho(t)),
        h('button', {
          type: 'button', class: 'primary', 'aria-label': `Hand over order ${t.order_id}`,
          disabled: t.state === 'in_progress' && t.assignee !== me,
          onclick: () => claimAnd(t, `#/handover/${seg(t.order_id)}`),
        }, 'Hand over'))) : empty('Nobody is waiting for a pickup.'));
      setCount(handovers, handoverTasks.length);
      fill(stages, stageTasks.length ? stageTasks.map((t) => h('li', { 'data-task': t.task_id, 'data-order': t.order_id },
        h('div', { class: 'what' }, h('strong', {}, `Bag & stage order ${t.order_id}`), ' ', taskWho(t)),
        h('button', {
          type: 'button', class: 'primary', 'aria-label': `Bag and stage order ${t.order_id}`,
          disabled: t.state === 'in_progress' && t.assignee !== me,
          onclick: () => claimAnd(t, `#/stage/${seg(t.order_id)}`),
        }, 'Bag & stage'))) : empty('No pickup orders to bag.'));
      setCount(stages, stageTasks.length);

      for (const id of [...selected]) if (!q.orders.some((o) => o.order_id === id)) selected.delete(id);
      fill(orders, q.orders.length ? q.orders.map((o) => {
        const late = o.time_left_s !== null && o.time_left_s < 0;
        const box = h('input', {
          type: 'checkbox', id: `sel-${o.order_id}`, checked: selected.has(o.order_id),
          onchange: (ev) => {
            if (ev.target.checked) selected.add(o.order_id); else selected.delete(o.order_id);
            batchButton.disabled = selected.size < 2;
          },
        });
        box.style.width = '28px';
        box.style.minHeight = '28px';
        return h('li', { 'data-order': o.order_id },
          box,
          h('label', { for: `sel-${o.order_id}`, class: 'what' },
            h('strong', {}, o.order_ref), ' ',
            h('span', { class: 'tag' }, o.kind.replaceAll('_', ' ')), ' ',
            `${o.units} unit${o.units === 1 ? '' : 's'} `,
            o.time_left_s !== null ? h('span', { class: `tag${late ? ' late' : ''}` }, timeLeft(o.time_left_s)) : ''),
          h('button', {
            type: 'button', class: 'primary', 'aria-label': `Pick order ${o.order_ref}`,
            onclick: () => startPick([o.order_id]),
          }, 'Pick'));
      }) : empty('Nothing to pick right now.'));
      batchButton.disabled = selected.size < 2;
      batchButton.hidden = q.orders.length < 2;
      setCount(orders, q.orders.length);

      fill(picks, pickTasks.length ? pickTasks.map((t) => h('li', { 'data-task': t.task_id },
        h('div', { class: 'what' }, h('strong', {}, `Pick task ${t.task_id}`), ' ',
          t.order_id ? `order ${t.order_id} · ` : '', taskWho(t)),
        h('button', {
          type: 'button', class: 'primary', 'aria-label': `Pick task ${t.task_id}`,
          disabled: t.state === 'in_progress' && t.assignee !== me,
          onclick: () => claimAnd(t, `#/pick/${t.task_id}`),
        }, t.state === 'in_progress' && t.assignee === me ? 'Continue' : 'Claim'))) : empty('No pick tasks.'));
      setCount(picks, pickTasks.length);

      fill(packs, packTasks.length ? packTasks.map((t) => h('li', { 'data-task': t.task_id, 'data-order': t.order_id },
        h('div', { class: 'what' }, h('strong', {}, `Pack order ${t.order_id}`), ' ', taskWho(t)),
        h('button', {
          type: 'button', class: 'primary', 'aria-label': `Pack order ${t.order_id}`,
          disabled: t.state === 'in_progress' && t.assignee !== me,
          onclick: () => app.navigate(`#/pack/${seg(t.order_id)}`),
        }, 'Pack'))) : empty('Nothing to pack.'));
      setCount(packs, packTasks.length);

      fill(restocks, restockTasks.length ? restockTasks.map((t) => h('li', { 'data-task': t.task_id },
        h('div', { class: 'what' }, h('strong', {}, `Restock task ${t.task_id}`), ' ',
          t.order_id ? `from order ${t.order_id} · ` : '', taskWho(t)),
        h('button', {
          type: 'button', class: 'primary', 'aria-label': `Restock task ${t.task_id}`,
          disabled: t.state === 'in_progress' && t.assignee !== me,
          onclick: () => claimAnd(t, `#/restock/${t.task_id}`),
        }, 'Restock'))) : empty('Nothing to put back.'));
      setCount(restocks, restockTasks.length);
      root.querySelector('.queue').dataset.loaded = 'true';
    }

    // One load at a time; a change that arrives during a load loads again
    // after it, so the last state always shows.
    async function load() {
      if (loading) {
        again = true;
        return loading;
      }
      loading = (async () => {
        try {
          const [q, p, k, r, ho, st] = await Promise.all([
            get('/queue'), get('/tasks?kind=pick'), get('/tasks?kind=pack'), get('/tasks?kind=restock'),
            get('/tasks?kind=handover'), get('/tasks?kind=stage')]);
          render(q, p.tasks, k.tasks, r.tasks, ho.tasks, st.tasks);
        } catch (e) {
          if (orders.isConnected && !(e instanceof ApiError && e.status === 401)) feedback.bad(e.message);
        }
      })();
      await loading;
      loading = null;
      if (again) {
        again = false;
        load();
      }
    }

    batchButton.addEventListener('click', () => startPick([...selected]));
    root.append(h('div', { class: 'queue' },
      h('h1', {}, 'Tasks'),
      section('handing-over', 'Customers waiting: hand over', handovers),
      h('div', { class: 'grid' },
        section('to-pick', 'Orders to pick', [orders, h('div', { class: 'actions' }, batchButton)]),
        section('picking', 'Picking', picks),
        section('staging', 'Bag & stage', stages),
        section('packing', 'Packing', packs),
        section('restocking', 'Restock', restocks))));
    load();
    return {
      onMessage(msg) {
        if (['orders_changed', 'tasks_changed', 'arrivals_changed', 'open'].includes(msg.type)) load();
      },
      onScan(text) {
        feedback.info(`Scanned ${text}: open a pick or pack task first.`);
      },
    };
  },
};
