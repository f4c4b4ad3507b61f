// The associates' app: sign-in, then one screen at a time chosen by the URL
// hash (#/queue, #/pick/12, …). Each screen is a module in screens/ listed in
// screens/index.js; a new screen (handover, arrivals, returns) is a new
// module and one line there.
//
// A screen module's default export:
//   { route: 'pick', title: 'Pick', nav: false,
//     mount(root, {params, app}) → { onScan(text, source), onMessage(msg), unmount() } }
// `params` are the hash's segments after the route; every returned hook is
// optional. `roles: ['supervisor']` lists the screen in the navigation only
// for those roles (the session's role, from sign-in); the screen itself
// tells anyone else it is not for them, and the API refuses them anyway.
// Scans (wedge or the station's USB scanner) and stream messages go to the
// screen on display.

import { session, signOut, whenSignedOut } from './api.js';
import { h, fill } from './dom.js';
import { feedback } from './feedback.js';
import { LinkWatch } from './link.js';
import { onScan, stationScans } from './scan.js';
import { screens } from './screens/index.js';
import { station } from './station.js';
import { Stream } from './stream.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const linkState = document.getElementById('link-state');
const link = new LinkWatch(document.getElementById('oms-banner'));

let current = null;
let stream = null;
let signOutReason = '';

export const app = {
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  station,
  get user() {
    return session();
  },
  get stream() {
    return stream;
  },
};

function byRoute(name) {
  return screens.find((s) => s.route === name);
}

function startSession() {
  const s = session();
  if (!s || stream) return;
  stream = new Stream(s.token);
  stream.on((msg) => {
    if (msg.type === 'open' || msg.type === 'closed') showLive(msg.type === 'open');
    if (msg.type === 'sync' || msg.type === 'open') link.check();
    current?.onMessage?.(msg);
  });
  stationScans(stream, station, (text) => feedback.bad(text));
  link.start();
  document.getElementById('who').hidden = false;
  nav.hidden = false;
  document.getElementById('who-name').textContent = `${s.associate_id} (${s.role})`;
  showStation();
}

function endSession(reason) {
  stream?.close();
  stream = null;
  link.stop();
  document.getElementById('who').hidden = true;
  nav.hidden = true;
  signOutReason = reason || '';
}

function showLive(up) {
  linkState.className = `link-state ${up ? 'up' : 'down'}`;
  linkState.textContent = up ? 'Live' : 'Reconnecting…';
}

function showStation() {
  const s = station();
  document.getElementById('who-station').textContent = s ? `Station ${s}` : 'No station';
}

function renderNav(active) {
  const role = session()?.role;
  fill(nav, screens.filter((s) => s.nav && (!s.roles || s.roles.includes(role))).map((s) =>
    h('a', { href: `#/${s.route}`, 'aria-current': s.route === active ? 'page' : false }, s.title)));
}

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  let name = parts[0] || 'queue';
  if (!session()) {
    name = 'signin';
  } else if (name === 'signin') {
    name = 'queue';
  }
  const screen = byRoute(name) || byRoute('queue');
  current?.unmount?.();
  current = null;
  onScan(null);
  feedback.clear();
  if (screen.route !== 'signin') startSession();
  renderNav(screen.route);
  document.title = `${screen.title} — storeedge`;
  main.replaceChildren();
  main.dataset.screen = screen.route;
  const params = screen.route === parts[0] ? parts.slice(1) : [];
  const reason = signOutReason;
  signOutReason = '';
  current = screen.mount(main, { params, app, reason }) || {};
  onScan((text, source) => current?.onScan?.(text, source));
  // Keyboard users land at the screen's start; a screen may focus its own
  // field (the scan box) after this.
  if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
}

whenSignedOut((err) => {
  endSession(`${err.message} Sign in again.`);
  app.navigate('#/signin');
});

document.getElementById('sign-out').addEventListener('click', async () => {
  try {
    await signOut();
  } catch {
    // Signed out locally either way.
  }
  endSession('');
  app.navigate('#/signin');
});
document.addEventListener('station-changed', showStation);
window.addEventListener('hashchange', route);
route();
