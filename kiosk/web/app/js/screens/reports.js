// The store manager's reports (issue 10), for supervisors: choose a report
// and a period, see each per-day series as a chart (chart.js, drawn here)
// and every table of the report, each downloadable as CSV.
//
// GET /api/v1/reports/{name}?from&to&days&top answers the report as JSON
// (ReportJson); format=csv&table=NAME one table as CSV. `to` there is the day
// after the last; the form asks for the last day, which people expect.
// The API needs the Authorization header, so a CSV is fetched and saved
// through a Blob URL, not a plain link.
//
// The choice is kept in the address (#/reports/orders/2026-03-01/2026-03-31/
// local/20), so a report can be bookmarked or reloaded.
import { ApiError, get, seg } from '../api.js';
import { dayChart, dayLabel } from '../chart.js';
import { h, fill } from '../dom.js';
import { feedback } from '../feedback.js';

// Every report of the API (ReportNames() in edge/app/src/report_service.cc),
// in its order.
const REPORTS = [
  ['orders', 'Orders by kind and state'],
  ['fulfilment', 'Fulfilment against the promise'],
  ['rejections', 'Rejections and short picks'],
  ['picking', 'Pick and pack times'],
  ['curbside', 'Curbside and counter waits'],
  ['pickups', 'Pickups: collected, uncollected and expired'],
  ['returns', 'Returns and return rate'],
  ['adjustments', 'Inventory adjustments'],
];
// Reports with "top SKUs" tables (the `top` parameter).
const WITH_TOP = new Set(['rejections', 'picking', 'returns', 'adjustments']);

// Names the API uses as keys, as people read them.
const NAMES = {
  ship_from_store: 'Ship from store',
  bopis: 'Pick up in store',
  curbside: 'Curbside',
  same_day: 'Same day',
  all: 'All orders',
};

const isDay = (v) => /^\d{4}-\d{2}-\d{2}$/.test(v || '');

// Days as YYYY-MM-DD strings; arithmetic in UTC so no DST shifts a day.
function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

