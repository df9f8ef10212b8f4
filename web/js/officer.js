// officer.js — the officer of a territorial subdivision: the queue of the
// subdivision's applications (the API orders it overdue first, then by
// deadline), the case page (what was applied for, the checklist of
// documents, every signature verified again now, the history, and the
// decide buttons the case's state allows: take, register, refuse with a
// reason from the list and words of the officer's own; uphold or overturn
// an appeal), and the violations of the region (late or missing
// notifications, overstays) with their fine and close decisions.
import { t, has, showDate, showDateTime, currentLang } from './i18n.js';
import { api, problemText, fieldError, fieldLabel } from './api.js';
import { h, field, clear } from './dom.js';
import { stateText, kindText, docName, decisionLines } from './apply.js';

const REFUSAL_REASONS = ['incomplete_documents', 'invalid_document', 'stay_limit_exceeded', 'duplicate_registration',
  'false_data', 'not_eligible', 'other'];

function table(id, cols, rows, prefix) {
  return h('div', { class: 'table-wrap' }, h('table', { id },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', i18n: `${prefix}.${c}` })))),
    h('tbody', {}, rows)));
}

export async function queueView(ctx) {
  const { main } = ctx;
  const only = h('input', { type: 'checkbox', id: 'queue-overdue' });
  const box = h('div', { id: 'queue-box' });
  main.append(h('h1', { i18n: 'queue.title' }), h('p', { i18n: 'queue.intro' }),
    h('div', { class: 'check' }, only, h('label', { for: 'queue-overdue', i18n: 'queue.overdue_only' })), box);
  const load = async () => {
    const res = await api('GET', `/officer/applications?per_page=100${only.checked ? '&overdue=true' : ''}`);
    clear(box);
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    if (!res.ok) { box.append(h('p', { class: 'notice bad' }, problemText(res))); return; }
    const items = res.data.items || [];
    if (!items.length) { box.append(h('p', { i18n: 'queue.empty' })); return; }
    const rows = items.map((a) => h('tr', { 'data-number': a.number, class: a.overdue ? 'overdue' : null },
      h('td', {}, h('a', { href: `#/case/${a.id}` }, a.number)),
      h('td', {}, kindText(a.kind)),
      h('td', {}, stateText(a.state)),
      h('td', {}, a.deadline ? showDateTime(a.deadline) : '—'),
      h('td', { class: a.overdue ? 'late' : 'ok' }, t(a.overdue ? 'queue.overdue' : 'queue.in_time'))));
    box.append(table('queue-table', ['number', 'kind', 'state', 'deadline', 'term'], rows, 'queue.col'),
      h('p', {}, t('list.total', { total: res.data.total })));
  };
  only.addEventListener('change', load);
  await load();
}

// The application's document as label/value pairs (leaves of the JSON).
function documentFacts(text) {
  let doc;
  try { doc = JSON.parse(text || '{}'); } catch { return []; }
  const out = [];
  const walk = (v, path) => {
    if (path === 'kind') return;
    if (path === 'documents' && Array.isArray(v)) {
      out.push([fieldLabel('documents'), v.map((d) => [docName(d.type), d.number].filter(Boolean).join(' ')).join('; ')]);
      return;
    }
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
      return;
    }
    if (typeof v === 'boolean') v = t(v ? 'common.yes' : 'common.no');
    else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) v = showDate(v);
    out.push([fieldLabel(path), String(v)]);
  };
  walk(doc, '');
  return out;
}

function sigCode(s) {
  if (s.method === 'otp') return t('case.sig_otp');
  if (s.valid_now) return t('case.sig_valid');
  return t('case.sig_invalid', { why: has('sign.code.' + s.code_now) ? t('sign.code.' + s.code_now) : t('sign.code.other') });
}

function eventText(ev) { return has('event.' + ev) ? t('event.' + ev) : t('event.other'); }
function actorText(a) { return has('actor.' + a) ? t('actor.' + a) : t('actor.other'); }

