// batch.js — a host uploads a day's guests as CSV; the API answers one
// result per row and the page lists them with the file's line numbers,
// the number and deadline of each accepted row and the errors of each
// rejected one (translated when their kind is known).
import { t, showDate } from './i18n.js';
import { api, fieldError, reasonText, problemText } from './api.js';
import { h, field, setError, clear } from './dom.js';

export async function batchView(ctx) {
  const { main } = ctx;
  // The native file control speaks the browser's language, not the
  // portal's: it is hidden (still focusable) behind a translated label.
  const file = h('input', { type: 'file', accept: '.csv,text/csv', name: 'csv', class: 'file-input' });
  const chosen = h('span', { class: 'file-name', id: 'batch-file-name', i18n: 'batch.no_file' });
  file.addEventListener('change', () => {
    const f = file.files && file.files[0];
    if (f) { delete chosen.dataset.i18n; chosen.textContent = f.name; setError(file, ''); }
  });
  const report = h('div', { id: 'batch-report', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary', i18n: 'batch.submit' });
  const form = h('form', { novalidate: true, id: 'batch-form' },
    field({ id: 'batch-file', label: t('batch.file'), control: file, required: true }),
    h('div', { class: 'file-row' }, h('label', { for: 'batch-file', class: 'file-button', i18n: 'batch.choose' }), chosen),
    h('p', {}, h('a', { href: '/portal/sample.csv', download: 'qonaq-sample.csv', i18n: 'batch.sample' })),
    h('div', { class: 'actions' }, button));
  main.append(h('h1', { i18n: 'batch.title' }), h('p', { i18n: 'batch.intro' }), form, report);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(report);
    const f = file.files && file.files[0];
    if (!f) { setError(file, t('batch.nofile')); file.focus(); return; }
    setError(file, '');
    const text = await f.text();
    button.disabled = true;
    const res = await api('POST', '/notifications/batch', text, 'text/csv');
    button.disabled = false;
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    if (!res.ok) {
      report.append(h('p', { class: 'notice bad' }, problemText(res)));
      const errs = (res.data && res.data.errors) || [];
      if (errs.length) report.append(h('ul', {}, errs.map((e) => h('li', {}, fieldError(e)))));
      return;
    }
    const d = res.data;
    report.append(h('p', { class: 'notice ' + (d.rejected ? 'bad' : 'good'), id: 'batch-summary' },
      t('batch.summary', { rows: d.rows, accepted: d.accepted, rejected: d.rejected })));
    const rows = (d.results || []).map((r) => {
      const ok = r.result === 'accepted';
      const details = ok
        ? h('span', {}, `${r.number} — ${t('batch.deadline', { deadline: showDate(r.deadline) })}`)
        : h('ul', {}, ((r.errors && r.errors.length) ? r.errors : [{ field: '', reason: r.detail }])
          .map((e) => h('li', {}, e.field ? fieldError(e, { format: 'YYYY-MM-DD' }) : reasonText(e.reason, { format: 'YYYY-MM-DD' }))));
      return h('tr', { class: ok ? 'accepted' : 'rejected', 'data-line': String(r.line ?? r.row) },
        h('td', {}, String(r.line ?? r.row)),
        h('td', { class: ok ? 'ok' : 'late' }, t(ok ? 'batch.accepted' : 'batch.rejected')),
        h('td', {}, details));
    });
    report.append(h('div', { class: 'table-wrap' }, h('table', { id: 'batch-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', i18n: 'batch.col.line' }), h('th', { scope: 'col', i18n: 'batch.col.result' }), h('th', { scope: 'col', i18n: 'batch.col.details' }))),
      h('tbody', {}, rows))));
  });
}
