// Packing one order at this device's station: open a package in a chosen
// box, scan the units into it, close it with its weight, finish packing
// (order.packed asks the OMS for the carrier label), print the packing slip,
// and verify the carrier label by scanning it once it has printed.
import { get, post, status, seg } from '../api.js';
import { h, fill } from '../dom.js';
import { feedback } from '../feedback.js';
import { setStation, stationsOf } from '../station.js';

export default {
  route: 'pack',
  title: 'Pack',
  nav: false,
  mount(root, { params, app }) {
    const orderId = params[0];
    let view = null;
    let openView = null; // the open package with its contents (the order view lists packages without them)
    let boxes = [];
    let busy = false;

    const heading = h('h1', {}, `Pack order ${orderId}`);
    const summary = h('p', { class: 'muted', id: 'pack-summary' });
    const lines = h('tbody');
    const work = h('section', { class: 'card stack', id: 'pack-work', 'aria-live': 'polite' });
    const packages = h('ul', { class: 'list', 'aria-label': 'Packages' });
    const scan = h('input', { id: 'scan', 'data-scan': '', autocomplete: 'off', inputmode: 'none', spellcheck: 'false' });
    const scanLabel = h('label', { for: 'scan' }, 'Scan');

    const openPackage = () => view.packages.find((p) => p.state === 'open');
    const toPack = () => view.lines.reduce((n, l) => n + l.picked - l.packed, 0);
    const awaitingLabel = () => view.packages.find((p) => p.label_state === 'received' || p.label_state === 'queued');

    async function act(fn) {
      if (busy) return;
      busy = true;
      try {
        await fn();
      } catch (e) {
        feedback.bad(e.message);
      } finally {
        busy = false;
        await load();
      }
    }

    function stationPicker() {
      const select = h('select', { id: 'station' }, h('option', { value: '' }, 'Choose…'));
      status().then((s) => {
        for (const name of stationsOf(s)) select.append(h('option', { value: name }, name));
      }).catch((e) => feedback.bad(e.message));
      select.addEventListener('change', () => {
        setStation(select.value);
        render();
      });
      return [h('h2', {}, 'Which station is this?'),
        h('p', {}, 'Packages are opened at a station; its printer prints the labels.'),
        h('label', { for: 'station' }, 'Station'), select];
    }

    function boxPicker() {
      const group = h('fieldset', { class: 'box-choices' }, h('legend', { class: 'muted' }, 'Box'),
        boxes.map((b, i) => h('label', { for: `box-${b.name}` },
          h('span', {}, h('input', { type: 'radio', name: 'box', id: `box-${b.name}`, value: b.name, checked: i === 1 }),
            ` ${b.name}`),
          h('small', {}, `${b.length_mm / 10}×${b.width_mm / 10}×${b.height_mm / 10} cm`))));
      group.style.border = '0';
      group.style.padding = '0';
      const form = h('form', {}, group,
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary big' }, 'Open package')));
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const box = form.querySelector('input[name=box]:checked')?.value;
        if (!box) {
          feedback.bad('Choose a box first.');
          return;
        }
        act(async () => {
          const p = await post(`/orders/${seg(orderId)}/packages`, { box, station: app.station() });
          feedback.ok(`Package ${p.package_id} open in box ${box}. Scan the units into it.`);
        });
      });
      return [h('h2', {}, 'Open a package'), h('p', {}, `${toPack()} unit(s) to pack.`), form];
    }

    function openWork(p) {
      const weight = h('input', { id: 'weight', type: 'number', min: 1, step: 1, inputmode: 'numeric', required: true });
      const close = h('form', {},
        h('label', { for: 'weight' }, 'Weight (grams)'), weight,
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary big' }, 'Close package')));
      close.addEventListener('submit', (ev) => {
        ev.preventDefault();
        act(async () => {
          await post(`/packages/${seg(p.package_id)}/close`, { weight_g: Number(weight.value) });
          feedback.ok(`Package ${p.package_id} closed at ${weight.value} g.`);
        });
      });
      const manualLine = h('select', { id: 'manual-line' },
        view.lines.filter((l) => l.picked > l.packed).map((l) =>
          h('option', { value: l.line_id }, `${l.description || l.sku} (${l.picked - l.packed} left)`)));
      const manual = h('form', {},
        h('label', { for: 'manual-line' }, 'Item'), manualLine,
        h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add 1 unit without a scan')));
      manual.addEventListener('submit', (ev) => {
        ev.preventDefault();
        act(async () => {
          await post(`/packages/${seg(p.package_id)}/units`,
            { line_id: manualLine.value, manual_reason: 'Barcode missing or damaged' });
          feedback.ok('Unit added by hand.');
        });
      });
      scanLabel.textContent = 'Scan each unit into the box';
      const inBox = (openView?.package_id === p.package_id ? openView.lines : []).reduce((n, l) => n + l.qty, 0);
      return [
        h('h2', { id: 'open-package' }, `Package ${p.package_id} · box ${p.box}`),
        h('p', { class: 'qty-left', id: 'in-box' }, `${inBox} unit(s) in the box · ${toPack()} still to pack`),
        h('div', { class: 'scanbox' }, scanLabel, scan),
        h('details', {}, h('summary', {}, 'Add a unit by hand'), manual),
        close,
      ];
    }

    function finishWork() {
      return [h('h2', {}, 'Everything is in packages'),
        h('p', {}, 'Finish packing to ask the order system for the carrier label.'),
        h('div', { class: 'actions' }, h('button', {
          type: 'button', class: 'primary big', onclick: () => act(async () => {
            await post(`/orders/${seg(orderId)}/packed`);
            feedback.done(`Order ${view.order.order_ref} is packed.`);
          }),
        }, 'Finish packing'))];
    }

    function doneWork() {
      const waiting = awaitingLabel();
      scanLabel.textContent = 'Scan the carrier label on the package';
      return [h('h2', { id: 'pack-done' }, `Order ${view.order.order_ref} is ${view.order.state}`),
        waiting ? [h('p', {}, `The label for ${waiting.package_id} has printed: scan it to check it is on the right package.`),
          h('div', { class: 'scanbox' }, scanLabel, scan)]
          : h('p', { class: 'muted' }, view.packages.some((p) => p.label_state === 'none')
            ? 'The carrier label prints at this station when the order system sends it.'
            : 'Labels are verified.'),
        h('div', { class: 'actions' },
          h('button', { type: 'button', onclick: () => app.navigate('#/queue') }, 'Back to tasks'))];
    }

    function render() {
      if (!view) return;
      heading.textContent = `Pack order ${view.order.order_ref}`;
      const to = view.order.ship_to;
      summary.textContent = `${view.order.kind.replaceAll('_', ' ')} · ${view.order.state}` +
        (to && to.name ? ` · to ${to.name}, ${to.city || ''}` : '') +
        (view.order.carrier_service ? ` · ${view.order.carrier_service}` : '');
      fill(lines, view.lines.filter((l) => l.accepted > 0).map((l) => h('tr', { 'data-line': l.line_id },
        h('td', {}, l.description || l.sku), h('td', {}, l.sku),
        h('td', {}, String(l.picked)), h('td', { class: l.packed === l.picked ? 'state-ok' : '' }, String(l.packed)))));
      fill(packages, view.packages.length ? view.packages.map((p) => h('li', { 'data-package': p.package_id },
        h('div', { class: 'what' }, h('strong', {}, p.package_id), ` box ${p.box} · ${p.state}`,
          p.weight_g ? ` · ${p.weight_g} g` : '', ` · label ${p.label_state}`),
        h('button', {
          type: 'button', onclick: () => act(async () => {
            await post(`/packages/${seg(p.package_id)}/slip/print`);
            feedback.ok(`Packing slip for ${p.package_id} sent to the printer.`);
          }),
        }, 'Print packing slip'),
        h('button', {
          type: 'button', onclick: async () => {
            try {
              const pdf = await get(`/packages/${seg(p.package_id)}/slip`, { as: 'blob' });
              window.open(URL.createObjectURL(pdf), '_blank', 'noopener');
            } catch (e) {
              feedback.bad(e.message);
            }
          },
        }, 'View slip'))) : h('li', { class: 'empty' }, 'No packages yet.'));
      const open = openPackage();
      let content;
      if (view.order.state !== 'picked') content = doneWork();
      else if (!app.station()) content = stationPicker();
      else if (open) content = openWork(open);
      else if (toPack() > 0) content = boxPicker();
      else content = finishWork();
      fill(work, content);
      root.querySelector('.pack').dataset.state = view.order.state;
      if (work.contains(scan)) scan.focus();
    }

    async function load() {
      try {
        [view, { boxes }] = await Promise.all([get(`/orders/${seg(orderId)}`), boxes.length ? { boxes } : get('/boxes')]);
        const open = openPackage();
        openView = open ? await get(`/packages/${seg(open.package_id)}`) : null;
        render();
      } catch (e) {
        feedback.bad(e.message);
      }
    }

    root.append(h('div', { class: 'pack' },
      heading, summary,
      h('div', { class: 'split' },
        work,
        h('div', { class: 'stack' },
          h('section', { class: 'card', 'aria-labelledby': 'lines-title' },
            h('h2', { id: 'lines-title' }, 'Items'),
            h('table', {}, h('thead', {}, h('tr', {},
              h('th', { scope: 'col' }, 'Item'), h('th', { scope: 'col' }, 'SKU'),
              h('th', { scope: 'col' }, 'Picked'), h('th', { scope: 'col' }, 'Packed'))), lines)),
          h('section', { class: 'card', 'aria-labelledby': 'packages-title' },
            h('h2', { id: 'packages-title' }, 'Packages'), packages)))));
    load();
    return {
      onScan(text) {
        if (!view) return;
        const open = openPackage();
        const waiting = awaitingLabel();
        if (open) {
          act(async () => {
            const p = await post(`/packages/${seg(open.package_id)}/units`, { scan: text });
            const n = p.lines.reduce((k, l) => k + l.qty, 0);
            feedback.ok(`Packed: ${n} unit(s) in ${p.package_id}.`);
          });
        } else if (waiting && view.order.state !== 'picked') {
          act(async () => {
            await post(`/packages/${seg(waiting.package_id)}/label/verify`, { scan: text });
            feedback.done(`Label verified on ${waiting.package_id}.`);
          });
        } else {
          feedback.bad(toPack() > 0 ? 'Open a package first, then scan the units.' : 'Nothing to scan here now.');
        }
      },
      onMessage(msg) {
        if (msg.type === 'orders_changed' || msg.type === 'open') load();
      },
    };
  },
};