export async function caseView(ctx) {
  const { main, arg } = ctx;
  const id = Number(arg);
  main.append(h('h1', { i18n: 'case.title' }), h('p', {}, h('a', { href: '#/queue', i18n: 'case.back' })));
  const msg = h('div', { id: 'case-msg', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const box = h('div', { id: 'case-box' });
  main.append(msg, box);
  const draw = async () => {
    clear(box);
    const [res, cl, sg] = await Promise.all([
      api('GET', `/applications/${id}`),
      api('GET', `/officer/applications/${id}/checklist`),
      api('GET', `/officer/applications/${id}/signatures`),
    ]);
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    if (!res.ok) { box.append(h('p', { class: 'notice bad' }, problemText(res))); return; }
    const a = res.data;
    box.dataset.state = a.state;
    box.append(h('h2', { id: 'case-number' }, t('case.heading', { number: a.number, kind: kindText(a.kind) })),
      h('dl', { class: 'facts', id: 'case-facts' },
        h('dt', { i18n: 'case.state' }), h('dd', { id: 'case-state' }, stateText(a.state)),
        h('dt', { i18n: 'field.region' }), h('dd', {}, has('region.' + a.region) ? t('region.' + a.region) : a.region),
        h('dt', { i18n: 'case.created' }), h('dd', {}, showDateTime(a.created_at)),
        h('dt', { i18n: 'case.deadline' }), h('dd', { class: a.overdue ? 'late' : null },
          a.deadline ? `${showDateTime(a.deadline)}${a.overdue ? ' — ' + t('queue.overdue') : ''}` : '—')));
    const lines = decisionLines(a);
    if (lines.length) box.append(h('div', { class: 'notice', id: 'case-decision' }, lines.map((l) => h('p', {}, l))));
    // what was applied for
    box.append(h('h3', { i18n: 'case.document' }),
      h('dl', { class: 'facts', id: 'case-document' }, documentFacts(a.document).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    // the checklist
    box.append(h('h3', { i18n: 'case.checklist' }));
    if (cl.ok) {
      const missing = new Set(cl.data.missing || []);
      box.append(h('ul', { class: 'checklist', id: 'case-checklist' }, (cl.data.required || []).map((d) =>
        h('li', { class: missing.has(d) ? 'missing' : 'present' },
          h('span', { class: 'mark', 'aria-hidden': 'true' }, missing.has(d) ? '✗' : '✓'), ' ', docName(d), ' — ',
          t(missing.has(d) ? 'case.doc_missing' : 'case.doc_present')))),
      h('p', { class: cl.data.complete ? 'ok' : 'late', id: 'case-complete' }, t(cl.data.complete ? 'case.complete' : 'case.incomplete')));
    } else box.append(h('p', { class: 'notice bad' }, problemText(cl)));
    // the signatures, verified now
    box.append(h('h3', { i18n: 'case.signatures' }));
    if (sg.ok && (sg.data.items || []).length) {
      box.append(table('case-signatures', ['kind', 'signer', 'certificate', 'signed_at', 'result'], sg.data.items.map((s) =>
        h('tr', { class: s.valid_now ? 'sig-ok' : 'sig-bad' },
          h('td', {}, t(s.kind === 'consent' ? 'case.sig_consent' : 'case.sig_application', { role: actorText(s.role) })),
          h('td', {}, `${t('case.iin')} ${s.signer}`),
          h('td', {}, s.method === 'otp' ? t('case.by_otp') : `${s.subject_cn} (${s.key_type})`),
          h('td', {}, s.signed_at ? showDateTime(s.signed_at) : '—'),
          h('td', { class: s.valid_now ? 'ok' : 'late' }, sigCode(s)))), 'case.col'));
    } else if (sg.ok) box.append(h('p', { i18n: 'case.no_signatures' }));
    else box.append(h('p', { class: 'notice bad' }, problemText(sg)));
    // consents
    if ((a.consents || []).length) {
      box.append(h('h3', { i18n: 'case.consents' }), h('ul', { id: 'case-consents' }, a.consents.map((k) =>
        h('li', {}, `${actorText(k.role)} ${t('case.iin')} ${k.owner_iin}: ${has('consent.state.' + k.state) ? t('consent.state.' + k.state) : t('consent.state.other')}`))));
    }
    // history
    box.append(h('h3', { i18n: 'case.history' }), h('ol', { class: 'history', id: 'case-history' }, (a.history || []).map((ev) =>
      h('li', {}, `${showDateTime(ev.at)} — ${eventText(ev.event)} (${actorText(ev.actor)}): ${stateText(ev.from)} → ${stateText(ev.to)}`,
        currentLang() === 'en' && ev.text ? ` — ${ev.text}` : ''))));
    box.append(decidePanel(ctx, a, msg, draw));
  };
  await draw();
}

// The buttons the state allows (the API refuses anything else: 409 or 403).
function decidePanel(ctx, a, msg, redraw) {
  const panel = h('section', { class: 'decide', id: 'case-decide', 'aria-labelledby': 'case-decide-title' },
    h('h3', { id: 'case-decide-title', i18n: 'case.decide' }));
  const act = async (action, body) => {
    const res = await api('POST', `/officer/applications/${a.id}/${action}`, { ...body, version: a.version });
    clear(msg);
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    if (!res.ok) {
      msg.append(h('p', { class: 'notice bad' }, problemText(res)));
      const errs = (res.data && res.data.errors) || [];
      if (errs.length) msg.append(h('ul', {}, errs.map((e) => h('li', {}, fieldError(e)))));
      msg.focus();
      return;
    }
    msg.append(h('p', { class: 'notice good', id: 'case-done' }, t('case.done.' + action, { number: a.number, state: stateText(res.data.state) })));
    await redraw();
    msg.focus();
  };
  const button = (action, cls = 'primary') => h('button', { type: 'button', class: cls, id: `case-${action}`, i18n: 'case.action.' + action, on: { click: () => act(action, {}) } });
  if (a.state === 'submitted') panel.append(h('div', { class: 'actions' }, button('take')));
  if (a.state === 'in_review') {
    panel.append(h('div', { class: 'actions' }, button('register')));
    const reason = h('select', { name: 'reason' }, h('option', { value: '', i18n: 'form.choose' }),
      REFUSAL_REASONS.map((r) => h('option', { value: r }, t('refusal.' + r))));
    const text = h('textarea', { name: 'text', rows: '3', maxlength: '1000' });
    const err = h('p', { class: 'error', id: 'case-refuse-err', 'aria-live': 'polite' });
    const refuse = h('button', { type: 'button', class: 'danger', id: 'case-refuse', i18n: 'case.action.refuse' });
    refuse.addEventListener('click', () => {
      err.textContent = '';
      if (!reason.value) { err.textContent = t('case.need_reason'); reason.focus(); return; }
      if (reason.value === 'other' && !text.value.trim()) { err.textContent = t('case.need_text'); text.focus(); return; }
      act('refuse', { reason: reason.value, text: text.value.trim() || undefined });
    });
    panel.append(h('fieldset', {}, h('legend', { i18n: 'case.refuse_legend' }),
      field({ id: 'case-reason', label: t('field.reason'), control: reason, required: true }),
      field({ id: 'case-text', label: t('field.reason_text'), control: text, hint: t('case.text_hint') }),
      err, h('div', { class: 'actions' }, refuse)));
  }
  if (a.state === 'appealed') {
    const text = h('textarea', { name: 'text', rows: '2', maxlength: '1000' });
    panel.append(field({ id: 'case-appeal-text', label: t('field.reason_text'), control: text }),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'case-uphold', i18n: 'case.action.uphold', on: { click: () => act('uphold', { text: text.value.trim() || undefined }) } }),
        h('button', { type: 'button', class: 'secondary', id: 'case-overturn', i18n: 'case.action.overturn', on: { click: () => act('overturn', { text: text.value.trim() || undefined }) } })));
  }
  if (panel.children.length === 1) panel.append(h('p', { i18n: 'case.nothing' }));
  return panel;
}

function vkindText(k) { return has('vkind.' + k) ? t('vkind.' + k) : t('vkind.other'); }
function vstateText(s) { return has('vstate.' + s) ? t('vstate.' + s) : t('vstate.other'); }

// The facts of a violation as one line.
function vfacts(v) {
  const f = v.facts || {};
  const parts = [];
  if (f.notification) parts.push(t('viol.notification', { number: f.notification }));
  if (f.days_late !== undefined) parts.push(t('viol.days_late', { n: f.days_late }));
  if (f.overstay_days !== undefined) parts.push(t('viol.overstay_days', { n: f.overstay_days }));
  if (f.entry_date || f.entry) parts.push(t('viol.entry', { date: showDate(f.entry_date || f.entry) }));
  if (f.last_lawful_day) parts.push(t('viol.last_lawful', { date: showDate(f.last_lawful_day) }));
  return parts.join('; ');
}

export async function violationsView(ctx) {
  const { main } = ctx;
  const state = h('select', { id: 'viol-state' },
    h('option', { value: '', i18n: 'viol.all' }), ['open', 'fined', 'closed'].map((s) => h('option', { value: s }, vstateText(s))));
  const box = h('div', { id: 'viol-box' });
  const msg = h('div', { id: 'viol-msg', role: 'status', 'aria-live': 'polite' });
  main.append(h('h1', { i18n: 'viol.title' }), h('p', { i18n: 'viol.intro' }),
    h('div', { class: 'grid' }, field({ id: 'viol-state', label: t('viol.state'), control: state })), msg, box);
  const decide = async (v, path, body) => {
    const res = await api('POST', `/violations/${v.id}/${path}`, body);
    clear(msg);
    msg.append(h('p', { class: 'notice ' + (res.ok ? 'good' : 'bad') },
      res.ok ? t('viol.done', { id: v.id, state: vstateText(res.data.state) }) : problemText(res)));
    if (res.ok) await load();
  };
  const load = async () => {
    const res = await api('GET', `/violations?per_page=100${state.value ? '&state=' + state.value : ''}`);
    clear(box);
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    if (!res.ok) { box.append(h('p', { class: 'notice bad' }, problemText(res))); return; }
    const items = res.data.items || [];
    if (!items.length) { box.append(h('p', { i18n: 'viol.empty' })); return; }
    const rows = items.map((v) => h('tr', { 'data-id': String(v.id) },
      h('td', {}, String(v.id)),
      h('td', {}, `${vkindText(v.kind)} (${t('viol.article', { article: v.article })})`),
      h('td', {}, vstateText(v.state)),
      h('td', {}, vfacts(v)),
      h('td', {}, v.fine && v.fine.mci ? t('viol.fine', { mci: v.fine.mci, kzt: v.fine.amount_kzt }) : '—'),
      h('td', {}, v.state === 'open'
        ? h('div', { class: 'actions tight' },
          h('button', { type: 'button', class: 'secondary', i18n: 'viol.fine_button', on: { click: () => decide(v, 'fine', {}) } }),
          h('button', { type: 'button', class: 'secondary', i18n: 'viol.warn_button', on: { click: () => decide(v, 'close', { reason: 'warning' }) } }))
        : v.state === 'fined'
          ? h('button', { type: 'button', class: 'secondary', i18n: 'viol.paid_button', on: { click: () => decide(v, 'close', { reason: 'paid' }) } })
          : '')));
    box.append(table('viol-table', ['id', 'kind', 'state', 'facts', 'fine', 'decide'], rows, 'viol.col'),
      h('p', {}, t('list.total', { total: res.data.total })));
  };
  state.addEventListener('change', load);
  await load();
}
