// notify.js — the host's form to notify a guest's arrival. Each control is
// named by its API field path ("foreigner.document.number"); it is checked
// as the user types (after the first visit to the field) and on submit, and
// the API's problem errors[] land next to the control of the same name.
// Validate-as-you-type uses the API's own rules: after a pause in typing
// (VALIDATE_DELAY ms) the form as it stands goes to POST
// /api/v1/notifications/validate, which checks without recording; its field
// errors are shown next to the fields already visited, so the page keeps no
// second copy of the rules beyond the format checks below.
import { t, has, parseDate, showDate, currentLang } from './i18n.js';
import { api, reasonText, problemText, fieldError } from './api.js';
import { h, field, setError } from './dom.js';

const COUNTRY = /^[A-Z]{3}$/;
const DOCNUM = /^[A-Z0-9]{1,32}$/;
const PURPOSES = ['tourism', 'business', 'private', 'study', 'work', 'medical', 'transit'];
const VALIDATE_DELAY = 500;

// name, label key, kind (text, date, country, doc, select), required, extra
const SECTIONS = [
  ['section.foreigner', [
    ['foreigner.surname', 'field.surname', 'text', true, { max: 128 }],
    ['foreigner.given_names', 'field.given_names', 'text', true, { max: 128 }],
    ['foreigner.patronymic', 'field.patronymic', 'text', false, { max: 128 }],
    ['foreigner.citizenship', 'field.citizenship', 'country', true],
    ['foreigner.birth_date', 'field.birth_date', 'date', true],
    ['foreigner.sex', 'field.sex', 'select', true, { options: ['M', 'F', 'X'], prefix: 'sex.' }],
  ]],
  ['section.document', [
    ['foreigner.document.number', 'field.doc_number', 'doc', true],
    ['foreigner.document.country', 'field.doc_country', 'country', true],
    ['foreigner.document.expires', 'field.doc_expires', 'date', true],
  ]],
  ['section.entry', [
    ['entry.date', 'field.entry_date', 'date', true],
    ['entry.checkpoint', 'field.checkpoint', 'text', false, { max: 64 }],
  ]],
  ['section.address', [
    ['address.region', 'field.region', 'region', true],
    ['address.text', 'field.address_text', 'text', true, { max: 512 }],
    ['address.code', 'field.address_code', 'text', false, { max: 32 }],
  ]],
  ['section.stay', [
    ['arrival_date', 'field.arrival_date', 'date', true],
    ['stay.from', 'field.stay_from', 'date', true],
    ['stay.to', 'field.stay_to', 'date', true],
    ['purpose', 'field.purpose', 'select', true, { options: PURPOSES, prefix: 'purpose.' }],
  ]],
];

// A warning of the API by its stable code (the message is English).
function warningText(w) {
  return has('warning.' + w.code) ? t('warning.' + w.code) : (currentLang() === 'en' && w.message ? w.message : t('warning.other'));
}

function idFor(name) { return 'f-' + name.replace(/\./g, '-'); }

function makeControl(kind, extra, regions) {
  if (kind === 'select' || kind === 'region') {
    const sel = h('select', {}, h('option', { value: '', i18n: 'form.choose' }));
    const opts = kind === 'region'
      ? regions.map((r) => [r.code, t('region.' + r.code) === 'region.' + r.code ? r.name : t('region.' + r.code)])
      : extra.options.map((o) => [o, t(extra.prefix + o)]);
    for (const [v, label] of opts) sel.append(h('option', { value: v }, kind === 'region' ? `${v} — ${label}` : label));
    return sel;
  }
  const input = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  if (kind === 'country') { input.setAttribute('maxlength', '3'); input.setAttribute('autocapitalize', 'characters'); }
  if (kind === 'doc') { input.setAttribute('maxlength', '32'); input.setAttribute('autocapitalize', 'characters'); }
  if (kind === 'date') { input.setAttribute('inputmode', 'numeric'); input.setAttribute('placeholder', t('date.format')); }
  if (extra && extra.max) input.setAttribute('maxlength', String(extra.max));
  return input;
}

// The client-side check of one control: '' when fine, else a message.
function check(kind, required, value) {
  const v = value.trim();
  if (v === '') return required ? t('err.required') : '';
  if (kind === 'date') {
    const p = parseDate(v);
    if (p.error === 'format') return t('err.date', { format: t('date.format') });
    if (p.error) return t('err.not_a_day');
  }
  if (kind === 'country' && !COUNTRY.test(v)) return t('err.country');
  if (kind === 'doc' && !DOCNUM.test(v)) return t('err.doc_number');
  return '';
}

function setPath(obj, path, value) {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p] = o[p] || {};
  o[parts[parts.length - 1]] = value;
}

