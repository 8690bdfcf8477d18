// DOM helpers: build elements safely (createElement/textContent only, never innerHTML).
import { dateTime, isoDate } from './format.js';

const PROPS = new Set(['value']); // set as properties, after children (so <select> value works)

/** h('a', {href: '#/x', class: 'y', dataset: {k: 'v'}, onclick: fn}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  const later = [];
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (PROPS.has(key)) later.push([key, value]);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  for (const [key, value] of later) el[key] = value;
  return el;
}

/** Appends strings (as text), nodes and nested arrays; skips null/undefined/false. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A status pill: <span class="pill pill-KIND">text</span>. */
export function pill(text, kind = text) {
  return h('span', { class: `pill pill-${String(kind).replace(/[^a-z0-9-]/gi, '')}` }, text);
}

/** A <time> showing local date-time, with the UTC ISO form as tooltip. */
export function time(millis, text) {
  if (millis === null || millis === undefined) return '—';
  return h('time', { datetime: isoDate(millis), title: isoDate(millis) }, text ?? dateTime(millis));
}

/** <thead> with one header cell per label ({label, num} objects or strings). */
export function headRow(labels) {
  return h('thead', null, h('tr', null, labels.map((l) =>
    typeof l === 'string' ? h('th', { scope: 'col' }, l) : h('th', { scope: 'col', class: l.num ? 'num' : null }, l.label))));
}

/** A full-width table row holding a muted message. */
export function emptyRow(columns, text) {
  return h('tr', { class: 'empty' }, h('td', { colspan: columns, class: 'muted' }, text));
}

/** Selects the text of an element (clipboard fallback). */
export function selectText(el) {
  const range = document.createRange();
  range.selectNodeContents(el);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
