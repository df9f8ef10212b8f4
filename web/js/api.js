// api.js — calls to qonaq's JSON API (/api/v1) with the session cookie, the
// CSRF double-submit header on writes, and turning problem answers into
// translated messages. The API speaks English (reasons, details); the page
// never shows that English in kk or ru: field paths are named through the
// field.* labels (fieldLabel), reasons through the err.* kinds (reasonText)
// and problems through their stable codes (problemText); what no table
// knows is shown as a translated generic sentence (in en, as the API wrote).
import { t, has, currentLang } from './i18n.js';

function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

// Sends a request; body is an object (sent as JSON) or a string with
// contentType. Returns {ok, status, data, headers} (data: parsed JSON or
// null), or {ok:false, status:0} when the server cannot be reached.
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
  return { ok: r.ok, status: r.status, data, headers: r.headers };
}

// API field paths -> label keys. Array members ("documents[0].number") are
// looked up with their index removed ("documents[].number").
const FIELDS = {
  'foreigner.surname': 'field.surname',
  'foreigner.given_names': 'field.given_names',
  'foreigner.patronymic': 'field.patronymic',
  'foreigner.citizenship': 'field.citizenship',
  'foreigner.birth_date': 'field.birth_date',
  'foreigner.sex': 'field.sex',
  'foreigner.document': 'section.document',
  'foreigner.document.number': 'field.doc_number',
  'foreigner.document.country': 'field.doc_country',
  'foreigner.document.expires': 'field.doc_expires',
  'entry.date': 'field.entry_date',
  'entry.checkpoint': 'field.checkpoint',
  arrival_date: 'field.arrival_date',
  'address.region': 'field.region',
  'address.text': 'field.address_text',
  'address.code': 'field.address_code',
  'stay.from': 'field.stay_from',
  'stay.to': 'field.stay_to',
  purpose: 'field.purpose',
  'visa.number': 'field.visa_number',
  'visa.category': 'field.visa_category',
  'visa.valid_until': 'field.visa_valid_until',
  migration_card: 'field.migration_card',
  foreigner: 'section.foreigner',
  entry: 'section.entry',
  address: 'section.address',
  stay: 'section.stay',
  // applications
  kind: 'field.kind',
  address_code: 'field.address_code',
  period: 'field.period',
  'period.from': 'field.period_from',
  'period.to': 'field.period_to',
  person: 'field.person',
  'person.iin': 'field.iin',
  'person.surname': 'field.surname',
  'person.given_names': 'field.given_names',
  'person.birth_date': 'field.birth_date',
  'person.citizenship': 'field.citizenship',
  'person.document': 'section.document',
  'person.document.number': 'field.doc_number',
  'person.document.country': 'field.doc_country',
  entry_date: 'field.entry_date',
  visa: 'field.visa_number',
  'migration_card.number': 'field.migration_card',
  'migration_card.border_mark': 'field.border_mark',
  representation: 'field.representation',
  applicant_is_owner: 'field.applicant_is_owner',
  accommodation_building: 'field.accommodation_building',
  returnee: 'field.returnee',
  consular_mark: 'field.consular_mark',
  refugee: 'field.refugee',
  members_over_14: 'field.members_over_14',
  registration: 'field.registration_kind',
  documents: 'field.documents',
  'documents[].number': 'field.doc_number',
  'documents[].type': 'field.doc_type',
  document: 'field.document',
  signature: 'field.signature',
  otp_id: 'field.otp',
  code: 'field.otp_code',
  reason: 'field.reason',
  text: 'field.reason_text',
  grounds: 'field.grounds',
  // stay calculator, exit check, statistics
  citizenship: 'field.citizenship',
  document_number: 'field.doc_number',
  trips: 'stay.trips',
  on: 'stay.on',
  exit_date: 'exit.date',
  from: 'dash.from',
  to: 'dash.to',
};

// The label of an API field path in the current language.
export function fieldLabel(path) {
  const p = String(path || '');
  const key = FIELDS[p] || FIELDS[p.replace(/\[\d+\]/g, '[]')];
  if (key) return t(key);
  const line = /^line (\d+)$/.exec(p);
  if (line) return t('field.line', { n: line[1] });
  return currentLang() === 'en' && p ? p : t('field.other');
}

// The API's reason for a field, translated by its kind.
const REASONS = [
  [/^is required/, 'err.required'],
  [/^is not a day of the calendar/, 'err.not_a_day'],
  [/^must be YYYY-MM-DD|not a date/i, 'err.date'],
  [/^is in the future/, 'err.future'],
  [/^is before|before the planned departure|must not be before/, 'err.before'],
  [/^is KAZ/, 'err.kaz'],
  [/ISO 3166|three capital letters/, 'err.country'],
  [/^must be M, F or X/, 'err.sex'],
  [/region codes/, 'err.region'],
  [/expire/, 'err.expires'],
  [/longer than|too long|at most \d+ (bytes|characters)/, 'err.too_long'],
  [/not a valid IIN|check digit/, 'err.iin'],
  [/is not a refusal reason/, 'err.reason'],
  [/is not a known field/, 'err.unknown_field'],
  [/^must be (a|an) |^must be true or false|^must be a date string/, 'err.type'],
  [/^must not be empty/, 'err.required'],
  [/is not a valid date/, 'err.not_a_day'],
  [/^must be between/, 'err.range'],
  [/is not a registered address/, 'err.address_code'],
  [/6-digit code/, 'err.otp_code'],
  [/signer's own IIN/, 'err.own_iin'],
  [/is missing/, 'err.missing_document'],
];
export function reasonText(reason, params = {}) {
  for (const [re, key] of REASONS) if (re.test(reason || '')) return t(key, params);
  return currentLang() === 'en' && reason ? reason : t('err.invalid_value');
}

// One field error as a line: "<label>: <reason>".
export function fieldError(err, params = {}) {
  return `${fieldLabel(err.field)}: ${reasonText(err.reason, params)}`;
}

// A sentence for a failed answer as a whole: by status, then by the
// problem's stable code (problem.<code> in the tables, signature refusals
// as sign.code.<reason>), else generic.
export function problemText(res, params = {}) {
  if (res.status === 0) return t('err.network');
  if (res.status === 401) return t('err.session');
  const code = (res.data && res.data.code) || '';
  if (code && has('problem.' + code)) return t('problem.' + code, params);
  if (res.status === 429) return t('err.rate');
  if (code.startsWith('signature_refused.')) {
    const why = code.slice('signature_refused.'.length);
    return t('sign.refused', { why: has('sign.code.' + why) ? t('sign.code.' + why) : t('sign.code.other') });
  }
  if (res.status === 403) return t('err.forbidden');
  if (res.status === 404) return t('err.not_found');
  if (res.status === 422) return t('notify.fix', params);
  if (currentLang() === 'en' && res.data && res.data.detail) return t('err.generic', { detail: res.data.detail });
  return t('err.failed', { status: res.status });
}
