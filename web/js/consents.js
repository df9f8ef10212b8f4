// consents.js — an owner or co-owner sees the consents waiting for them
// (GET /me/consents) and signs one with their key (PKCS#12 in the browser,
// js/signui.js, over the consent's exact document text), or with a
// one-time code sent by SMS (POST /otp, /otp/{id}/confirm, then
// /consents/{id}/sign with the otp_id), or refuses it with a reason.
// Seed 002: the owner and every co-owner consent, each with their own
// signature; a refusal ends the application.
import { t, has, showDateTime } from './i18n.js';
import { api, problemText, fieldError } from './api.js';
import { h, field, setError, clear } from './dom.js';
import { signPanel } from './signui.js';

function roleText(r) { return has('consent.role.' + r) ? t('consent.role.' + r) : t('consent.role.other'); }
function consentState(s) { return has('consent.state.' + s) ? t('consent.state.' + s) : t('consent.state.other'); }

function parseDoc(text) {
  try { return JSON.parse(text); } catch { return {}; }
}

function showErrors(status, res) {
  status.className = 'notice bad';
  status.textContent = problemText(res);
  // a refused signature is said by the problem itself; its field error repeats it
  const errs = ((res.data && res.data.errors) || []).filter((e) => e.field !== 'signature');
  if (errs.length) status.append(h('ul', {}, errs.map((e) => h('li', {}, fieldError(e)))));
}

function otpPanel(k, done) {
  const id = `otp-${k.id}`;
  const code = h('input', { type: 'text', inputmode: 'numeric', maxlength: '6', autocomplete: 'one-time-code' });
  const status = h('p', { class: 'notice', id: `${id}-status`, role: 'status', 'aria-live': 'polite' });
  const ask = h('button', { type: 'button', class: 'secondary', id: `${id}-ask`, i18n: 'otp.ask' });
  const confirm = h('button', { type: 'button', class: 'primary', id: `${id}-confirm`, i18n: 'otp.confirm', disabled: true });
  const codeField = field({ id: `${id}-code`, label: t('otp.code'), control: code, required: true });
  codeField.hidden = true;
  let otpId = 0;
  ask.addEventListener('click', async () => {
    ask.disabled = true;
    const res = await api('POST', '/otp', { document_digest: k.document_digest, purpose: 'consent' });
    ask.disabled = false;
    if (!res.ok) { showErrors(status, res); return; }
    otpId = res.data.id;
    codeField.hidden = false;
    confirm.disabled = false;
    status.className = 'notice';
    status.textContent = t('otp.sent', { phone: res.data.phone });
    code.focus();
  });
  confirm.addEventListener('click', async () => {
    if (!/^\d{6}$/.test(code.value.trim())) { setError(code, t('err.otp_code')); code.focus(); return; }
    setError(code, '');
    confirm.disabled = true;
    let res = await api('POST', `/otp/${otpId}/confirm`, { code: code.value.trim(), document_digest: k.document_digest });
    if (res.ok) res = await api('POST', `/consents/${k.id}/sign`, { otp_id: otpId });
    confirm.disabled = false;
    if (!res.ok) { showErrors(status, res); return; }
    done();
  });
  return h('fieldset', { class: 'otp-panel', id },
    h('legend', { i18n: 'otp.legend' }), h('p', { class: 'hint', i18n: 'otp.intro' }),
    h('div', { class: 'actions' }, ask), codeField, h('div', { class: 'actions' }, confirm), status);
}

function refusePanel(k, done) {
  const id = `refuse-${k.id}`;
  const text = h('textarea', { rows: '2', maxlength: '1000' });
  const status = h('p', { class: 'notice', id: `${id}-status`, role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'danger', id: `${id}-submit`, i18n: 'consent.refuse' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    const res = await api('POST', `/consents/${k.id}/refuse`, { text: text.value.trim() });
    button.disabled = false;
    if (!res.ok) { showErrors(status, res); return; }
    done();
  });
  return h('fieldset', { class: 'refuse-panel', id },
    h('legend', { i18n: 'consent.refuse_legend' }),
    field({ id: `${id}-text`, label: t('consent.refuse_text'), control: text }),
    h('div', { class: 'actions' }, button), status);
}

export async function consentsView(ctx) {
  const { main } = ctx;
  const box = h('div', { id: 'consents-box' });
  const done = h('p', { class: 'notice good', id: 'consents-done', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  main.append(h('h1', { i18n: 'consent.title' }), h('p', { i18n: 'consent.intro' }), done, box);
  // After an answer the consent leaves the list (only pending ones are
  // listed); the sentence above the list says what was done.
  const answered = async (key, number) => {
    done.textContent = t(key, { number });
    await load();
    done.focus();
  };
  async function load() {
    const res = await api('GET', '/me/consents');
    clear(box);
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    if (!res.ok) { box.append(h('p', { class: 'notice bad' }, problemText(res))); return; }
    const items = res.data.items || [];
    if (!items.length) { box.append(h('p', { id: 'consents-empty', i18n: 'consent.empty' })); return; }
    for (const k of items) {
      const d = parseDoc(k.document);
      const card = h('section', { class: 'card', id: `consent-${k.id}`, 'data-state': k.state, 'aria-labelledby': `consent-${k.id}-title` },
        h('h2', { id: `consent-${k.id}-title`, tabindex: '-1' }, t('consent.heading', { number: d.application || '' })),
        h('dl', { class: 'facts' },
          h('dt', { i18n: 'consent.as' }), h('dd', {}, roleText(k.role)),
          h('dt', { i18n: 'field.address_code' }), h('dd', {}, d.address_code || ''),
          h('dt', { i18n: 'consent.person' }), h('dd', {}, d.person || ''),
          h('dt', { i18n: 'consent.state' }), h('dd', { class: 'consent-state' }, consentState(k.state))),
        h('details', { class: 'exact-box' }, h('summary', { i18n: 'consent.exact' }), h('pre', { class: 'exact' }, k.document)));
      if (k.state === 'pending') {
        card.append(
          signPanel({
            id: `sign-${k.id}`,
            text: () => k.document,
            send: async (signature, status) => {
              const r = await api('POST', `/consents/${k.id}/sign`, { signature });
              if (r.status === 401) { ctx.onUnauthorized(); return; }
              if (!r.ok) { showErrors(status, r); return; }
              await answered('consent.signed_for', d.application || '');
            },
            submitKey: 'consent.sign',
          }),
          otpPanel(k, () => answered('consent.signed_otp_for', d.application || '')),
          refusePanel(k, () => answered('consent.refused_for', d.application || '')));
      } else if (k.decided_at) {
        card.append(h('p', {}, showDateTime(k.decided_at)));
      }
      box.append(card);
    }
  }
  await load();
}
