// api.js — calls to qonaq's JSON API (/api/v1) with the session cookie, the
// CSRF double-submit header on writes, and turning problem answers into
// translated messages (the API's reasons are English: the known kinds are
// translated, anything else is shown as the API wrote it).
import { t } from './i18n.js';

function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

// Sends a request; body is an object (sent as JSON) or a string with
// contentType. Returns {ok, status, data} (data: parsed JSON or null), or
// {ok:false, status:0} when the server cannot be reached.
export async function api(method, path, body, contentType) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string') { payload = body; headers['Content-Type'] = contentType || 'text/plain'; }
    else { payload = JSON.stringify(body); headers['Content-Type'] = 'application/json'; }
  }
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = cookie('qonaq_csrf');
  let r;
  try {
    r = await fetch('/api/v1' + path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    return { ok: false, status: 0, data: null };
  }
  let data = null;
  if (r.status !== 204) {
    try { data = await r.json(); } catch { data = null; }
  }
  return { ok: r.ok, status: r.status, data };
}

// The API's reason for a field, translated when its kind is known.
const REASONS = [
  [/^is required/, 'err.required'],
  [/^is not a day of the calendar/, 'err.not_a_day'],
  [/^must be YYYY-MM-DD|not a date/i, 'err.date'],
  [/^is in the future/, 'err.future'],
  [/^is before/, 'err.before'],
  [/^is KAZ/, 'err.kaz'],
  [/ISO 3166|three capital letters/, 'err.country'],
  [/^must be M, F or X/, 'err.sex'],
  [/region codes/, 'err.region'],
  [/expire/, 'err.expires'],
  [/longer than|too long/, 'err.too_long'],
];
export function reasonText(reason, params = {}) {
  for (const [re, key] of REASONS) if (re.test(reason || '')) return t(key, params);
  return reason || '';
}

// A sentence for a failed answer as a whole.
export function problemText(res, params = {}) {
  if (res.status === 0) return t('err.network');
  if (res.status === 401) return t('err.session');
  if (res.status === 403) return t('err.forbidden');
  if (res.status === 429) return t('err.rate');
  if (res.status === 422) return t('notify.fix', params);
  const detail = (res.data && (res.data.detail || res.data.title)) || `HTTP ${res.status}`;
  return t('err.generic', { detail });
}
