// apply.js — a citizen applies for temporary registration at a place of
// residence (service citizen_temporary, seed 002), signing the application
// in the browser; and "My applications", the caller's applications with
// their state and, for a registered foreigner, the registration notice PDF.
//
// The application is a JSON text built from the form; that exact text is
// what is signed (detached CMS, js/sign.js) and what is sent, as a string
// inside {"document", "signature"} (docs/services.md), so no re-encoding
// can change the signed bytes.
import { t, parseDate, showDate, showDateTime, inputDate, todayIso, has, currentLang } from './i18n.js';
import { api, fieldError, reasonText, problemText } from './api.js';
import { h, field, setError, clear } from './dom.js';
import { signPanel } from './signui.js';

const IIN = /^\d{12}$/;

export function stateText(s) { return has('state.' + s) ? t('state.' + s) : t('state.other'); }
export function kindText(k) { return has('appkind.' + k) ? t('appkind.' + k) : t('appkind.other'); }
export function reasonName(r) { return has('refusal.' + r) ? t('refusal.' + r) : t('refusal.other'); }
export function docName(d) { return has('doc.' + d) ? t('doc.' + d) : t('doc.other'); }

// The decision of an application as lines of text (refusal reason, missing
// documents, registration period).
export function decisionLines(app) {
  const r = app.reasons;
  const out = [];
  if (!r || typeof r !== 'object') return out;
  if (r.reason) out.push(t('apps.reason', { reason: reasonName(r.reason) }));
  if (Array.isArray(r.missing) && r.missing.length) out.push(t('apps.missing', { docs: r.missing.map(docName).join(', ') }));
  if (Array.isArray(r.invalid) && r.invalid.length) out.push(t('apps.invalid', { docs: r.invalid.map(docName).join(', ') }));
  if (r.from && r.to) out.push(t('apps.period', { from: showDate(r.from), to: showDate(r.to) }));
  if (r.last_lawful_day) out.push(t('apps.last_lawful', { day: showDate(r.last_lawful_day) }));
  return out;
}

function fresh(idem) { return (globalThis.crypto && crypto.randomUUID) ? crypto.randomUUID() : `k-${Date.now()}-${idem}`; }

