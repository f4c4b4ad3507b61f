// Picking on a handheld: the next location and item, large; scan the item
// to confirm each unit (or enter it by hand with a reason, or record a short
// pick), see which tote it goes in and how far the task has come.
import { get, post } from '../api.js';
import { h, fill } from '../dom.js';
import { feedback } from '../feedback.js';

const manualReasons = [
  ['no_barcode', 'Barcode missing or damaged'],
  ['scanner_fault', 'Scanner not working'],
  ['other', 'Other'],
];

export default {
  route: 'pick',
  title: 'Pick',
  nav: false,
  mount(root, { params, app }) {
    const taskId = Number(params[0]);
    let view = null;
    let busy = false;

    const heading = h('h1', {}, `Pick task ${taskId}`);
    const next = h('section', { class: 'card next', 'aria-live': 'polite', 'aria-labelledby': 'next-title' });
    const progress = h('progress', { id: 'pick-progress', max: 1, value: 0 });
    const progressText = h('p', { id: 'pick-progress-text', class: 'qty-left' });
    const scan = h('input', {
      id: 'scan', 'data-scan': '', autocomplete: 'off', inputmode: 'none', spellcheck: 'false',
      'aria-describedby': 'scan-help',
    });
    const lines = h('ul', { class: 'list', 'aria-label': 'Lines of this task' });
    const manualQty = h('input', { id: 'manual-qty', type: 'number', min: 1, value: 1, inputmode: 'numeric' });
    const manualReason = h('select', { id: 'manual-reason' },
      manualReasons.map(([v, t]) => h('option', { value: v }, t)));
    const shortQty = h('input', { id: 'short-qty', type: 'number', min: 1, value: 1, inputmode: 'numeric' });
    const shortReason = h('select', { id: 'short-reason' },
      h('option', { value: 'not_found' }, 'Not found at the location'),
      h('option', { value: 'damaged' }, 'Damaged'));

    function current() {
      return view?.pick_lines.find((l) => l.state === 'open') || null;
    }

    function render() {
      const line = current();
      const total = view.pick_lines.reduce((n, l) => n + l.qty, 0);
      const done = view.pick_lines.reduce((n, l) => n + l.picked + l.shorted, 0);
      progress.max = Math.max(total, 1);
      progress.value = done;
      progressText.textContent = `${done} of ${total} units`;
      root.querySelector('.pick').dataset.state = line ? 'picking' : 'done';
      if (line) {
        fill(next,
          h('h2', { id: 'next-title', class: 'muted' }, 'Go to'),
          h('p', { class: 'location', id: 'next-location' }, line.location || 'No location on file'),
          h('p', { class: 'item', id: 'next-item' }, line.description || line.sku),
          h('p', { class: 'sku', id: 'next-sku', 'data-sku': line.sku }, `SKU ${line.sku}`, line.gtin ? ` · GTIN ${line.gtin}` : ''),
          h('p', { class: 'qty-left', id: 'next-qty' }, `Take ${line.remaining} more`),
          line.tote ? h('p', { class: 'tote' }, 'Put in tote ', h('strong', { id: 'next-tote' }, line.tote)) : '');
        shortQty.value = String(line.remaining);
        shortQty.max = String(line.remaining);
        manualQty.max = String(line.remaining);
      } else {
        fill(next,
          h('h2', { id: 'next-title' }, 'Task complete'),
          h('p', { class: 'item' }, 'Every line is picked or shorted.'),
          h('div', { class: 'actions' },
            h('button', { type: 'button', class: 'primary big', onclick: () => app.navigate('#/queue') },
              'Back to tasks')));
      }
      fill(lines, view.pick_lines.map((l) => h('li', { 'data-line': l.pick_line_id, 'data-state': l.state },
        h('div', { class: 'what' },
          h('strong', {}, l.location || '—'), ` ${l.description || l.sku} `,
          l.tote ? h('span', { class: 'tag' }, `tote ${l.tote}`) : ''),
        h('span', { class: l.state === 'done' ? 'state-ok' : '' },
          `${l.picked}/${l.qty}${l.shorted ? ` (${l.shorted} short)` : ''}`))));
      for (const el of root.querySelectorAll('[data-needs-line]')) el.disabled = !line;
    }

    async function load() {
      try {
        view = await get(`/tasks/${taskId}`);
        render();
      } catch (e) {
        feedback.bad(e.message);
      }
    }

    function after(r, what) {
      if (r.task_done) feedback.done(`${what} Task complete.`);
      else if (r.order_picked) feedback.done(`${what} Order ${r.order_id} is picked.`);
      else feedback.ok(what);
    }

    async function pick(body, describe) {
      if (busy) return;
      const line = current();
      if (!line) {
        feedback.bad('Nothing is left to pick in this task.');
        return;
      }
      busy = true;
      try {
        const r = await post(`/tasks/${taskId}/pick`, { at: line.location ?? undefined, ...body });
        await load();
        after(r, describe(r));
      } catch (e) {
        feedback.bad(e.message);
      } finally {
        busy = false;
        scan.focus();
      }
    }

    async function short(ev) {
      ev.preventDefault();
      const line = current();
      if (!line || busy) return;
      busy = true;
      try {
        const r = await post(`/tasks/${taskId}/short`, {
          pick_line_id: line.pick_line_id, qty: Number(shortQty.value), reason: shortReason.value,
        });
        await load();
        after(r, `Recorded ${shortQty.value} short of ${line.sku}.`);
      } catch (e) {
        feedback.bad(e.message);
      } finally {
        busy = false;
      }
    }

    function manual(ev) {
      ev.preventDefault();
      const line = current();
      if (!line) return;
      const reason = manualReason.selectedOptions[0].textContent;
      pick({ pick_line_id: line.pick_line_id, qty: Number(manualQty.value), manual_reason: reason },
        (r) => `Entered ${manualQty.value} × ${r.sku} by hand → tote ${r.tote}.`);
    }

    async function release() {
      try {
        await post(`/tasks/${taskId}/release`);
        feedback.info(`Task ${taskId} is back in the queue.`);
        app.navigate('#/queue');
      } catch (e) {
        feedback.bad(e.message);
      }
    }

    root.append(h('div', { class: 'pick' },
      heading,
      h('div', { class: 'split' },
        h('div', { class: 'stack' },
          next,
          h('div', { class: 'card scanbox' },
            h('label', { for: 'scan' }, 'Scan the item'),
            scan,
            h('p', { id: 'scan-help', class: 'muted' }, 'Aim the scanner at the barcode, or key it in and press Enter.')),
          h('div', {}, progressText, progress)),
        h('div', { class: 'stack' },
          h('details', { class: 'card' },
            h('summary', {}, 'Enter by hand (no scan)'),
            h('form', { onsubmit: manual },
              h('div', { class: 'field-row' },
                h('div', {}, h('label', { for: 'manual-qty' }, 'Units'), manualQty),
                h('div', {}, h('label', { for: 'manual-reason' }, 'Why no scan'), manualReason)),
              h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-needs-line': '' }, 'Confirm by hand')))),
          h('details', { class: 'card' },
            h('summary', {}, 'Short pick'),
            h('form', { onsubmit: short },
              h('div', { class: 'field-row' },
                h('div', {}, h('label', { for: 'short-qty' }, 'Units missing'), shortQty),
                h('div', {}, h('label', { for: 'short-reason' }, 'Reason'), shortReason)),
              h('div', { class: 'actions' },
                h('button', { type: 'submit', class: 'danger', 'data-needs-line': '' }, 'Record short')))),
          h('section', { class: 'card', 'aria-labelledby': 'lines-title' },
            h('h2', { id: 'lines-title' }, 'Lines'), lines),
          h('div', { class: 'actions' },
            h('button', { type: 'button', onclick: release }, 'Release task'),
            h('button', { type: 'button', onclick: () => app.navigate('#/queue') }, 'Back to tasks'))))));
    scan.focus();
    load();
    return {
      onScan(text) {
        pick({ scan: text }, (r) => `${r.sku} → tote ${r.tote}. ${r.line_remaining} left on this line.`);
      },
      onMessage(msg) {
        if (msg.type === 'tasks_changed' || msg.type === 'open') load();
      },
    };
  },
};
