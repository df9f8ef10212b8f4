// dom.js — building elements without innerHTML (so no markup injection, and
// nothing the CSP would refuse): h('p', {class: 'x', i18n: 'key'}, 'text', child).
import { t } from './i18n.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'i18n') { el.dataset.i18n = v; el.textContent = t(v); }
    else if (k === 'class') el.className = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A labelled control with its hint and error line, wired for screen readers.
export function field({ id, label, control, hint, required }) {
  control.id = id;
  const err = h('p', { class: 'error', id: id + '-err', 'aria-live': 'polite' });
  const described = [hint ? id + '-hint' : null, id + '-err'].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  if (required) control.setAttribute('aria-required', 'true');
  return h('div', { class: 'field' },
    h('label', { for: id, class: required ? 'req' : null }, label),
    control,
    hint ? h('span', { class: 'hint', id: id + '-hint' }, hint) : null,
    err);
}

// Shows (or clears, with '') the error text of a control made by field().
export function setError(control, text) {
  const err = document.getElementById(control.id + '-err');
  if (err) err.textContent = text || '';
  if (text) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
