// Barcode scans from a keyboard-wedge scanner: it types the code fast and
// ends with Enter. The raw text goes to the API, which parses it
// (core::ParseScan) — nothing here decides what a barcode means.
//
// - In a scan field (an <input data-scan>) Enter takes the field's text,
//   however fast it was typed: a scanner aimed while the field has focus and
//   an associate keying the digits from a torn label act alike.
// - Anywhere else outside a text field, keys arriving less than
//   `maxGapMs` apart and ending with Enter are a scan; slower typing is left
//   alone (it is someone using the keyboard).
// - Scans of the station's USB scanner arrive over the stream
//   (StationScans below) and take the same path.

const maxGapMs = 80;
const minLength = 4;

let handler = null;
let buffer = '';
let last = 0;

// The function that receives scans now (the screen on display), or null.
export function onScan(fn) {
  handler = fn;
}

export function deliver(text, source) {
  if (handler && text) handler(text, source);
}

function isTextField(el) {
  return el && (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' ||
    (el.tagName === 'INPUT' && !['button', 'checkbox', 'radio', 'submit'].includes(el.type)));
}

document.addEventListener('keydown', (ev) => {
  const target = ev.target;
  if (target instanceof HTMLInputElement && target.hasAttribute('data-scan')) {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      const text = target.value.trim();
      target.value = '';
      buffer = '';
      if (text) deliver(text, 'wedge');
    }
    return;
  }
  if (isTextField(target) || ev.ctrlKey || ev.altKey || ev.metaKey) {
    buffer = '';
    return;
  }
  const now = performance.now();
  if (now - last > maxGapMs) buffer = '';
  last = now;
  if (ev.key === 'Enter') {
    if (buffer.length >= minLength) {
      ev.preventDefault();
      const text = buffer;
      buffer = '';
      deliver(text, 'wedge');
    }
    buffer = '';
  } else if (ev.key.length === 1) {
    buffer += ev.key;
  }
});

// The station's USB scanner: the daemon pushes {type:'scan', station, ok,
// text|error} on the `stations` channel; scans of this device's station go
// to the screen, as if typed.
export function stationScans(stream, stationOf, onError) {
  return stream.on((msg) => {
    if (msg.type !== 'scan' || msg.station !== stationOf()) return;
    if (msg.ok) deliver(msg.text, 'station');
    else onError(`The scanner could not read that: ${msg.error}`);
  });
}
