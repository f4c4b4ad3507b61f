// Inventory lookup: by SKU, by any barcode of the item (scan it), or by
// words of the description. Shows on hand, reserved, available and where
// the units are.
import { ApiError, get, seg } from '../api.js';
import { h, fill } from '../dom.js';
import { feedback } from '../feedback.js';

const looksLikeBarcode = (q) => /^\d{8}$|^\d{12,14}$/.test(q);

export default {
  route: 'inventory',
  title: 'Inventory',
  nav: true,
  mount(root) {
    const query = h('input', { id: 'inventory-query', type: 'search', autocomplete: 'off', spellcheck: 'false' });
    const results = h('div', { id: 'inventory-results', class: 'stack', 'aria-live': 'polite' });

    function figures(i) {
      return h('div', { class: 'field-row' },
        ['on_hand', 'reserved', 'available', 'safety_stock'].map((k) => h('div', {},
          h('div', { class: 'muted' }, k.replace('_', ' ')), h('div', { class: 'qty-left', 'data-figure': k }, String(i[k])))));
    }

    function showItem(i) {
      fill(results, h('section', { class: 'card stack', 'data-sku': i.sku, 'aria-labelledby': 'item-title' },
        h('h2', { id: 'item-title' }, i.description || i.sku),
        h('p', { class: 'muted' }, `SKU ${i.sku}`, i.gtins?.length ? ` · barcodes ${i.gtins.join(', ')}` : ''),
        figures(i),
        h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Location'), h('th', { scope: 'col' }, 'Units'))),
          h('tbody', {}, i.locations.length ? i.locations.map((l) => h('tr', {}, h('td', {}, l.location), h('td', {}, String(l.qty))))
            : h('tr', {}, h('td', { colspan: 2 }, 'No location on file')))),
        i.incoming?.length ? h('p', {}, `Incoming: ${i.incoming.map((x) => `${x.qty - x.received_qty} (${x.ref})`).join(', ')}`) : ''));
    }

    function showList(items, q) {
      fill(results, items.length ? h('section', { class: 'card' },
        h('h2', {}, `${items.length} item(s) for “${q}”`),
        h('ul', { class: 'list' }, items.map((i) => h('li', { 'data-sku': i.sku },
          h('div', { class: 'what' }, h('strong', {}, i.description || i.sku), ` SKU ${i.sku}`),
          h('span', {}, `${i.available} available · ${i.on_hand} on hand`),
          h('button', { type: 'button', onclick: () => lookup(i.sku, 'sku') }, 'Details')))))
        : h('p', { class: 'alert bad', role: 'alert' }, `Nothing matches “${q}”.`));
    }

    async function lookup(q, how) {
      q = q.trim();
      if (!q) return;
      try {
        if (how === 'barcode' || (how !== 'sku' && looksLikeBarcode(q))) {
          showItem(await get(`/inventory/barcodes/${seg(q)}`));
          return;
        }
        try {
          showItem(await get(`/inventory/items/${seg(q)}`));
          return;
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 404) || how === 'sku') throw e;
        }
        showList((await get(`/inventory/search?q=${encodeURIComponent(q)}&limit=50`)).items, q);
      } catch (e) {
        fill(results, h('p', { class: 'alert bad', role: 'alert' }, e.message));
        feedback.bad(e.message);
      }
    }

    const form = h('form', { role: 'search', class: 'card' },
      h('label', { for: 'inventory-query' }, 'SKU, barcode or words of the description'),
      h('div', { class: 'field-row' }, query, h('button', { type: 'submit', class: 'primary' }, 'Look up')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      lookup(query.value);
    });
    root.append(h('div', { class: 'inventory stack' }, h('h1', {}, 'Inventory'), form, results));
    query.focus();
    return {
      onScan(text) {
        query.value = text;
        lookup(text, 'barcode');
      },
    };
  },
};
