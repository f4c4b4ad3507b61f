// Building elements without innerHTML: text from the API is always set as
// text, never parsed as markup.

// h('button', {class: 'primary', onclick: f}, 'Sign in', child, …)
// Attributes: `class`, `for`, aria-*/data-* and the rest as attributes;
// on* as event listeners; `hidden`/`disabled`/… booleans as properties.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Replaces the children of `el`.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A labelled input: <label for=id>text</label><input id=id …>.
export function field(id, text, attrs = {}) {
  const input = h('input', { id, name: id, ...attrs });
  return { label: h('label', { for: id }, text), input, el: [h('label', { for: id }, text), input] };
}

// "in 2 h 5 min", "5 min late", from seconds left (negative: overdue).
export function timeLeft(seconds) {
  if (seconds === null || seconds === undefined) return '';
  const late = seconds < 0;
  let s = Math.abs(seconds);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hrs = Math.floor(s / 3600); s -= hrs * 3600;
  const min = Math.floor(s / 60);
  const text = d > 0 ? `${d} d ${hrs} h` : hrs > 0 ? `${hrs} h ${min} min` : `${min} min`;
  return late ? `${text} late` : `due in ${text}`;
}