export async function notifyView(ctx) {
  const { main } = ctx;
  const reg = await api('GET', '/regions');
  const regions = reg.ok && reg.data && Array.isArray(reg.data.items) ? reg.data.items : [];
  const controls = [];
  const form = h('form', { novalidate: true, id: 'notify-form' });
  for (const [legend, fields] of SECTIONS) {
    const grid = h('div', { class: 'grid' });
    for (const [name, label, kind, required, extra] of fields) {
      const control = makeControl(kind, extra, regions);
      control.name = name;
      const hint = kind === 'date' ? t('date.hint', { format: t('date.format') }) : null;
      grid.append(field({ id: idFor(name), label: t(label), control, hint, required }));
      const item = { name, kind, required, control, touched: false };
      controls.push(item);
      const validate = () => setError(control, check(kind, required, control.value));
      control.addEventListener('input', () => {
        if (kind === 'country' || kind === 'doc') {
          const up = control.value.toUpperCase();
          if (up !== control.value) control.value = up;
        }
        if (item.touched) validate();
      });
      control.addEventListener('blur', () => { item.touched = true; validate(); });
      control.addEventListener('change', () => { item.touched = true; validate(); });
    }
    form.append(h('fieldset', {}, h('legend', { i18n: legend }), grid));
  }
  const summary = h('div', { class: 'notice', id: 'notify-result', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const button = h('button', { type: 'submit', class: 'primary', i18n: 'notify.submit' });
  form.append(summary, h('div', { class: 'actions' }, button));
  main.append(h('h1', { i18n: 'notify.title' }), h('p', { i18n: 'notify.intro' }), form);

  const byName = (n) => controls.find((c) => c.name === n);
  const bodyOf = () => {
    const body = {};
    for (const c of controls) {
      const v = c.control.value.trim();
      if (v === '') continue;
      const iso = c.kind === 'date' ? parseDate(v).iso : v;
      setPath(body, c.name, iso || v);
    }
    return body;
  };
  // The API's check of the form as it stands (debounced; answers to older
  // requests are dropped). Shown only on fields the user has visited and
  // whose own format check passed.
  const live = h('p', { class: 'hint', id: 'notify-live', 'aria-live': 'polite' });
  form.insertBefore(live, summary);
  let timer = 0, seq = 0;
  const validateNow = async () => {
    const mine = ++seq;
    const res = await api('POST', '/notifications/validate', bodyOf());
    if (mine !== seq) return;
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    const errs = new Map();
    for (const err of (res.ok ? [] : (res.data && res.data.errors) || [])) if (!errs.has(err.field)) errs.set(err.field, err.reason);
    for (const c of controls) {
      if (!c.touched || check(c.kind, c.required, c.control.value)) continue;
      const reason = errs.get(c.name);
      setError(c.control, reason ? reasonText(reason, { format: t('date.format') }) : '');
    }
    live.textContent = res.ok ? t('notify.live_ok', { deadline: showDate(res.data.deadline) }) : '';
  };
  const schedule = () => { clearTimeout(timer); timer = setTimeout(validateNow, VALIDATE_DELAY); };
  for (const c of controls) {
    c.control.addEventListener('input', () => { if (c.touched) schedule(); });
    c.control.addEventListener('change', schedule);
    c.control.addEventListener('blur', schedule);
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    summary.textContent = '';
    summary.className = 'notice';
    let first = null;
    for (const c of controls) {
      c.touched = true;
      const msg = check(c.kind, c.required, c.control.value);
      setError(c.control, msg);
      if (msg && !first) first = c.control;
    }
    const from = byName('stay.from'), to = byName('stay.to');
    if (!first) {
      const f = parseDate(from.control.value).iso, e = parseDate(to.control.value).iso;
      if (f && e && e < f) { setError(to.control, t('err.order')); first = to.control; }
    }
    if (first) {
      summary.className = 'notice bad';
      summary.textContent = t('notify.fix');
      first.focus();
      return;
    }
    const body = bodyOf();
    clearTimeout(timer);
    seq++; // an answer of the live check still on its way is stale now
    button.disabled = true;
    button.textContent = t('notify.sending');
    const res = await api('POST', '/notifications', body);
    button.disabled = false;
    button.textContent = t('notify.submit');
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    if (res.ok) {
      const d = res.data;
      summary.className = 'notice good';
      summary.append(
        h('p', { id: 'notify-number' }, t('notify.success', { number: d.number, deadline: showDate(d.deadline) })),
        h('p', { class: d.on_time ? 'ok' : 'late' }, t(d.on_time ? 'notify.on_time' : 'notify.late')));
      if (Array.isArray(d.warnings) && d.warnings.length) {
        summary.append(h('p', { i18n: 'notify.warnings' }), h('ul', {}, d.warnings.map((w) => h('li', {}, warningText(w)))));
      }
      summary.append(h('p', {}, h('a', { href: `/api/v1/notifications/${d.id}/confirmation.pdf?lang=${currentLang()}`, class: 'pdf', id: 'notify-pdf', i18n: 'notify.pdf' })));
      summary.focus();
      return;
    }
    summary.className = 'notice bad';
    summary.append(h('p', {}, problemText(res)));
    const unplaced = [];
    first = null;
    for (const err of (res.data && res.data.errors) || []) {
      const c = byName(err.field);
      const text = reasonText(err.reason, { format: t('date.format') });
      if (c) { setError(c.control, text); if (!first) first = c.control; }
      else unplaced.push(h('li', {}, fieldError(err, { format: t('date.format') })));
    }
    if (unplaced.length) summary.append(h('ul', {}, unplaced));
    if (first) first.focus();
  });
}
