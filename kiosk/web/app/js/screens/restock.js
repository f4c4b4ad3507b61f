// Putting units back on the shelf (a cancelled order's picked units): the
// next unit and where it goes; scan the item, confirm the location.
import { get, post } from '../api.js';
import { h, fill } from '../dom.js';
import { feedback } from '../feedback.js';

export default {
  route: 'restock',
  title: 'Restock',
  nav: false,
  mount(root, { params, app }) {
    const taskId = Number(params[0]);
    let view = null;
    let busy = false;
    const next = h('section', { class: 'card next', 'aria-live': 'polite' });
    const location = h('input', { id: 'restock-location', autocomplete: 'off', spellcheck: 'false' });
    const scan = h('input', { id: 'scan', 'data-scan': '', autocomplete: 'off', inputmode: 'none' });
    const units = h('ul', { class: 'list', 'aria-label': 'Units to put back' });

    const current = () => view?.restock.find((u) => !u.done) || null;

    function render() {
      const u = current();
      if (u) {
        fill(next, h('h2', { class: 'muted' }, 'Put back at'),
          h('p', { class: 'location' }, u.from_location || 'any location'),
          h('p', { class: 'item' }, u.sku), h('p', { class: 'muted' }, `From order ${u.order_id}`));
        if (!location.value) location.value = u.from_location || '';
      } else {
        fill(next, h('h2', {}, 'Everything is back on the shelf'),
          h('button', { type: 'button', class: 'primary big', onclick: () => app.navigate('#/queue') }, 'Back to tasks'));
      }
      fill(units, view.restock.map((r) => h('li', {},
        h('div', { class: 'what' }, h('strong', {}, r.sku), ` from ${r.from_location || '—'}`),
        h('span', { class: r.done ? 'state-ok' : '' }, r.done ? `put at ${r.to_location}` : 'to do'))));
    }

    async function load() {
      try {
        view = await get(`/tasks/${taskId}`);
        render();
      } catch (e) {
        feedback.bad(e.message);
      }
    }

    root.append(h('div', { class: 'restock' }, h('h1', {}, `Restock task ${taskId}`),
      h('div', { class: 'split' },
        h('div', { class: 'stack' }, next,
          h('div', { class: 'card' },
            h('label', { for: 'restock-location' }, 'Location it goes to'), location,
            h('div', { class: 'scanbox' }, h('label', { for: 'scan' }, 'Scan the item'), scan))),
        h('section', { class: 'card' }, h('h2', {}, 'Units'), units))));
    scan.focus();
    load();
    return {
      async onScan(text) {
        if (busy || !current()) return;
        busy = true;
        try {
          const r = await post(`/tasks/${taskId}/restock`, { scan: text, location: location.value.trim() });
          location.value = '';
          if (r.task_done) feedback.done(`${r.sku} is back at ${r.location}. Task complete.`);
          else feedback.ok(`${r.sku} is back at ${r.location}. ${r.remaining} to go.`);
          await load();
        } catch (e) {
          feedback.bad(e.message);
        } finally {
          busy = false;
          scan.focus();
        }
      },
      onMessage(msg) {
        if (msg.type === 'tasks_changed' || msg.type === 'open') load();
      },
    };
  },
};
