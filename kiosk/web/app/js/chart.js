// Charts of a report's per-day series, drawn as SVG by the page itself (no
// chart library, nothing fetched): bars for counts (orders, units,
// arrivals…), a line with a point per day for durations and rates, where a
// day with no value (null) is a gap. Axes with labels, a visible title, and
// a <title>/<desc> (role="img") that says what the chart shows, for screen
// readers; every bar or point carries a tooltip with its day and value.
//
// dayChart({title, unit, days: ['2026-03-02', …], values: [n|null, …]})
// → <svg class="chart" data-kind="bar"|"line"> with `.bar` rects or `.point`
// circles, each with data-day and data-value.

const NS = 'http://www.w3.org/2000/svg';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Units drawn as a line (a duration or a rate: a sum over days means nothing).
const LINE_UNITS = new Set(['minutes', 'seconds', 'hours', 'percent']);

// The chart's size in its own units; the SVG scales to its box.
const W = 640;
const H = 300;
const M = { left: 64, right: 16, top: 40, bottom: 52 };

let uid = 0;

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null && v !== false) el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// "2 Mar" (and "2 Mar 2026" with the year) of a YYYY-MM-DD day.
export function dayLabel(day, withYear = false) {
  const [y, m, d] = day.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]}${withYear ? ` ${y}` : ''}`;
}

// A value as the reports give it: durations and rates to 0.1.
export function formatValue(v, unit) {
  if (v === null || v === undefined) return 'no value';
  const n = LINE_UNITS.has(unit) ? v.toFixed(1) : String(v);
  return unit === 'percent' ? `${n} %` : `${n} ${unit}`;
}

// Tick step and range for values from lo to hi: 1, 2 or 5 × 10^k, about
// five ticks; whole steps for counts.
export function niceScale(lo, hi, whole) {
  lo = Math.min(0, lo);
  hi = Math.max(0, hi);
  if (hi === lo) hi = lo + (whole ? 4 : 1);
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  if (whole) step = Math.max(1, Math.round(step));
  return { step, min: Math.floor(lo / step) * step, max: Math.ceil(hi / step) * step };
}

// Tick labels without floating-point noise (0.30000000000000004).
function tickText(v) {
  return String(Number(v.toFixed(6)));
}

export function dayChart({ title, unit, days, values }) {
  const id = `chart-${++uid}`;
  const kind = LINE_UNITS.has(unit) ? 'line' : 'bar';
  const n = days.length;
  const known = values.map((v, i) => [v, i]).filter(([v]) => v !== null && v !== undefined);
  const nums = known.map(([v]) => v);
  const scale = niceScale(nums.length ? Math.min(...nums) : 0, nums.length ? Math.max(...nums) : 0, kind === 'bar');
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const band = plotW / Math.max(1, n);
  const y = (v) => M.top + plotH - ((v - scale.min) / (scale.max - scale.min)) * plotH;
  const xMid = (i) => M.left + (i + 0.5) * band;
  const period = n ? `${dayLabel(days[0], true)} to ${dayLabel(days[n - 1], true)}` : 'no days';

  // What a screen reader says: the highest and lowest day, and the total for counts.
  let desc;
  if (!known.length) {
    desc = 'No day of the period has a value.';
  } else {
    const [hiV, hiI] = known.reduce((a, b) => (b[0] > a[0] ? b : a));
    const [loV, loI] = known.reduce((a, b) => (b[0] < a[0] ? b : a));
    desc = `${kind === 'bar' ? 'Bar' : 'Line'} chart of ${n} day(s). Highest ${formatValue(hiV, unit)} on ` +
      `${dayLabel(days[hiI], true)}; lowest ${formatValue(loV, unit)} on ${dayLabel(days[loI], true)}.`;
    if (kind === 'bar') desc += ` Total ${formatValue(nums.reduce((a, b) => a + b, 0), unit)}.`;
    else if (known.length < n) desc += ` ${n - known.length} day(s) have no value.`;
  }

  const svg = s('svg', {
    class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`,
    'data-kind': kind, 'data-unit': unit, preserveAspectRatio: 'xMidYMid meet',
  },
  s('title', { id: `${id}-title` }, `${title}, ${period}`),
  s('desc', { id: `${id}-desc` }, desc),
  s('text', { class: 'chart-title', x: M.left, y: 24 }, title));

  // Y axis: grid lines with their values, and the unit.
  const yAxis = s('g', { class: 'axis y-axis', 'aria-hidden': 'true' });
  for (let v = scale.min; v <= scale.max + scale.step / 2; v += scale.step) {
    const yy = y(v);
    yAxis.append(s('line', { class: v === 0 ? 'zero' : 'grid', x1: M.left, x2: W - M.right, y1: yy, y2: yy }),
      s('text', { class: 'tick', x: M.left - 8, y: yy + 4, 'text-anchor': 'end' }, tickText(v)));
  }
  yAxis.append(s('text', {
    class: 'axis-label', transform: `translate(16 ${M.top + plotH / 2}) rotate(-90)`, 'text-anchor': 'middle',
  }, unit));
  svg.append(yAxis);

  // X axis: at most about ten day labels, evenly spaced.
  const xAxis = s('g', { class: 'axis x-axis', 'aria-hidden': 'true' },
    s('line', { class: 'frame', x1: M.left, x2: W - M.right, y1: M.top + plotH, y2: M.top + plotH }));
  const every = Math.max(1, Math.ceil(n / 10));
  for (let i = 0; i < n; i += every) {
    xAxis.append(s('line', { class: 'frame', x1: xMid(i), x2: xMid(i), y1: M.top + plotH, y2: M.top + plotH + 5 }),
      s('text', { class: 'tick', x: xMid(i), y: M.top + plotH + 20, 'text-anchor': 'middle' }, dayLabel(days[i])));
  }
  xAxis.append(s('text', { class: 'axis-label', x: M.left + plotW / 2, y: H - 8, 'text-anchor': 'middle' }, 'day'));
  svg.append(xAxis);

  const marks = s('g', { class: 'marks' });
  const tip = (v, i) => s('title', {}, `${dayLabel(days[i], true)}: ${formatValue(v, unit)}`);
  if (kind === 'bar') {
    const w = Math.max(1, band * 0.7);
    for (const [v, i] of known) {
      const top = y(Math.max(0, v));
      marks.append(s('rect', {
        class: v < 0 ? 'bar negative' : 'bar', x: M.left + i * band + (band - w) / 2, y: top,
        width: w, height: Math.abs(y(v) - y(0)), 'data-day': days[i], 'data-value': v,
      }, tip(v, i)));
    }
  } else {
    // One path, broken where a day has no value.
    let d = '';
    let prev = false;
    values.forEach((v, i) => {
      const has = v !== null && v !== undefined;
      if (has) d += `${prev ? 'L' : 'M'}${xMid(i).toFixed(2)} ${y(v).toFixed(2)} `;
      prev = has;
    });
    if (d) marks.append(s('path', { class: 'line', d: d.trim() }));
    const r = n > 62 ? 2 : 4.5;
    for (const [v, i] of known) {
      marks.append(s('circle', { class: 'point', cx: xMid(i), cy: y(v), r, 'data-day': days[i], 'data-value': v }, tip(v, i)));
    }
  }
  svg.append(marks);
  return svg;
}
