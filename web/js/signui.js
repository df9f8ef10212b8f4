// signui.js — the signing panel shared by the pages that sign (an
// application, an owner's consent): choose the PKCS#12 key file, type its
// password, press the button; the page signs the exact text it will send
// with js/sign.js (loaded on first use), and hands the base64 CMS to the
// caller. The key file and the password never leave the browser: nothing
// but the signature is passed on, and the password field is cleared after
// each attempt.
import { t } from './i18n.js';
import { h, field, setError } from './dom.js';

// Builds the panel. id: a prefix for element ids; text(): the exact text
// to sign (called when the button is pressed; a falsy answer cancels);
// send(signature, status, signer): the caller's request (status: the
// panel's message line; signer: {name, iin} from the certificate).
// Returns the <fieldset>.
export function signPanel({ id, text, send, submitKey = 'sign.submit' }) {
  const file = h('input', { type: 'file', accept: '.p12,.pfx,application/x-pkcs12', class: 'file-input' });
  const chosen = h('span', { class: 'file-name', id: `${id}-file-name`, i18n: 'sign.no_file' });
  const pass = h('input', { type: 'password', autocomplete: 'off' });
  const status = h('p', { class: 'notice', id: `${id}-status`, role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'primary', id: `${id}-submit`, i18n: submitKey });
  file.addEventListener('change', () => {
    const f = file.files && file.files[0];
    if (f) { delete chosen.dataset.i18n; chosen.textContent = f.name; setError(file, ''); }
  });
  button.addEventListener('click', async () => {
    status.className = 'notice';
    status.textContent = '';
    const f = file.files && file.files[0];
    let bad = false;
    if (!f) { setError(file, t('sign.need_file')); bad = true; } else setError(file, '');
    if (!pass.value) { setError(pass, t('err.required')); bad = true; } else setError(pass, '');
    if (bad) return;
    const doc = text();
    if (!doc) return;
    button.disabled = true;
    status.textContent = t('sign.signing');
    let mod;
    try {
      mod = await import('./sign.js');
    } catch {
      status.className = 'notice bad';
      status.textContent = t('sign.err.load');
      button.disabled = false;
      return;
    }
    let signed;
    try {
      signed = await mod.signText(f, pass.value, doc);
    } catch (e) {
      const code = e instanceof mod.SignError ? e.code : 'sign_failed';
      status.className = 'notice bad';
      status.textContent = t('sign.err.' + code);
      if (code === 'bad_password') { setError(pass, t('sign.err.bad_password')); pass.focus(); }
      button.disabled = false;
      return;
    } finally {
      pass.value = '';
    }
    status.textContent = t('sign.signed_by', { name: signed.signer.name, iin: signed.signer.iin || '—' });
    try {
      await send(signed.signature, status, signed.signer);
    } finally {
      button.disabled = false;
    }
  });
  return h('fieldset', { class: 'sign-panel', id },
    h('legend', { i18n: 'sign.legend' }),
    h('p', { class: 'hint', i18n: 'sign.privacy' }),
    field({ id: `${id}-file`, label: t('sign.file'), control: file, required: true }),
    h('div', { class: 'file-row' }, h('label', { for: `${id}-file`, class: 'file-button', i18n: 'sign.choose' }), chosen),
    field({ id: `${id}-pass`, label: t('sign.password'), control: pass, required: true }),
    h('div', { class: 'actions' }, button),
    status);
}