export async function applyView(ctx) {
  const { main, user } = ctx;
  const inputs = {};
  const mk = (name, opts = {}) => {
    const c = h('input', { type: 'text', name, autocomplete: 'off', ...opts });
    inputs[name] = c;
    return c;
  };
  const fields = [
    ['address_code', 'field.address_code', mk('address_code', { inputmode: 'numeric', maxlength: '32' }), t('apply.code_hint')],
    ['period.from', 'field.period_from', mk('period.from', { inputmode: 'numeric', placeholder: t('date.format') }), t('date.hint', { format: t('date.format') })],
    ['period.to', 'field.period_to', mk('period.to', { inputmode: 'numeric', placeholder: t('date.format') }), t('date.hint', { format: t('date.format') })],
    ['person.iin', 'field.iin', mk('person.iin', { inputmode: 'numeric', maxlength: '12' }), null],
    ['person.surname', 'field.surname', mk('person.surname', { maxlength: '128' }), null],
    ['person.given_names', 'field.given_names', mk('person.given_names', { maxlength: '128' }), null],
    ['person.birth_date', 'field.birth_date', mk('person.birth_date', { inputmode: 'numeric', placeholder: t('date.format') }), t('date.hint', { format: t('date.format') })],
    ['documents[].number', 'field.id_doc_number', mk('documents[].number', { maxlength: '32' }), null],
  ];
  inputs['period.from'].value = inputDate(todayIso());
  if (user && user.iin_bin) inputs['person.iin'].value = user.iin_bin;
  const idOf = (name) => 'a-' + name.replace(/[.[\]]/g, '-');
  const grid = h('div', { class: 'grid' });
  for (const [name, label, control, hint] of fields) grid.append(field({ id: idOf(name), label: t(label), control, hint, required: true }));
  const result = h('div', { id: 'apply-result', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const exact = h('pre', { class: 'exact', id: 'apply-exact' });

  const dateOf = (name) => parseDate(inputs[name].value).iso;
  // Client checks; on success the exact JSON text to sign.
  const build = () => {
    let first = null;
    const bad = (name, msg) => { setError(inputs[name], msg); if (msg && !first) first = inputs[name]; };
    for (const [name] of fields) bad(name, inputs[name].value.trim() ? '' : t('err.required'));
    for (const name of ['period.from', 'period.to', 'person.birth_date']) {
      const v = inputs[name].value.trim();
      if (!v) continue;
      const p = parseDate(v);
      bad(name, p.iso ? '' : (p.error === 'format' ? t('err.date', { format: t('date.format') }) : t('err.not_a_day')));
    }
    const iin = inputs['person.iin'].value.trim();
    if (iin && !IIN.test(iin)) bad('person.iin', t('err.iin'));
    if (!first && dateOf('period.to') < dateOf('period.from')) bad('period.to', t('err.order_period'));
    if (first) { first.focus(); return null; }
    const doc = {
      kind: 'citizen_temporary',
      address_code: inputs.address_code.value.trim(),
      period: { from: dateOf('period.from'), to: dateOf('period.to') },
      person: {
        iin, surname: inputs['person.surname'].value.trim().toUpperCase(),
        given_names: inputs['person.given_names'].value.trim().toUpperCase(), birth_date: dateOf('person.birth_date'),
      },
      documents: [{ type: 'identity_document', number: inputs['documents[].number'].value.trim().toUpperCase(), form: 'electronic' }],
    };
    const text = JSON.stringify(doc);
    exact.textContent = text;
    return text;
  };
  let idem = { text: '', key: '' };
  const send = async (signature, status, signer) => {
    const text = exact.textContent;
    if (idem.text !== text) idem = { text, key: fresh(text.length) };
    const res = await fetchWithKey('/applications', { document: text, signature }, idem.key);
    clear(result);
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    if (!res.ok) {
      status.className = 'notice bad';
      status.textContent = problemText(res);
      const unplaced = [];
      for (const err of (res.data && res.data.errors) || []) {
        if (err.field === 'signature') continue; // said by the problem itself
        const name = err.field.replace(/\[\d+\]/g, '[]');
        if (inputs[name]) setError(inputs[name], reasonText(err.reason, { format: t('date.format') }));
        else unplaced.push(h('li', {}, fieldError(err)));
      }
      if (unplaced.length) result.append(h('ul', { class: 'notice bad' }, unplaced));
      return;
    }
    const a = res.data;
    status.className = 'notice good';
    status.textContent = t('apply.sent_by', { name: signer.name, iin: signer.iin || '—' });
    const pending = (a.consents || []).filter((k) => k.state === 'pending').length;
    result.append(h('div', { class: 'notice ' + (a.state === 'refused' ? 'bad' : 'good') },
      h('p', { id: 'apply-number' }, t('apply.accepted', { number: a.number, state: stateText(a.state) })),
      pending ? h('p', { id: 'apply-consents' }, t('apply.consents', { n: pending })) : null,
      decisionLines(a).map((line) => h('p', {}, line)),
      h('p', {}, h('a', { href: '#/apps', i18n: 'apply.to_apps' }))));
    result.focus();
  };
  const panel = signPanel({ id: 'apply-sign', text: build, send, submitKey: 'apply.sign_submit' });
  const form = h('form', { novalidate: true, id: 'apply-form', on: { submit: (ev) => ev.preventDefault() } },
    h('fieldset', {}, h('legend', { i18n: 'apply.section' }), grid),
    h('details', { class: 'exact-box' }, h('summary', { i18n: 'apply.exact' }), exact),
    panel);
  main.append(h('h1', { i18n: 'apply.title' }), h('p', { i18n: 'apply.intro' }), form, result);
  for (const [name] of fields) inputs[name].addEventListener('input', () => { exact.textContent = ''; });
}

// POST with an Idempotency-Key (a retry of the same signed text is answered
// with the first answer, never a second application).
async function fetchWithKey(path, body, key) {
  const csrf = (document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith('qonaq_csrf=')) || '').slice(11);
  try {
    const r = await fetch('/api/v1' + path, {
      method: 'POST', credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf), 'Idempotency-Key': key },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await r.json(); } catch { data = null; }
    return { ok: r.ok, status: r.status, data };
  } catch {
    return { ok: false, status: 0, data: null };
  }
}

export async function appsView(ctx) {
  const { main } = ctx;
  const box = h('div', { id: 'apps-box' });
  main.append(h('h1', { i18n: 'apps.title' }), box);
  const res = await api('GET', '/applications?per_page=100');
  if (res.status === 401) { ctx.onUnauthorized(); return; }
  if (!res.ok) { box.append(h('p', { class: 'notice bad' }, problemText(res))); return; }
  const items = res.data.items || [];
  const reg = await api('GET', '/me/registration');
  if (reg.ok && reg.data.items && reg.data.items.length) {
    box.append(h('h2', { i18n: 'apps.registration' }), h('ul', { id: 'apps-registration' }, reg.data.items.map((r) =>
      h('li', {}, t('apps.registered_at', { code: r.address_code, from: showDate(r.from), to: r.to ? showDate(r.to) : '—' })))));
  }
  if (!items.length) { box.append(h('p', { i18n: 'apps.empty' })); return; }
  const rows = items.map((a) => {
    const notice = a.kind === 'foreigner_temporary' && a.state === 'registered'
      ? h('a', { href: `/api/v1/applications/${a.id}/notice.pdf?lang=${currentLang()}`, class: 'pdf', i18n: 'apps.notice_pdf' })
      : null;
    return h('tr', { 'data-number': a.number },
      h('td', {}, a.number), h('td', {}, kindText(a.kind)), h('td', { class: 'state-' + a.state }, stateText(a.state)),
      h('td', {}, showDateTime(a.created_at)), h('td', {}, notice));
  });
  box.append(h('div', { class: 'table-wrap' }, h('table', { id: 'apps-table' },
    h('thead', {}, h('tr', {}, ['number', 'kind', 'state', 'created', 'document'].map((c) => h('th', { scope: 'col', i18n: 'apps.col.' + c })))),
    h('tbody', {}, rows))));
}

