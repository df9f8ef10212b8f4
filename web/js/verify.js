// verify.js — the public verification page of printed documents, where
// their QR codes point: /verify/<number>?c=<code>. Anyone holding the paper
// can open it without an account; it asks GET /api/v1/verify/<number> and
// says in large type whether the document is genuine and still valid, with
// what the paper itself shows about it (kind, number, dates, office, the
// holder's name) so the reader can match the two. /verify alone is a form
// for typing the number and the code printed under "Verification code".
import { t, has, showDate } from './i18n.js';
import { api } from './api.js';
import { h, field, setError } from './dom.js';

const NUMBER = /^[A-Za-z0-9-]{1,32}$/;
const CODE = /^[A-Za-z2-7]{10}$/;

export async function verifyView(ctx) {
  const { main } = ctx;
  const m = /^\/verify\/([A-Za-z0-9-]{1,32})$/.exec(location.pathname);
  const number = m ? m[1] : '';
  const code = new URLSearchParams(location.search).get('c') || '';
  main.append(h('h1', { i18n: 'verify.title' }), h('p', { i18n: 'verify.intro' }));
  const result = h('div', { id: 'verify-result', role: 'status', 'aria-live': 'polite' });
  main.append(result);
  if (number && code) {
    const res = await api('GET', `/verify/${encodeURIComponent(number)}?c=${encodeURIComponent(code)}`);
    if (res.ok && res.data && res.data.genuine) {
      const d = res.data;
      const state = d.valid ? 'valid' : d.status;
      result.append(h('div', { class: `verdict verdict-${d.valid ? 'clear' : 'warn'}`, id: 'verify-verdict', 'data-status': d.status },
        h('p', { class: 'verdict-word', id: 'verify-word' }, t('verify.genuine')),
        h('p', { class: 'verdict-person', id: 'verify-status' }, has('verify.status.' + state) ? t('verify.status.' + state) : t('verify.status.other'))));
      const office = d.region ? (has('region.' + d.region) ? t('verify.office', { region: t('region.' + d.region) }) : d.region) : '—';
      const period = d.valid_from || d.valid_until ? `${showDate(d.valid_from) || '…'} — ${showDate(d.valid_until) || '…'}` : '—';
      result.append(h('dl', { class: 'facts', id: 'verify-facts' },
        h('dt', { i18n: 'verify.kind' }), h('dd', { id: 'verify-kind' }, has('dockind.' + d.kind) ? t('dockind.' + d.kind) : t('dockind.other')),
        h('dt', { i18n: 'verify.number' }), h('dd', { id: 'verify-number' }, d.number),
        h('dt', { i18n: 'verify.holder' }), h('dd', { id: 'verify-holder' }, d.holder || '—'),
        h('dt', { i18n: 'verify.period' }), h('dd', { id: 'verify-period' }, period),
        h('dt', { i18n: 'verify.issued' }), h('dd', {}, d.issued ? showDate(d.issued) : '—'),
        h('dt', { i18n: 'verify.office_label' }), h('dd', {}, office)),
        h('p', { class: 'hint', i18n: 'verify.match' }));
    } else {
      const key = res.status === 429 ? 'verify.rate' : res.status === 0 ? 'err.network' : 'verify.not_genuine';
      result.append(h('div', { class: 'verdict verdict-stop', id: 'verify-verdict', 'data-status': 'not_genuine' },
        h('p', { class: 'verdict-word', id: 'verify-word' }, t(key === 'verify.not_genuine' ? 'verify.not_genuine_word' : key)),
        key === 'verify.not_genuine' ? h('p', { class: 'verdict-person' }, t('verify.not_genuine')) : null));
    }
  }
  // The form: number and code typed from the paper.
  const num = h('input', { type: 'text', name: 'number', autocomplete: 'off', spellcheck: 'false', maxlength: '32' });
  const cod = h('input', { type: 'text', name: 'code', autocomplete: 'off', spellcheck: 'false', maxlength: '10', autocapitalize: 'characters' });
  num.value = number;
  cod.value = code;
  const form = h('form', { novalidate: true, id: 'verify-form', class: 'narrow' },
    h('h2', { i18n: number ? 'verify.again' : 'verify.form' }),
    field({ id: 'verify-num', label: t('verify.number'), control: num, required: true, hint: t('verify.number_hint') }),
    field({ id: 'verify-code', label: t('verify.code'), control: cod, required: true, hint: t('verify.code_hint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', i18n: 'verify.submit' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const n = num.value.trim().toUpperCase(), c = cod.value.trim().toUpperCase();
    setError(num, NUMBER.test(n) ? '' : t('verify.bad_number'));
    setError(cod, CODE.test(c) ? '' : t('verify.bad_code'));
    if (!NUMBER.test(n)) { num.focus(); return; }
    if (!CODE.test(c)) { cod.focus(); return; }
    location.assign(`/verify/${n}?c=${c}`);
  });
  main.append(form);
}
