// border.js — the border officer's exit check: one field (the passport's
// issuing country and number, as the machine-readable zone gives them:
// "DEU C01X00T47") and one answer readable at a glance — a large coloured
// verdict (may leave / check / stop) with the person to match against the
// passport in hand and the reasons, then the details (GET
// /api/v1/border/exit-check; service/exit_check.h says what it shows).
import { t, has, showDate } from './i18n.js';
import { api, problemText, fieldError } from './api.js';
import { h, field, setError, clear } from './dom.js';

const DOC = /^([A-Za-z]{3})[\s/:-]*([A-Za-z0-9]{1,32})$/;

function word(prefix, v) { return has(`${prefix}.${v}`) ? t(`${prefix}.${v}`) : t(`${prefix}.other`); }

export async function exitView(ctx) {
  const { main } = ctx;
  const doc = h('input', { type: 'text', name: 'document', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: '40', class: 'big-input' });
  const result = h('div', { id: 'exit-result', role: 'status', 'aria-live': 'assertive', tabindex: '-1' });
  const form = h('form', { novalidate: true, id: 'exit-form', class: 'exit-form' },
    field({ id: 'exit-doc', label: t('exit.document'), control: doc, hint: t('exit.hint'), required: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary big', i18n: 'exit.submit' })));
  main.append(h('h1', { i18n: 'exit.title' }), form, result);
  doc.addEventListener('input', () => { const up = doc.value.toUpperCase(); if (up !== doc.value) doc.value = up; });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(result);
    const m = DOC.exec(doc.value.trim());
    if (!m) { setError(doc, doc.value.trim() ? t('exit.bad_document') : t('err.required')); doc.focus(); return; }
    setError(doc, '');
    const q = new URLSearchParams({ citizenship: m[1].toUpperCase(), document_number: m[2].toUpperCase() });
    const res = await api('GET', '/border/exit-check?' + q.toString());
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    if (!res.ok) {
      const code = (res.data && res.data.code) || '';
      result.append(h('div', { class: 'verdict verdict-none', id: 'exit-verdict' },
        h('p', { class: 'verdict-word' }, res.status === 404 ? t('exit.unknown') : code === 'conflict.not_present' ? t('exit.not_present') : problemText(res))));
      const errs = (res.data && res.data.errors) || [];
      if (errs.length) result.append(h('ul', {}, errs.map((e) => h('li', {}, fieldError(e)))));
      result.focus();
      return;
    }
    const a = res.data;
    const p = a.person || {};
    result.append(h('div', { class: `verdict verdict-${a.verdict}`, id: 'exit-verdict', 'data-verdict': a.verdict },
      h('p', { class: 'verdict-word', id: 'exit-word' }, word('verdict', a.verdict)),
      h('p', { class: 'verdict-person', id: 'exit-person' },
        `${p.surname || ''} ${p.given_names || ''}, ${p.citizenship || ''}, ${t('exit.born', { date: showDate(p.birth_date) })}`),
      (a.reasons || []).length
        ? h('ul', { class: 'verdict-reasons', id: 'exit-reasons' }, a.reasons.map((r) => h('li', {}, word('exit.reason', r))))
        : h('p', { i18n: 'exit.no_reasons' })));
    const facts = [
      ['exit.lawful', word('lawful', a.lawful_because)],
      ['exit.last_lawful', a.last_lawful_day ? showDate(a.last_lawful_day) : '—'],
      ['exit.overstay', String(a.overstay_days || 0)],
      ['exit.open_cases', String(a.open_cases || 0)],
      ['exit.missing', String(a.entries_missing || 0)],
      ['exit.late', String(a.entries_late || 0)],
    ];
    result.append(h('dl', { class: 'facts', id: 'exit-facts' }, facts.map(([k, v]) => [h('dt', { i18n: k }), h('dd', {}, v)])));
    if ((a.entries || []).length) {
      result.append(h('h2', { i18n: 'exit.entries' }), h('div', { class: 'table-wrap' }, h('table', { id: 'exit-entries' },
        h('thead', {}, h('tr', {}, ['entry', 'exit', 'checkpoint', 'notification'].map((c) => h('th', { scope: 'col', i18n: 'exit.col.' + c })))),
        h('tbody', {}, a.entries.map((e) => h('tr', {},
          h('td', {}, showDate(e.entry_date)), h('td', {}, e.exit_date ? showDate(e.exit_date) : '—'), h('td', {}, e.checkpoint),
          h('td', { class: e.notification === 'on_time' ? 'ok' : e.notification === 'pending' ? null : 'late' }, word('notif', e.notification))))))));
    }
    result.focus();
  });
  doc.focus();
}
