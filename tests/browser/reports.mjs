// The supervisors' reports page. tests/system/browser_test.cc seeds three
// days with figures worked out by hand and passes them here (STOREEDGE_EXPECT);
// this script checks the page against them: the bars and points of the
// charts (their values and their heights), the cells of the tables, the CSV
// downloads (against the API's CSV; the C++ side checks the saved files
// against the hand-made CSV too), every report of the API, an empty period,
// an API error, and that an associate gets no Reports entry and a
// "supervisors only" message.
//
//   STOREEDGE_URL STOREEDGE_USER STOREEDGE_PIN (an associate)
//   STOREEDGE_SUPERVISOR STOREEDGE_SUPERVISOR_PIN STOREEDGE_EXPECT
//   STOREEDGE_DOWNLOADS (where the CSV downloads are saved) SCREENSHOT_DIR
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, run, screenshot, signIn } from './lib.mjs';

const base = env('STOREEDGE_URL');
const expect = JSON.parse(env('STOREEDGE_EXPECT'));
const downloads = env('STOREEDGE_DOWNLOADS');
mkdirSync(downloads, { recursive: true });

function same(got, want, what) {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

function check(ok, what) {
  if (!ok) throw new Error(what);
}

// The day after a YYYY-MM-DD day, or `n` days from it.
function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

function localToday() {
  const t = new Date();
  const p = (x) => String(x).padStart(2, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}`;
}

// The API with the page's session, from here (Node's fetch), not the page.
async function api(page, path) {
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('storeedge.session')).token);
  return fetch(`${base}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

// Waits until the page shows report `name` for [from, to) in `days` days.
async function shown(page, name, from, to, days) {
  const result = page.locator(`#report-result[data-report="${name}"][data-from="${from}"][data-to="${to}"][data-days="${days}"]:not([aria-busy])`);
  await result.waitFor();
  return result.getAttribute('data-state');
}

async function choosePeriod(page, from, last) {
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel(/^To /).fill(last);
  await page.getByRole('button', { name: 'Show report' }).click();
}

// The bars (or points) of the chart of series `name`: day, value and geometry.
async function marks(page, name) {
  const chart = page.locator(`figure[data-series="${name}"] svg.chart`);
  return chart.evaluate((svg) => {
    const zero = svg.querySelector('line.zero');
    return {
      kind: svg.dataset.kind,
      title: svg.querySelector('title').textContent,
      label: svg.getAttribute('aria-labelledby').split(' ').map((id) => document.getElementById(id)?.textContent || ''),
      ticks: [...svg.querySelectorAll('.x-axis text.tick')].map((t) => t.textContent),
      unit: svg.querySelector('.y-axis .axis-label').textContent,
      zeroY: zero ? Number(zero.getAttribute('y1')) : null,
      path: svg.querySelector('path.line')?.getAttribute('d') || '',
      marks: [...svg.querySelectorAll('.bar, .point')].map((m) => ({
        day: m.dataset.day,
        value: Number(m.dataset.value),
        height: m.tagName === 'rect' ? Number(m.getAttribute('height')) : null,
        y: m.tagName === 'rect' ? Number(m.getAttribute('y')) : Number(m.getAttribute('cy')),
      })),
    };
  });
}

// Checks the charts of a report against the expected per-day figures: one
// bar per day (a point per day with a value for durations), each with its
// day and value, and drawn to scale (bars: height ∝ value; points: the
// distance above the zero line ∝ value).
async function checkCharts(page, series) {
  for (const [name, values] of Object.entries(series)) {
    const c = await marks(page, name);
    const want = expect.days.map((day, i) => ({ day, value: values[i] })).filter((m) => m.value !== null);
    same(c.marks.map(({ day, value }) => ({ day, value })), want, `chart ${name}: days and values`);
    same(c.ticks, expect.days.map((d) => `${Number(d.slice(8))} Mar`), `chart ${name}: day labels`);
    check(c.title.includes('2 Mar 2026 to 4 Mar 2026'), `chart ${name}: its <title> "${c.title}" names the period`);
    check(c.label.length === 2 && c.label.every((t) => t.length > 0), `chart ${name}: aria-labelledby names a title and a description`);
    const size = c.marks.map((m) => (c.kind === 'bar' ? m.height : c.zeroY - m.y));
    const k = size.find((v, i) => c.marks[i].value !== 0) / c.marks.find((m) => m.value !== 0).value;
    check(k > 0, `chart ${name}: a non-zero value has a visible mark`);
    c.marks.forEach((m, i) => {
      check(Math.abs(size[i] - k * m.value) < 0.01, `chart ${name}: the mark of ${m.day} (${m.value}) is drawn ${size[i]} high, not ${k * m.value}`);
    });
    if (c.kind === 'line') {
      // A day without a value breaks the line: one segment per run of days.
      const runs = values.reduce((n, v, i) => n + (v !== null && (i === 0 || values[i - 1] === null) ? 1 : 0), 0);
      same((c.path.match(/M/g) || []).length, runs, `chart ${name}: line segments`);
    }
  }
}

// Checks the rows of table `table`, in order: each its key (the API's first
// cell), then the text of its cells.
async function checkTable(page, table, rows) {
  const section = page.locator(`section[data-table="${table}"]`);
  const got = await section.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.key, ...[...tr.children].map((c) => c.textContent.trim())]));
  same(got, rows, `table ${table}`);
}

