// Bagging and staging a picked pickup order (a stage task): choose how many
// bags and the station whose printer prints their labels (n of m, order
// ref, short name), then scan the staging location and each bag label. When
// every bag is staged the order is ready for pickup (order.ready_for_pickup).
// #/stage lists the stage tasks; #/stage/<order_id> bags one order.
import { ApiError, get, post, status, seg } from '../api.js';
import { h, fill } from '../dom.js';
import { feedback } from '../feedback.js';
import { setStation, stationsOf } from '../station.js';

export default {
  route: 'stage',
  title: 'Bag & stage',
  nav: true,
  mount(root, { params, app }) {
    const orderId = params[0];
    const wrap = h('div', { class: 'stage', 'data-state': 'loading' });
    root.append(wrap);

    if (!orderId) {
      // The stage tasks, as in the queue.
      const list = h('ul', { class: 'list', id: 'stage-tasks', 'aria-label': 'Orders to bag and stage' });
      wrap.append(h('h1', {}, 'Bag & stage'), h('section', { class: 'card' }, list));
      const load = async () => {
        try {
          const { tasks } = await get('/tasks?kind=stage');
          fill(list, tasks.length ? tasks.map((t) => h('li', { 'data-order': t.order_id },
            h('div', { class: 'what' }, h('strong', {}, `Order ${t.order_id}`), ' ', t.assignee ? `· ${t.assignee}` : '· open'),
            h('button', { type: 'button', class: 'primary', 'aria-label': `Bag and stage order ${t.order_id}`, onclick: () => app.navigate(`#/stage/${seg(t.order_id)}`) }, 'Bag & stage')))
            : h('li', { class: 'empty' }, 'No picked pickup orders to bag.'));
          wrap.dataset.state = 'list';
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 401)) feedback.bad(e.message);
        }
      };
      load();
      return {
        onMessage(msg) {
          if (msg.type === 'tasks_changed' || msg.type === 'open') load();
        },
      };
    }

    let bags = [];
    let orderState = '';
    let busy = false;
    const work = h('div', { class: 'stack', id: 'stage-work' });
    const locationInput = h('input', { id: 'stage-location', autocomplete: 'off', spellcheck: 'false' });
    const scan = h('input', { id: 'scan', 'data-scan': '', autocomplete: 'off', inputmode: 'none', spellcheck: 'false' });
    wrap.append(h('h1', {}, `Bag & stage order ${orderId}`), work);

    function stationSelect() {
      const select = h('select', { id: 'bag-station' }, h('option', { value: '' }, 'Choose…'));
      status().then((s) => {
        for (const name of stationsOf(s)) {
          select.append(h('option', { value: name, selected: name === app.station() || undefined }, name));
        }
        if (app.station()) select.value = app.station();
      }).catch((e) => feedback.bad(e.message));
      return select;
    }

    function bagForm(again) {
      const count = h('input', { id: 'bag-count', type: 'number', min: 1, max: 99, value: bags.length || 1, inputmode: 'numeric', required: true });
      const station = stationSelect();
      const form = h('form', { class: 'card' },
        h('h2', {}, again ? 'Bag it again' : 'How many bags?'),
        h('div', { class: 'field-row' },
          h('div', {}, h('label', { for: 'bag-count' }, 'Number of bags'), count),
          h('div', {}, h('label', { for: 'bag-station' }, 'Print the labels at station'), station)),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary big' }, again ? 'Make new labels' : 'Print bag labels')));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!station.value) {
          feedback.bad('Choose the station whose printer prints the labels.');
          return;
        }
        setStation(station.value);
        try {
          ({ bags } = await post(`/orders/${seg(orderId)}/bags`, { count: Number(count.value), station: station.value }));
          feedback.ok(`${bags.length} bag label(s) sent to ${station.value}. Scan the staging location, then each bag.`);
          render();
        } catch (e) {
          feedback.bad(e.message);
        }
      });
      return form;
    }

    async function reprint() {
      try {
        await post(`/orders/${seg(orderId)}/bags/print`, { station: app.station() || '' });
        feedback.ok('Bag labels sent to the printer again.');
      } catch (e) {
        feedback.bad(e.message);
      }
    }

    function render() {
      const staged = bags.filter((b) => b.state === 'staged').length;
      const done = bags.length > 0 && staged === bags.length;
      wrap.dataset.state = done ? 'done' : bags.length ? 'staging' : 'bagging';
      if (!bags.length) {
        fill(work, bagForm(false));
        return;
      }
      fill(work,
        done ? h('section', { class: 'card next', id: 'stage-done' },
          h('h2', {}, `All ${bags.length} bag(s) staged: the order is ${orderState || 'ready'} for pickup`),
          h('button', { type: 'button', class: 'primary big', onclick: () => app.navigate('#/queue') }, 'Back to tasks')) : '',
        done ? '' : h('section', { class: 'card' },
          h('p', { class: 'qty-left', id: 'staged-count' }, `${staged} of ${bags.length} bag(s) staged`),
          h('label', { for: 'stage-location' }, 'Staging location (scan its label or type it)'), locationInput,
          h('div', { class: 'scanbox' }, h('label', { for: 'scan' }, 'Scan each bag label'), scan)),
        h('section', { class: 'card' }, h('h2', {}, 'Bags'),
          h('ul', { class: 'list', id: 'stage-bags', 'aria-label': 'Bags' }, bags.map((b) => h('li', { 'data-bag': b.n, 'data-label': b.label_code },
            h('div', { class: 'what' }, h('strong', {}, `Bag ${b.n} of ${b.of}`), ' ', h('code', {}, b.label_code)),
            h('span', { class: b.state === 'staged' ? 'state-ok' : '' }, b.state === 'staged' ? `staged at ${b.location}` : 'to stage')))),
          done ? '' : h('div', { class: 'actions' }, h('button', { type: 'button', onclick: reprint }, 'Print the labels again'))),
        done ? '' : h('details', {}, h('summary', {}, 'Wrong number of bags?'), bagForm(true)));
      if (!done) (locationInput.value ? scan : locationInput).focus();
    }

    async function load() {
      try {
        ({ bags } = await get(`/orders/${seg(orderId)}/bags`));
        render();
      } catch (e) {
        feedback.bad(e.message);
      }
    }

    // Enter in the location field keeps it and moves on to the bags.
    locationInput.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        if (locationInput.value.trim()) {
          feedback.info(`Staging at ${locationInput.value.trim()}. Scan each bag label.`);
          scan.focus();
        }
      }
    });

    load();
    return {
      async onScan(text) {
        if (busy || !bags.length) return;
        if (text.startsWith('SE1:LOC:')) {
          locationInput.value = text;
          feedback.info('Staging location scanned. Now scan each bag label.');
          scan.focus();
          return;
        }
        const where = locationInput.value.trim();
        if (!where) {
          feedback.bad('Scan the staging location first, then the bags.');
          locationInput.focus();
          return;
        }
        busy = true;
        try {
          const r = await post('/bags/stage', { bag: text, location: where });
          orderState = r.order_state;
          bags = bags.map((b) => (b.bag_id === r.bag.bag_id ? r.bag : b));
          const left = bags.filter((b) => b.state !== 'staged').length;
          if (left === 0) feedback.done(`Bag ${r.bag.n} of ${r.bag.of} staged. The order is ready for pickup.`);
          else feedback.ok(`Bag ${r.bag.n} of ${r.bag.of} staged at ${r.bag.location}. ${left} to go.`);
          render();
        } catch (e) {
          feedback.bad(e.message);
        } finally {
          busy = false;
        }
      },
      onMessage(msg) {
        if (msg.type === 'open') load();
      },
    };
  },
};