function today(utc) {
  const t = new Date();
  if (utc) return t.toISOString().slice(0, 10);
  const p = (x) => String(x).padStart(2, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}`;
}

// "late_median_min" → "Late median"; the unit is said by the chart's axis.
function seriesLabel(name) {
  if (NAMES[name]) return NAMES[name];
  const base = name.replace(/_(pct|min|s|h)$/, '');
  const net = base.match(/^(.*)_net$/);
  const words = (net ? `${net[1]} (net)` : base).replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// "lead_median_min" → "Lead median (min)", "late_pct" → "Late %".
function columnLabel(name) {
  if (name === 'sku') return 'SKU';
  const m = name.match(/^(.*)_(pct|min|s|h)$/);
  const words = (m ? m[1] : name).replaceAll('_', ' ');
  const text = words.charAt(0).toUpperCase() + words.slice(1);
  if (!m) return text;
  return m[2] === 'pct' ? `${text} %` : `${text} (${m[2]})`;
}

// Durations and rates have one decimal (the API rounds them to 0.1).
const isTenths = (column) => /_(pct|min|s|h)$/.test(column);

function cell(v, column) {
  if (v === null || v === undefined) {
    return h('td', { class: 'num none' }, h('span', { 'aria-hidden': 'true' }, '—'), h('span', { class: 'sr-only' }, 'no value'));
  }
  if (typeof v === 'number') return h('td', { class: 'num' }, isTenths(column) ? v.toFixed(1) : String(v));
  return h('td', {}, String(v));
}

// A report with nothing in it: every figure of every series and table is
// zero or missing.
function isEmpty(r) {
  const quiet = (v) => v === null || v === 0 || typeof v === 'string';
  return r.series.every((s) => s.values.every(quiet)) && r.tables.every((t) => t.rows.every((row) => row.slice(1).every(quiet)));
}

export default {
  route: 'reports',
  title: 'Reports',
  nav: true,
  roles: ['supervisor'],
  mount(root, { params, app }) {
    const wrap = h('div', { class: 'reports stack' }, h('h1', {}, 'Reports'));
    root.append(wrap);
    if (app.user?.role !== 'supervisor') {
      wrap.dataset.state = 'forbidden';
      wrap.append(h('p', { class: 'alert bad', role: 'alert', id: 'reports-forbidden' },
        'Reports are for supervisors only. Ask a supervisor if you need a figure.'));
      return {};
    }

    // The form.
    const [pName, pFrom, pTo, pDays, pTop] = params;
    const name = h('select', { id: 'report-name' },
      REPORTS.map(([value, text]) => h('option', { value, selected: value === pName }, text)));
    const from = h('input', { id: 'report-from', type: 'date', required: true, 'aria-describedby': 'report-form-error' });
    const to = h('input', { id: 'report-to', type: 'date', required: true, 'aria-describedby': 'report-to-hint report-form-error' });
    const utc = h('input', { id: 'report-days-utc', type: 'radio', name: 'report-days', value: 'utc', checked: pDays === 'utc' });
    const local = h('input', { id: 'report-days-local', type: 'radio', name: 'report-days', value: 'local', checked: pDays !== 'utc' });
    const top = h('select', { id: 'report-top' },
      [['10', '10'], ['20', '20'], ['50', '50'], ['0', 'Every SKU']].map(([value, text]) =>
        h('option', { value, selected: value === (pTop || '20') }, text)));
    const topField = h('div', { class: 'f-top' }, h('label', { for: 'report-top' }, 'SKUs in the top-SKU tables'), top);
    const formError = h('p', { id: 'report-form-error', class: 'alert bad', role: 'alert', hidden: true });
    const quick = (text, days) => h('button', { type: 'button', onclick: () => setPeriod(days()) }, text);
    const form = h('form', { class: 'card report-form', 'aria-label': 'Report and period', novalidate: true },
      h('div', { class: 'fields' },
        h('div', { class: 'f-report' }, h('label', { for: 'report-name' }, 'Report'), name),
        h('div', { class: 'f-day' }, h('label', { for: 'report-from' }, 'From'), from),
        h('div', { class: 'f-day' }, h('label', { for: 'report-to' }, 'To ', h('span', { id: 'report-to-hint', class: 'hint' }, '(last day, included)')), to),
        h('fieldset', { class: 'choice' }, h('legend', {}, 'Days'),
          h('label', { for: 'report-days-local' }, local, 'Store’s local days'),
          h('label', { for: 'report-days-utc' }, utc, 'UTC days')),
        topField),
      formError,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Show report'),
        h('div', { class: 'quick', role: 'group', 'aria-label': 'Quick periods' },
          quick('Last 7 days', () => [addDays(today(utc.checked), -6), today(utc.checked)]),
          quick('Last 30 days', () => [addDays(today(utc.checked), -29), today(utc.checked)]),
          quick('This month', () => [`${today(utc.checked).slice(0, 8)}01`, today(utc.checked)]))));
    // Says what is on display (or loading) to screen readers; the page shows it in the report's heading.
    const status = h('p', { id: 'report-status', class: 'sr-only', role: 'status', 'aria-live': 'polite' });
    const result = h('div', { id: 'report-result', class: 'stack' });
    wrap.append(form, status, result);

    if (isDay(pFrom) && isDay(pTo)) {
      from.value = pFrom;
      to.value = pTo;
    } else {
      [from.value, to.value] = [addDays(today(false), -6), today(false)];
    }
    let seq = 0;  // the latest request: an older answer arriving late is dropped
    let shown = null;  // the query of the report on display (its CSV links use it)

    function showTop() {
      topField.hidden = !WITH_TOP.has(name.value);
    }

    function setPeriod([f, t]) {
      from.value = f;
      to.value = t;
      load();
    }

    function query(q) {
      return new URLSearchParams({ from: q.from, to: q.to, days: q.days, ...(q.top ? { top: q.top } : {}), ...(q.extra || {}) }).toString();
    }

    async function load() {
      formError.hidden = true;
      if (!isDay(from.value) || !isDay(to.value)) {
        formError.textContent = 'Choose the first and the last day of the period.';
        formError.hidden = false;
        return;
      }
      if (to.value < from.value) {
        formError.textContent = 'The last day (To) is before the first day (From).';
        formError.hidden = false;
        return;
      }
      const q = {
        name: name.value, from: from.value, to: addDays(to.value, 1), last: to.value,
        days: utc.checked ? 'utc' : 'local', top: WITH_TOP.has(name.value) ? top.value : '',
      };
      history.replaceState(null, '', `#/reports/${[q.name, q.from, q.last, q.days, top.value].map(seg).join('/')}`);
      const mine = ++seq;
      result.setAttribute('aria-busy', 'true');
      result.dataset.state = 'loading';
      status.textContent = 'Loading the report…';
      try {
        const r = await get(`/reports/${seg(q.name)}?${query(q)}`);
        if (mine !== seq) return;
        shown = q;
        render(r);
      } catch (e) {
        if (mine !== seq) return;
        shown = null;
        result.dataset.state = 'error';
        status.textContent = '';
        const forbidden = e instanceof ApiError && e.status === 403;
        fill(result, h('p', { class: 'alert bad', role: 'alert', id: 'report-error' },
          forbidden ? `Reports are for supervisors only. ${e.message}` : e.message));
      } finally {
        if (mine === seq) result.removeAttribute('aria-busy');
      }
    }

    async function download(table, button) {
      const q = shown;
      if (!q) return;
      const file = `${q.name}-${table}-${q.from}-${q.to}.csv`;
      button.disabled = true;
      try {
        const blob = await get(`/reports/${seg(q.name)}?${query({ ...q, extra: { format: 'csv', table } })}`, { as: 'blob' });
        const url = URL.createObjectURL(blob);
        const a = h('a', { href: url, download: file, hidden: true });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        feedback.ok(`Saved ${file}`);
      } catch (e) {
        feedback.bad(e.message);
      } finally {
        button.disabled = false;
      }
    }

    function csvButton(table, title) {
      const b = h('button', { type: 'button', class: 'csv', 'data-table': table, 'aria-label': `Download CSV: ${title}` }, 'Download CSV');
      b.addEventListener('click', () => download(table, b));
      return b;
    }

    function tableSection(t, { collapsed = false } = {}) {
      const id = `report-table-${t.name}`;
      const table = h('table', { 'aria-labelledby': `${id}-title` },
        h('thead', {}, h('tr', {}, t.columns.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : undefined }, columnLabel(c))))),
        h('tbody', {}, t.rows.length ? t.rows.map((row) => h('tr', { 'data-key': String(row[0]), class: row[0] === '(all)' ? 'total' : undefined },
          h('th', { scope: 'row' }, String(row[0] ?? '').replaceAll('_', ' ')),
          row.slice(1).map((v, i) => cell(v, t.columns[i + 1]))))
          : h('tr', {}, h('td', { colspan: t.columns.length, class: 'empty' }, 'No rows in this period.'))));
      const scroller = h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': `${id}-title` }, table);
      return h('section', { class: 'card report-table', id, 'data-table': t.name, 'aria-labelledby': `${id}-title` },
        h('div', { class: 'table-head' }, h('h3', { id: `${id}-title` }, t.title), csvButton(t.name, t.title)),
        collapsed ? h('details', {}, h('summary', {}, `Show the ${t.rows.length} day(s) as a table`), scroller) : scroller);
    }

    function render(r) {
      const last = r.days[r.days.length - 1];
      const period = `${dayLabel(r.from, true)} to ${dayLabel(last, true)} · ${r.days.length} day(s) · ${r.days_in === 'utc' ? 'UTC days' : 'the store’s local days'}`;
      result.dataset.state = isEmpty(r) ? 'empty' : 'shown';
      Object.assign(result.dataset, { report: r.name, from: r.from, to: r.to, days: r.days_in });
      status.textContent = `${r.title}, ${period}${isEmpty(r) ? ': no data in this period' : ''}.`;
      const head = h('header', { class: 'report-head' }, h('h2', { id: 'report-title' }, r.title), h('p', { class: 'muted' }, period));
      if (isEmpty(r)) {
        fill(result, head, h('p', { class: 'alert info', id: 'report-empty' }, 'No data in this period.'));
        return;
      }
      const daily = {
        name: 'daily', title: 'Figures per day',
        columns: ['day', ...r.series.map((s) => s.name)],
        rows: r.days.map((d, i) => [d, ...r.series.map((s) => s.values[i])]),
      };
      fill(result, head,
        h('section', { class: 'report-charts', 'aria-labelledby': 'report-charts-title' },
          h('h3', { id: 'report-charts-title' }, 'Per day'),
          h('div', { class: 'grid' }, r.series.map((s) => h('figure', { class: 'card chart-box', 'data-series': s.name },
            dayChart({ title: `${seriesLabel(s.name)}: ${s.unit} per day`, unit: s.unit, days: r.days, values: s.values }))))),
        r.tables.map((t) => tableSection(t)),
        tableSection(daily, { collapsed: true }),
        r.notes.length ? h('section', { class: 'card notes', 'aria-labelledby': 'report-notes-title' },
          h('h3', { id: 'report-notes-title' }, 'What the figures measure'), h('ul', {}, r.notes.map((n) => h('li', {}, n)))) : '');
    }

    name.addEventListener('change', () => {
      showTop();
      load();
    });
    for (const radio of [local, utc]) radio.addEventListener('change', load);
    top.addEventListener('change', load);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      load();
    });
    showTop();
    load();
    return {};
  },
};
