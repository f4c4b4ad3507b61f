// Handing a pickup order to the customer at the counter or the curb:
//   1. find the order: scan the customer's QR, type the order ref or a name;
//   2. verify: the pickup code (checked at once, attempts left shown) or an
//      ID check (the document seen), with the name of a proxy collector;
//   3. scan every bag out (each scan checked at once: a bag of another order
//      is refused loudly); optionally note units of a line the customer
//      refuses (they go back to stock);
//   4. confirm: order.picked_up.
// #/handover/<order_id> opens an order; #/handover/find/<text> searches.
import { ApiError, get, post, seg } from '../api.js';
import { h, fill } from '../dom.js';
import { feedback } from '../feedback.js';

const ID_TYPES = ['Driving licence', 'Passport', 'National ID card', 'Other photo ID'];
const QR = /^SE1:ORD:(.+):(\d{6,8})$/;

export default {
  route: 'handover',
  title: 'Handover',
  nav: true,
  mount(root, { params, app }) {
    let order = null; // the pickup order (GET /pickup/orders)
    let verified = null; // 'pickup_code' | 'id_check' | null
    let goodCode = '';
    const scanned = new Map(); // bag seq → the scan that checked out
    let busy = false;

    const wrap = h('div', { class: 'handover', 'data-state': 'find' });
    const query = h('input', { id: 'handover-q', autocomplete: 'off', spellcheck: 'false' });
    const results = h('ul', { class: 'list', id: 'handover-results', 'aria-label': 'Orders found' });
    const findForm = h('form', { class: 'card', role: 'search' },
      h('label', { for: 'handover-q' }, 'Order ref, customer name, or scan the customer’s QR code'), query,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Find')),
      results);
    const work = h('div', { class: 'stack', id: 'handover-work' });

    function setState(s) {
      wrap.dataset.state = s;
    }

    async function find(text) {
      const m = QR.exec(text);
      if (m) goodCode = m[2];
      try {
        const { orders } = await get(`/pickup/orders?q=${encodeURIComponent(text)}`);
        if (orders.length === 1) {
          open(orders[0], m ? m[2] : '');
          return;
        }
        fill(results, orders.length ? orders.map((o) => h('li', { 'data-order': o.order_id },
          h('div', { class: 'what' }, h('strong', {}, o.order_ref), ' ', customerName(o), ' ',
            h('span', { class: 'tag' }, o.state), ' ', `${o.bags.length} bag(s)`,
            o.staging_location ? ` at ${o.staging_location}` : ''),
          h('button', { type: 'button', class: 'primary', 'aria-label': `Hand over order ${o.order_ref}`, onclick: () => open(o, '') }, 'Hand over')))
          : h('li', { class: 'empty' }, `No pickup order matches “${text}”.`));
      } catch (e) {
        feedback.bad(e.message);
      }
    }

    function customerName(o) {
      const c = o.customer || {};
      return [c.first_name, c.last_name].filter(Boolean).join(' ');
    }

    async function reload() {
      if (!order) return;
      try {
        const { orders } = await get(`/pickup/orders?q=${encodeURIComponent(order.order_id)}`);
        const o = orders.find((x) => x.order_id === order.order_id);
        if (o) {
          // Re-drawn only when what the screen shows changed: a code being
          // typed and the result of the last check stay.
          const changed = o.state !== order.state || o.locked !== order.locked ||
            o.bags.length !== order.bags.length || o.staging_location !== order.staging_location;
          order = o;
          if (changed) render(document.getElementById('pickup-code')?.value || '');
        }
      } catch (e) {
        feedback.bad(e.message);
      }
    }

    function open(o, code) {
      order = o;
      verified = null;
      scanned.clear();
      findForm.hidden = true;
      setState('verify');
      render(code);
    }

    function bagsLeft() {
      return order.bags.filter((b) => !scanned.has(b.n)).length;
    }

    async function checkCode(code, out) {
      if (!code) {
        feedback.bad('Type the customer’s pickup code first.');
        return;
      }
      try {
        const r = await post(`/orders/${seg(order.order_id)}/pickup-code/check`, { pickup_code: code });
        if (r.ok) {
          verified = 'pickup_code';
          goodCode = code;
          fill(out, h('div', { class: 'alert ok', id: 'code-result', 'data-ok': 'true' }, 'Pickup code correct.'));
          feedback.ok('Pickup code correct. Scan each bag out.');
        } else {
          verified = null;
          const text = r.locked
            ? 'Wrong pickup code. The order is now locked: a supervisor must unlock it, or check the customer’s ID.'
            : `Wrong pickup code: ${r.attempts_left} attempt${r.attempts_left === 1 ? '' : 's'} left.`;
          fill(out, h('div', { class: 'alert bad', id: 'code-result', role: 'alert', 'data-ok': 'false' }, text));
          feedback.bad(text);
          if (r.locked) await reload();
        }
      } catch (e) {
        fill(out, h('div', { class: 'alert bad', id: 'code-result', role: 'alert', 'data-ok': 'false' }, e.message));
        feedback.bad(e.message);
      }
      updateConfirm();
    }

    async function unlock() {
      try {
        await post(`/orders/${seg(order.order_id)}/pickup-code/unlock`);
        feedback.ok('Unlocked: the customer may try the code again.');
        await reload();
      } catch (e) {
        feedback.bad(e.message);
      }
    }

    function verifyCard(code) {
      const out = h('div', { id: 'code-out' });
      const codeInput = h('input', { id: 'pickup-code', autocomplete: 'off', inputmode: 'numeric', value: code || '' });
      const codeForm = h('form', {}, h('label', { for: 'pickup-code' }, 'Pickup code (from the customer’s email)'), codeInput,
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Check code')), out);
      codeForm.addEventListener('submit', (ev) => {
        ev.preventDefault();
        checkCode(codeInput.value.trim(), out);
      });
      const idType = h('select', { id: 'id-type' }, h('option', { value: '' }, 'Choose…'),
        ID_TYPES.map((t) => h('option', { value: t }, t)));
      const collector = h('input', { id: 'collector', autocomplete: 'off', maxlength: 100 });
      const onId = () => {
        verified = idType.value ? 'id_check' : (verified === 'id_check' ? null : verified);
        updateConfirm();
      };
      idType.addEventListener('change', onId);
      const locked = order.locked;
      return h('section', { class: 'card', 'aria-labelledby': 'verify-title' },
        h('h2', { id: 'verify-title' }, 'Verify the customer'),
        locked ? h('div', { class: 'alert bad', role: 'alert' }, 'Locked after too many wrong pickup codes. Check the customer’s ID, or a supervisor unlocks it.',
          app.user.role === 'supervisor' ? h('div', { class: 'actions' }, h('button', { type: 'button', onclick: unlock }, 'Unlock pickup code')) : '') : '',
        locked ? '' : codeForm,
        h('details', { open: locked || undefined }, h('summary', {}, 'No code? Check an ID instead'),
          h('label', { for: 'id-type' }, 'ID document seen'), idType,
          h('label', { for: 'collector' }, 'Collected by someone else? Their name (optional)'), collector));
    }

    const confirm = h('button', { type: 'button', class: 'primary big', id: 'confirm-handover', disabled: true }, 'Hand over');
    function updateConfirm() {
      const left = order ? bagsLeft() : 1;
      confirm.disabled = !verified || left > 0;
      const why = document.getElementById('confirm-why');
      if (why) {
        why.textContent = !verified ? 'Verify the customer first.'
          : left > 0 ? `Scan ${left} more bag${left === 1 ? '' : 's'}.` : 'Everything is checked.';
      }
    }

    function bagsCard() {
      const scan = h('input', { id: 'scan', 'data-scan': '', autocomplete: 'off', inputmode: 'none', spellcheck: 'false' });
      return h('section', { class: 'card', 'aria-labelledby': 'bags-title' },
        h('h2', { id: 'bags-title' }, 'Scan each bag out'),
        h('p', { class: 'qty-left', id: 'bags-left' }, `${order.bags.length - bagsLeft()} of ${order.bags.length} bag(s) scanned`),
        h('ul', { class: 'list', id: 'handover-bags', 'aria-label': 'Bags' }, order.bags.map((b) => h('li', { 'data-bag': b.n },
          h('div', { class: 'what' }, h('strong', {}, `Bag ${b.n} of ${b.of}`), ' ', b.location ? `at ${b.location}` : ''),
          h('span', { class: scanned.has(b.n) ? 'state-ok' : '' }, scanned.has(b.n) ? 'scanned ✓' : 'to scan')))),
        h('div', { class: 'scanbox' }, h('label', { for: 'scan' }, 'Scan a bag label'), scan));
    }

    function refuseCard() {
      return h('details', { class: 'card', id: 'refuse' }, h('summary', {}, 'The customer refuses some items'),
        h('p', { class: 'muted' }, 'Units refused go back to stock (a restock task) and are reported to the OMS.'),
        order.lines.filter((l) => l.picked > 0).map((l) => h('div', {},
          h('label', { for: `refuse-${l.line_id}` }, `${l.description || l.sku}: units refused (of ${l.picked})`),
          h('input', { id: `refuse-${l.line_id}`, type: 'number', min: 0, max: l.picked, value: 0, inputmode: 'numeric', 'data-line': l.line_id }))));
    }

    function render(code) {
      const c = order.customer || {};
      fill(work,
        h('section', { class: 'card', id: 'handover-order', 'data-order': order.order_id },
          h('h2', {}, `Order ${order.order_ref}`),
          h('p', {}, h('strong', {}, customerName(order) || 'Customer'), ' · ', order.kind, ' · ', h('span', { class: 'tag' }, order.state),
            order.staging_location ? ` · bags at ${order.staging_location}` : ''),
          c.phone_last4 ? h('p', { class: 'muted' }, `Phone ending ${c.phone_last4}`) : '',
          order.state !== 'ready' ? h('div', { class: 'alert bad' }, 'Not ready: its bags are not all staged yet.') : ''),
        h('div', { class: 'grid' }, verifyCard(code), bagsCard()),
        refuseCard(),
        h('p', { id: 'confirm-why', class: 'muted', 'aria-live': 'polite' }),
        confirm,
        h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => app.navigate('#/handover') }, 'Another order')));
      updateConfirm();
      work.querySelector('#scan')?.focus();
    }

    async function scanBag(text) {
      try {
        const { bag } = await post(`/orders/${seg(order.order_id)}/bags/check`, { bag: text });
        if (scanned.has(bag.n)) {
          feedback.info(`Bag ${bag.n} of ${bag.of} was already scanned.`);
          return;
        }
        scanned.set(bag.n, text);
        const left = bagsLeft();
        feedback.ok(left ? `Bag ${bag.n} of ${bag.of} ✓ — ${left} to go.` : `Bag ${bag.n} of ${bag.of} ✓ — all bags scanned.`);
        const li = work.querySelector(`#handover-bags li[data-bag="${bag.n}"] span`);
        if (li) {
          li.className = 'state-ok';
          li.textContent = 'scanned ✓';
        }
        work.querySelector('#bags-left').textContent = `${order.bags.length - left} of ${order.bags.length} bag(s) scanned`;
        updateConfirm();
      } catch (e) {
        feedback.bad(`Do not hand this bag over. ${e.message}`);
      }
    }

    confirm.addEventListener('click', async () => {
      if (busy) return;
      busy = true;
      const body = { bag_scans: [...scanned.values()] };
      if (verified === 'pickup_code') body.pickup_code = goodCode;
      else {
        body.id_check = document.getElementById('id-type').value;
      }
      const who = document.getElementById('collector')?.value.trim();
      if (who) body.collector = who;
      const refused = [...work.querySelectorAll('#refuse input[data-line]')]
        .filter((i) => Number(i.value) > 0).map((i) => ({ line_id: i.dataset.line, qty: Number(i.value) }));
      if (refused.length) body.refused = refused;
      try {
        const r = await post(`/orders/${seg(order.order_id)}/handover`, body);
        setState('done');
        fill(work, h('section', { class: 'card next', id: 'handover-done' },
          h('h2', {}, `Order ${order.order_ref} handed over`),
          r.refused.length ? h('p', {}, `${r.refused.reduce((n, l) => n + l.qty, 0)} refused unit(s) go back to stock (restock task ${r.restock_task}).`) : '',
          h('button', { type: 'button', class: 'primary big', onclick: () => app.navigate('#/arrivals') }, 'Back to arrivals')));
        feedback.done(`Order ${order.order_ref} handed over.`);
      } catch (e) {
        feedback.bad(e.message);
        if (e instanceof ApiError && e.status === 403) await reload();
      } finally {
        busy = false;
      }
    });

    findForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const q = query.value.trim();
      if (q) find(q);
    });
    root.append(wrap);
    wrap.append(h('h1', {}, 'Handover'), findForm, work);
    if (params[0] === 'find' && params[1]) find(params[1]);
    else if (params[0]) find(params[0]);
    else query.focus();
    return {
      onScan(text) {
        if (!order || QR.test(text)) {
          query.value = '';
          if (order && wrap.dataset.state !== 'done') {
            const m = QR.exec(text);
            const input = document.getElementById('pickup-code');
            if (m && input && m[1] && (order.order_ref === m[1] || order.order_id === m[1])) {
              input.value = m[2];
              checkCode(m[2], document.getElementById('code-out'));
              return;
            }
          }
          order = null;
          findForm.hidden = false;
          fill(work);
          setState('find');
          find(text);
          return;
        }
        if (wrap.dataset.state === 'done') return;
        scanBag(text);
      },
      onMessage(msg) {
        if (!order && msg.type === 'open') return;
        if (msg.type === 'orders_changed' && order && wrap.dataset.state !== 'done') {
          // Staged or locked elsewhere: keep what was scanned, refresh the rest.
          reload().then(updateConfirm);
        }
      },
    };
  },
};