// Downloads table `table` with its button; the file must be the API's CSV of
// the report on display, under the API's file name. Saved for the C++ side.
async function download(page, report, table, query) {
  const button = page.locator(`section[data-table="${table}"] button.csv`);
  check((await button.getAttribute('aria-label')).startsWith('Download CSV: '), `the CSV button of ${table} is named`);
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const file = join(downloads, `${report}-${table}.csv`);
  await dl.saveAs(file);
  const res = await api(page, `/reports/${report}?${query}&format=csv&table=${table}`);
  check(res.ok, `API CSV of ${report}/${table}: ${res.status}`);
  same(readFileSync(file, 'utf8'), await res.text(), `download of ${report}/${table}`);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '')?.[1];
  same(dl.suggestedFilename(), name, `file name of ${report}/${table}`);
}

await run(async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${base}/app/`);
  await signIn(page, env('STOREEDGE_SUPERVISOR'), env('STOREEDGE_SUPERVISOR_PIN'));
  await page.locator('.queue[data-loaded]').waitFor();
  await page.getByRole('link', { name: 'Reports' }).click();
  await page.locator('main[data-screen="reports"]').waitFor();

  // Every report of the API, and every control labelled.
  same(await page.locator('#report-name option').evaluateAll((os) => os.map((o) => o.value)), expect.reports, 'reports offered');
  const unlabelled = await page.locator('.report-form').evaluate((f) => [...f.querySelectorAll('input, select')].filter((e) => e.labels.length === 0).map((e) => e.id));
  same(unlabelled, [], 'controls without a label');

  // The quick choice: the last 7 days, today included (the store's local days).
  await page.getByRole('button', { name: 'Last 7 days' }).click();
  const today = localToday();
  same([await page.getByLabel('From', { exact: true }).inputValue(), await page.getByLabel(/^To /).inputValue()],
    [addDays(today, -6), today], 'last 7 days');
  await shown(page, 'orders', addDays(today, -6), addDays(today, 1), 'local');

  // The known days, UTC: every series and the table.
  const { from, last } = expect;
  const to = addDays(last, 1);
  const query = `from=${from}&to=${to}&days=utc`;
  await page.getByLabel('UTC days').check();
  await choosePeriod(page, from, last);
  same(await shown(page, 'orders', from, to, 'utc'), 'shown', 'orders state');
  await checkCharts(page, expect.orders.series);
  await checkTable(page, expect.orders.table, expect.orders.rows);
  await download(page, 'orders', 'by_kind', query);
  await download(page, 'orders', 'daily', query);

  // The store's local days (the daemon runs at UTC+9): other days, other figures.
  await page.getByLabel('Store’s local days').check();
  same(await shown(page, 'orders', from, to, 'local'), 'shown', 'orders in local days');
  same((await marks(page, 'all')).marks.map((m) => m.value), expect.orders.local_all, 'all orders per local day');
  await page.getByLabel('UTC days').check();
  await shown(page, 'orders', from, to, 'utc');

  // Waits: a line with a gap on the day without arrivals.
  await page.getByLabel('Report', { exact: true }).selectOption('curbside');
  same(await shown(page, 'curbside', from, to, 'utc'), 'shown', 'curbside state');
  await checkCharts(page, expect.curbside.series);
  same((await marks(page, 'wait_median_min')).kind, 'line', 'minutes are drawn as a line');
  await checkTable(page, expect.curbside.table, expect.curbside.rows);
  await download(page, 'curbside', 'by_source', query);

  // Every report: one chart per series and every table of the API's answer
  // (plus the per-day table), or "no data" where the days have none.
  for (const name of expect.reports) {
    await page.getByLabel('Report', { exact: true }).selectOption(name);
    const state = await shown(page, name, from, to, 'utc');
    const r = await (await api(page, `/reports/${name}?${query}`)).json();
    if (expect.empty.includes(name)) same(state, 'empty', `${name} state`);
    if (state === 'empty') {
      await page.locator('#report-empty').filter({ hasText: 'No data in this period' }).waitFor();
      continue;
    }
    same(state, 'shown', `${name} state`);
    same(await page.locator('figure[data-series] svg.chart').count(), r.series.length, `${name}: charts`);
    same(await page.locator('section.report-table h3').allTextContents(), [...r.tables.map((t) => t.title), 'Figures per day'], `${name}: tables`);
  }

  // The form says when the last day is before the first.
  await page.getByLabel('Report', { exact: true }).selectOption('orders');
  await shown(page, 'orders', from, to, 'utc');
  await choosePeriod(page, last, from);
  await page.locator('#report-form-error').filter({ hasText: 'before the first day' }).waitFor();

  // The API's error, as the API says it: a period longer than it allows.
  await choosePeriod(page, '2020-01-01', last);
  await page.locator('#report-result[data-state="error"]').waitFor();
  const refused = await api(page, `/reports/orders?from=2020-01-01&to=${to}&days=utc`);
  same(refused.status, 400, 'a period of six years');
  same(await page.locator('#report-error').textContent(), (await refused.json()).error.message, 'the error shown');

  // A period with nothing in it.
  await choosePeriod(page, '2025-01-01', '2025-01-07');
  same(await shown(page, 'orders', '2025-01-01', '2025-01-08', 'utc'), 'empty', 'an empty period');
  await page.locator('#report-empty').filter({ hasText: 'No data in this period' }).waitFor();

  // A busy month, for the screenshots (wide, then a handheld).
  await page.getByLabel('Store’s local days').check();
  await choosePeriod(page, '2026-01-01', '2026-01-31');
  same(await shown(page, 'orders', '2026-01-01', '2026-02-01', 'local'), 'shown', 'January');
  // The address keeps the choice: a reload (or a bookmark) shows the same report.
  await page.reload();
  same(await shown(page, 'orders', '2026-01-01', '2026-02-01', 'local'), 'shown', 'January after a reload');
  same(await page.getByLabel(/^To /).inputValue(), '2026-01-31', 'the last day after a reload');
  await screenshot(page, 'reports');
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'reports-portrait');

  // An associate: no Reports entry, and a clear message at its address.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('main[data-screen="signin"]').waitFor();
  await signIn(page, env('STOREEDGE_USER'), env('STOREEDGE_PIN'));
  await page.locator('.queue[data-loaded]').waitFor();
  const entries = await page.locator('#nav a').allTextContents();
  check(entries.includes('Inventory') && !entries.includes('Reports'), `an associate's screens: ${entries}`);
  await page.goto(`${base}/app/#/reports`);
  await page.locator('#reports-forbidden').filter({ hasText: 'supervisors only' }).waitFor();
  same(await page.locator('#report-name').count(), 0, 'report controls shown to an associate');
  same((await api(page, `/reports/orders?${query}`)).status, 403, 'the API to an associate');
});
