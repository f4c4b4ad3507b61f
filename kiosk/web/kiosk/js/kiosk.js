// The curbside kiosk: "I'm here to pick up" → scan the QR code from the
// email, or type the order number and pickup code → a curbside bay or the
// counter → a confirmation with the estimated wait, kept up to date.
//
// Each screen sets main's data-screen (start, identify, where, done, setup).
// Nothing personal is shown beyond the first name and the order ref. After
// a while without a touch or key the kiosk goes back to the start: `idle`
// seconds (default 60) on every screen, `done_idle` (default 300) on the
// confirmation; both can be set in the address (/kiosk/?idle=20).
//
// Scans: a keyboard-wedge scanner types fast and ends with Enter; the app's
// scan.js tells that from typing. A QR typed into a field (focus was there)
// is recognised by its SE1:ORD: start and sent as a scan.
import { h, fill } from '../../app/js/dom.js';
import { beep } from '../../app/js/feedback.js';
import { onScan } from '../../app/js/scan.js';
import { Stream } from '../../app/js/stream.js';
import { call, plainError, takeTokenFromUrl, token } from './api.js';

takeTokenFromUrl();

const main = document.getElementById('main');
const restart = document.getElementById('restart');
const params = new URLSearchParams(location.search);
const seconds = (name, fallback) => {
  const v = Number(params.get(name));
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const idleMs = seconds('idle', 60) * 1000;
const doneIdleMs = seconds('done_idle', 300) * 1000;

let creds = null; // {qr} or {order_ref, pickup_code}, kept only until the check-in
let found = null; // the lookup's {order_ref, first_name, kind, ready}
let arrival = null; // the check-in's wait estimate
let stream = null;
let pollTimer = 0;
let idleTimer = 0;
let busy = false;

// ---- inactivity ----

function armIdle() {
  clearTimeout(idleTimer);
  const screen = main.dataset.screen;
  if (screen === 'start' || screen === 'setup') return;
  idleTimer = setTimeout(() => showStart(), screen === 'done' ? doneIdleMs : idleMs);
}
for (const ev of ['pointerdown', 'keydown', 'input']) document.addEventListener(ev, armIdle, { capture: true });

// ---- screens ----

function show(screen, ...children) {
  main.dataset.screen = screen;
  fill(main, h('div', { class: 'card' }, ...children));
  restart.hidden = screen === 'start' || screen === 'setup';
  onScan(null);
  armIdle();
  // The heading gets focus: keyboard and screen-reader users start there.
  main.querySelector('h1')?.focus({ preventScroll: true });
}

function heading(text) {
  return h('h1', { tabindex: '-1' }, text);
}

function alertBox(id) {
  return h('div', { id, class: 'alert bad', role: 'alert', hidden: true });
}

function showError(box, message) {
  box.textContent = message;
  box.hidden = false;
  beep.bad();
}

function reset() {
  creds = null;
  found = null;
  arrival = null;
  clearInterval(pollTimer);
  pollTimer = 0;
}

function showSetup() {
  show('setup', heading('This kiosk is not set up yet'),
    h('p', { class: 'lead' }, 'Please ask at the counter.'),
    h('p', { class: 'muted' }, 'Staff: create a device token with “storeedgectl kiosk add NAME” and open this page once as /kiosk/?token=TOKEN.'));
}

function showStart() {
  reset();
  if (!token()) {
    showSetup();
    return;
  }
  show('start', heading('Welcome! Picking up an order?'),
    h('p', { class: 'lead' }, 'Tell us you are here and we will bring your order to you.'),
    h('button', { type: 'button', class: 'primary huge', id: 'start', onclick: showIdentify },
      'I’m here to pick up my order'));
  // A scan on the start screen goes straight on.
  onScan((text) => identify({ qr: text }, null));
}

function showIdentify() {
  const error = alertBox('identify-error');
  const ref = h('input', { id: 'order-ref', name: 'order-ref', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', required: true });
  const code = h('input', { id: 'pickup-code', name: 'pickup-code', autocomplete: 'off', inputmode: 'numeric', required: true });
  const form = h('form', { 'aria-labelledby': 'type-it' },
    h('h2', { id: 'type-it' }, 'Or type them in'),
    h('div', { class: 'fields' },
      h('div', {}, h('label', { for: 'order-ref' }, 'Order number', h('span', { class: 'hint' }, 'In your email, for example W-1001')), ref),
      h('div', {}, h('label', { for: 'pickup-code' }, 'Pickup code', h('span', { class: 'hint' }, '6 to 8 digits, in the same email')), code)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: showStart }, 'Back'),
      h('button', { type: 'submit', class: 'primary' }, 'Continue')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const r = ref.value.trim();
    const c = code.value.trim();
    // The QR scanned while a field had focus.
    const qr = [r, c].find((v) => v.startsWith('SE1:'));
    if (qr) {
      ref.value = '';
      code.value = '';
      identify({ qr }, error);
      return;
    }
    if (!r || !c) {
      showError(error, !r ? 'Please type your order number.' : 'Please type your pickup code.');
      (!r ? ref : code).focus();
      return;
    }
    identify({ order_ref: r, pickup_code: c }, error);
  });
  show('identify', heading('Scan the QR code from your email'),
    h('div', { class: 'scan-here' }, h('span', { class: 'icon', 'aria-hidden': 'true' }, '▣'),
      h('span', {}, 'Hold your phone’s QR code under the scanner below this screen.')),
    error,
    h('p', { class: 'or' }, 'or'),
    form);
  onScan((text) => identify({ qr: text }, error));
}

async function identify(c, error) {
  if (busy) return;
  busy = true;
  try {
    found = await call('POST', '/lookup', c);
    creds = c;
    beep.ok();
    await showWhere();
  } catch (e) {
    if (!error) {
      showIdentify();
      error = document.getElementById('identify-error');
    }
    showError(error, plainError(e));
  } finally {
    busy = false;
  }
}

async function showWhere() {
  let bays = [];
  const error = alertBox('where-error');
  try {
    ({ bays } = await call('GET', '/bays'));
  } catch (e) {
    bays = [];
    error.textContent = plainError(e);
    error.hidden = false;
  }
  const vehicle = h('input', { id: 'vehicle', autocomplete: 'off', maxlength: 100 });
  const choose = (bay) => checkIn(bay, vehicle.value.trim(), error);
  const name = found.first_name ? `Hello, ${found.first_name}!` : 'Hello!';
  show('where', heading(name),
    h('p', { class: 'lead' }, 'Order ', h('strong', { id: 'where-ref' }, found.order_ref),
      found.ready ? ' is ready.' : ' is being prepared.'),
    h('h2', { id: 'where-title' }, 'Where are you?'),
    error,
    bays.length ? [
      h('p', {}, 'Parked outside? Choose the number of your parking bay.'),
      h('div', { class: 'bays', role: 'group', 'aria-labelledby': 'where-title' },
        bays.map((b) => h('button', { type: 'button', class: 'bay', 'data-bay': b, 'aria-label': `Parking bay ${b}`, onclick: () => choose(b) }, b))),
      h('label', { for: 'vehicle' }, 'Your car (optional)', h('span', { class: 'hint' }, 'Colour and make, so we find you quickly, for example “blue estate”')),
      vehicle,
    ] : '',
    h('button', { type: 'button', class: 'primary counter', id: 'at-counter', onclick: () => choose(null) },
      'I’m at the counter inside the store'));
}

async function checkIn(bay, vehicle, error) {
  if (busy) return;
  busy = true;
  try {
    const body = { ...creds, bay };
    if (bay && vehicle) body.vehicle = vehicle;
    arrival = await call('POST', '/checkin', body);
    creds = null; // the code is not needed any more
    beep.ok();
    showDone();
  } catch (e) {
    showError(error, plainError(e));
  } finally {
    busy = false;
  }
}

function waitText(w) {
  if (w.state && w.state !== 'waiting') return 'Your order has been handed over';
  const s = w.estimated_wait_s;
  if (s < 60) return 'Less than a minute';
  const min = Math.ceil(s / 60);
  return `About ${min} minute${min === 1 ? '' : 's'}`;
}

function renderWait() {
  const box = document.getElementById('wait');
  if (!box || !arrival) return;
  const served = arrival.state && arrival.state !== 'waiting';
  fill(box,
    h('span', { class: 'muted' }, served ? '' : 'Estimated wait'),
    h('span', { class: 'big', id: 'wait-time' }, waitText(arrival)),
    h('span', { class: 'status', id: 'wait-status' }, served ? 'Thank you, and enjoy!'
      : arrival.ready ? 'Your order is ready: someone is on the way.'
        : 'We are getting your order ready.',
    served || !arrival.position ? '' : ` You are number ${arrival.position} in line.`));
  box.dataset.waitS = String(arrival.estimated_wait_s);
}

function showDone() {
  const where = arrival.bay ? `We will bring it to parking bay ${arrival.bay}.` : 'Please wait at the counter: we will call you.';
  show('done', heading(arrival.first_name ? `Thanks, ${arrival.first_name}! We know you are here.` : 'Thanks! We know you are here.'),
    h('dl', { class: 'summary' },
      h('dt', {}, 'Order'), h('dd', { id: 'done-ref' }, arrival.order_ref),
      h('dt', {}, 'Where'), h('dd', { id: 'done-where' }, arrival.bay ? `Bay ${arrival.bay}` : 'Counter')),
    h('p', { class: 'lead' }, where),
    h('div', { id: 'wait', class: 'wait', role: 'status', 'aria-live': 'polite', 'data-updates': '0' }),
    h('button', { type: 'button', class: 'primary huge', onclick: showStart }, 'Done'));
  renderWait();
  // Polling only while the live stream is down.
  clearInterval(pollTimer);
  pollTimer = setInterval(() => {
    if (!stream?.connected) refreshWait();
  }, 15000);
}

function countUpdate() {
  const box = document.getElementById('wait');
  if (box) box.dataset.updates = String(Number(box.dataset.updates || 0) + 1);
}

async function refreshWait() {
  if (!arrival) return;
  const id = arrival.arrival_id;
  try {
    const w = await call('GET', `/arrivals/${id}`);
    if (arrival?.arrival_id !== id) return;
    arrival = { ...arrival, ...w };
    renderWait();
    countUpdate();
  } catch {
    // The next tick tries again.
  }
}

function startStream() {
  if (!token() || stream) return;
  stream = new Stream(token());
  stream.on((msg) => {
    if (!arrival || main.dataset.screen !== 'done') return;
    if (msg.type === 'open') {
      refreshWait();
    } else if (msg.type === 'waits') {
      const w = msg.waits.find((x) => x.arrival_id === arrival.arrival_id);
      if (w) {
        arrival = { ...arrival, ...w };
        renderWait();
        countUpdate();
      } else {
        refreshWait(); // no longer waiting: handed over (or gone)
      }
    }
  });
}

restart.addEventListener('click', showStart);
startStream();
showStart();
