// A return at the counter: find the original order (scan its QR or type the
// order ref), choose the lines and quantities (never more than was fulfilled
// and not yet returned), the condition — resellable, put back at a location
// scanned here, or damaged (not restocked) — and submit: return.received.
import { get, post, seg } from '../api.js';
import { h, fill } from '../dom.js';
import { feedback } from '../feedback.js';

export default {
  route: 'returns',
  title: 'Returns',
  nav: true,
  mount(root, { params }) {
    let lines = [];
    let orderId = '';
    let busy = false;
    const wrap = h('div', { class: 'returns', 'data-state': 'find' });
    const query = h('input', { id: 'return-q', autocomplete: 'off', spellcheck: 'false' });
    const findForm = h('form', { class: 'card', role: 'search' },
      h('label', { for: 'return-q' }, 'Order ref, or scan the order’s QR code'), query,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Look up')));
    const work = h('div', { class: 'stack', id: 'return-work' });
    const location = h('input', { id: 'return-location', autocomplete: 'off', spellcheck: 'false' });
    wrap.append(h('h1', {}, 'Returns'), findForm, work);
    root.append(wrap);

    async function lookUp(q) {
      try {
        ({ lines } = await get(`/returns/lookup?q=${encodeURIComponent(q)}`));
        const orders = [...new Set(lines.map((l) => l.order_id))];
        if (orders.length > 1) {
          fill(work, h('section', { class: 'card' }, h('h2', {}, 'Several orders have this ref'),
            h('div', { class: 'actions' }, orders.map((o) => h('button', { type: 'button', onclick: () => choose(o) }, `Order ${o}`)))));
          return;
        }
        choose(orders[0]);
      } catch (e) {
        feedback.bad(e.message);
      }
    }

    function choose(id) {
      orderId = id;
      render();
    }

    function render() {
      const mine = lines.filter((l) => l.order_id === orderId);
      wrap.dataset.state = 'lines';
      const rows = mine.map((l) => {
        const qty = h('input', { id: `ret-qty-${l.line_id}`, type: 'number', min: 0, max: l.returnable, value: 0, inputmode: 'numeric', disabled: l.returnable === 0 || undefined, 'data-line': l.line_id });
        const cond = h('select', { id: `ret-cond-${l.line_id}`, disabled: l.returnable === 0 || undefined },
          h('option', { value: 'resellable' }, 'Resellable'), h('option', { value: 'damaged' }, 'Damaged'));
        return h('tr', { 'data-line': l.line_id },
          h('td', {}, h('strong', {}, l.description || l.sku), h('div', { class: 'muted' }, l.sku)),
          h('td', {}, `${l.fulfilled} fulfilled · ${l.returned} returned`),
          h('td', {}, h('label', { for: `ret-qty-${l.line_id}`, class: 'sr-only' }, `Units of ${l.description || l.sku} returned (at most ${l.returnable})`), qty),
          h('td', {}, h('label', { for: `ret-cond-${l.line_id}`, class: 'sr-only' }, `Condition of ${l.description || l.sku}`), cond));
      });
      const form = h('form', { class: 'card', id: 'return-form' },
        h('h2', {}, `Order ${orderId}`),
        mine.every((l) => l.returnable === 0) ? h('p', { class: 'alert bad' }, 'Nothing on this order may be returned: nothing fulfilled, or all of it already returned.') : '',
        h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', {}, 'So far'), h('th', {}, 'Returned now'), h('th', {}, 'Condition'))),
          h('tbody', {}, rows)),
        h('label', { for: 'return-location' }, 'Put resellable units back at (scan the location label)'), location,
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary big' }, 'Receive the return')));
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        submit(form);
      });
      fill(work, form);
    }

    async function submit(form) {
      if (busy) return;
      const chosen = [...form.querySelectorAll('tbody tr')].map((tr) => {
        const id = tr.dataset.line;
        return { line_id: id, qty: Number(form.querySelector(`#ret-qty-${CSS.escape(id)}`).value), condition: form.querySelector(`#ret-cond-${CSS.escape(id)}`).value };
      }).filter((l) => l.qty > 0);
      if (!chosen.length) {
        feedback.bad('Enter how many units of which item come back.');
        return;
      }
      const where = location.value.trim();
      if (chosen.some((l) => l.condition === 'resellable') && !where) {
        feedback.bad('Scan the location the resellable units go back to.');
        location.focus();
        return;
      }
      for (const l of chosen) if (l.condition === 'resellable') l.location = where;
      busy = true;
      try {
        const r = await post('/returns', { order_id: orderId, lines: chosen });
        const n = r.returns.reduce((s, x) => s + x.qty, 0);
        wrap.dataset.state = 'done';
        fill(work, h('section', { class: 'card next', id: 'return-done' },
          h('h2', {}, `${n} unit(s) of order ${r.order_id} received`),
          h('ul', { class: 'list' }, r.returns.map((x) => h('li', {}, `${x.sku} × ${x.qty}: ${x.condition}${x.location ? `, back at ${x.location}` : ', not restocked'}`))),
          h('button', { type: 'button', class: 'primary big', onclick: () => { fill(work); query.value = ''; wrap.dataset.state = 'find'; query.focus(); } }, 'Another return')));
        feedback.done(`Return received: ${n} unit(s).`);
      } catch (e) {
        feedback.bad(e.message);
      } finally {
        busy = false;
      }
    }

    findForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (query.value.trim()) lookUp(query.value.trim());
    });
    if (params[0]) lookUp(params[0]);
    else query.focus();
    return {
      onScan(text) {
        if (wrap.dataset.state === 'lines' && !text.startsWith('SE1:ORD:')) {
          location.value = text;
          feedback.info(`Resellable units go back to ${text}.`);
          return;
        }
        query.value = text;
        lookUp(text);
      },
    };
  },
};
