// Customers waiting for their pickup orders: who (first name, order ref),
// where (a curbside bay and vehicle, or the counter), how long they have
// waited (counting up each second), whether the order is ready, and
// arrivals escalated to a supervisor highlighted. Reloaded whenever the
// stream's `arrivals` channel says something changed; no page reload.
import { ApiError, get, post, seg } from '../api.js';
import { h, fill } from '../dom.js';
import { feedback } from '../feedback.js';

// "4 min 05 s", "1 h 02 min".
export function waited(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hrs = Math.floor(s / 3600);
  const min = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (hrs > 0) return `${hrs} h ${String(min).padStart(2, '0')} min`;
  return `${min} min ${String(sec).padStart(2, '0')} s`;
}

export default {
  route: 'arrivals',
  title: 'Arrivals',
  nav: true,
  mount(root, { app }) {
    const list = h('ul', { class: 'list', id: 'arrivals', 'aria-label': 'Waiting customers' });
    const count = h('span', { class: 'count', id: 'arrivals-count' }, '0');
    let arrivals = [];
    let loadedAt = 0;
    let loading = null;
    let again = false;

    async function start(a) {
      try {
        if (a.task_id) await post(`/tasks/${a.task_id}/claim`);
      } catch (e) {
        // Already taken (perhaps by this associate): the handover works without the claim.
        if (!(e instanceof ApiError) || e.status === 401) throw e;
      }
      app.navigate(`#/handover/${seg(a.order_id)}`);
    }

    function tick() {
      const extra = (performance.now() - loadedAt) / 1000;
      for (const el of list.querySelectorAll('[data-waiting-s]')) {
        el.textContent = waited(Number(el.dataset.waitingS) + extra);
      }
    }

    function render() {
      loadedAt = performance.now();
      fill(list, arrivals.length ? arrivals.map((a) => h('li', {
        'data-arrival': a.arrival_id, 'data-order': a.order_id,
        class: a.escalated_at ? 'escalated' : '',
      },
      h('div', { class: 'what' },
        h('strong', {}, a.order_ref || a.order_id), ' ',
        a.first_name ? h('span', {}, a.first_name, ' ') : '',
        h('span', { class: 'tag where', 'data-bay': a.bay || '' }, a.bay ? `Bay ${a.bay}` : 'Counter'), ' ',
        a.vehicle ? h('span', { class: 'tag vehicle' }, a.vehicle) : '', ' ',
        h('span', { class: `tag ${a.ready ? 'ready' : 'late'}` }, a.ready ? 'Ready' : 'Not ready yet'),
        a.escalated_at ? h('span', { class: 'tag late' }, ' Escalated') : '',
        h('div', { class: 'muted' }, 'Waiting ',
          h('span', { class: 'waited', 'data-waiting-s': a.waiting_s }, waited(a.waiting_s)),
          a.staging_location ? ` · bags at ${a.staging_location}` : '',
          ` · via ${a.source}`)),
      h('button', {
        type: 'button', class: 'primary', 'aria-label': `Hand over order ${a.order_ref || a.order_id}`,
        onclick: () => start(a).catch((e) => feedback.bad(e.message)),
      }, 'Hand over'))) : h('li', { class: 'empty' }, 'Nobody is waiting.'));
      count.textContent = String(arrivals.length);
      root.querySelector('.arrivals').dataset.loaded = 'true';
    }

    async function load() {
      if (loading) {
        again = true;
        return;
      }
      loading = (async () => {
        try {
          ({ arrivals } = await get('/arrivals'));
          render();
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 401)) feedback.bad(e.message);
        }
      })();
      await loading;
      loading = null;
      if (again) {
        again = false;
        load();
      }
    }

    root.append(h('div', { class: 'arrivals' },
      h('h1', {}, 'Arrivals ', count),
      h('p', { class: 'muted' }, 'Customers who said they are here, longest waiting first.'),
      h('section', { class: 'card' }, list)));
    load();
    const timer = setInterval(tick, 1000);
    return {
      onMessage(msg) {
        if (msg.type === 'escalated') {
          feedback.bad(`A customer has waited too long: ${msg.arrivals.map((a) => a.bay ? `bay ${a.bay}` : 'counter').join(', ')}`);
        }
        if (['arrivals_changed', 'escalated', 'orders_changed', 'open'].includes(msg.type)) load();
      },
      onScan(text) {
        app.navigate(`#/handover/find/${seg(text)}`);
      },
      unmount() {
        clearInterval(timer);
      },
    };
  },
};
