// Printers and scanners of the store's stations, live (the stream's
// `stations` channel), and which station this device is at.
import { status } from '../api.js';
import { h, fill } from '../dom.js';
import { feedback } from '../feedback.js';
import { setStation, station, stationsOf } from '../station.js';

export default {
  route: 'stations',
  title: 'Stations',
  nav: true,
  mount(root, { app }) {
    let printers = [];
    let scanners = [];
    const select = h('select', { id: 'this-station' });
    const table = h('tbody');
    const lastScan = h('p', { id: 'last-scan', class: 'muted', 'aria-live': 'polite' }, 'No scan yet on this screen.');

    function render() {
      const names = [...new Set([...scanners.map((s) => s.station), ...printers.map((p) => p.station)])].sort();
      fill(select, h('option', { value: '' }, 'None (handheld only)'),
        names.map((n) => h('option', { value: n, selected: n === station() }, n)));
      fill(table, names.length ? names.map((n) => {
        const p = printers.find((x) => x.station === n);
        const s = scanners.find((x) => x.station === n);
        return h('tr', { 'data-station': n },
          h('th', { scope: 'row' }, n, n === station() ? ' (this device)' : ''),
          h('td', {}, p ? [h('span', { class: p.ready ? 'state-ok' : 'state-bad' }, p.ready ? 'Ready' : 'Not ready'),
            ` ${p.queue} (${p.format}) · ${p.summary}`, p.unfinished_jobs ? ` · ${p.unfinished_jobs} job(s) waiting` : '']
            : h('span', { class: 'muted' }, 'No printer')),
          h('td', {}, s ? [h('span', { class: s.state === 'connected' ? 'state-ok' : ['no_scanner', 'not_configured'].includes(s.state) ? 'muted' : 'state-bad' },
            s.state.replaceAll('_', ' ')), s.mode ? ` · ${s.mode}` : '', s.detail ? ` · ${s.detail}` : '',
          ` · ${s.scans} scan(s)`] : '—'));
      }) : h('tr', {}, h('td', { colspan: 3 }, 'No stations are configured ([[station]] in the config).')));
    }

    async function load() {
      try {
        const s = await status();
        printers = s.printers || [];
        scanners = s.scanners || [];
        if (!stationsOf(s).includes(station()) && station()) setStation('');
        render();
      } catch (e) {
        feedback.bad(e.message);
      }
    }

    select.addEventListener('change', () => {
      setStation(select.value);
      feedback.ok(select.value ? `This device is now at ${select.value}.` : 'This device is at no station.');
      render();
    });
    root.append(h('div', { class: 'stations stack' }, h('h1', {}, 'Stations'),
      h('div', { class: 'card' }, h('label', { for: 'this-station' }, 'This device is at station'), select),
      h('section', { class: 'card' }, h('h2', {}, 'Printers and scanners'),
        h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Station'),
          h('th', { scope: 'col' }, 'Printer'), h('th', { scope: 'col' }, 'Scanner'))), table)),
      h('section', { class: 'card' }, h('h2', {}, 'Scanner test'),
        h('p', {}, 'Scan any barcode to check the scanner reaches this screen.'), lastScan)));
    load();
    return {
      onMessage(msg) {
        if (msg.type === 'printers') {
          printers = msg.printers;
          render();
        } else if (msg.type === 'scanners') {
          scanners = msg.scanners;
          render();
        } else if (msg.type === 'open') {
          load();
        }
      },
      onScan(text, source) {
        lastScan.textContent = `Read “${text}” from ${source === 'station' ? `the ${app.station()} USB scanner` : 'a keyboard-wedge scanner'}.`;
        feedback.ok('Scanner works.');
      },
    };
  },
};
