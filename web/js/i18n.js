// i18n.js — the portal's three languages (kk, ru, en): loads a language's
// JSON table, remembers the choice in localStorage, switches <html lang>,
// translates elements marked data-i18n (text) and data-i18n-aria (aria-label),
// tells the server through the qonaq_lang cookie (the language of PDFs),
// and formats and parses dates (dd.mm.yyyy in kk and ru; "5 Mar 2026" shown
// and YYYY-MM-DD typed in en; every language also accepts YYYY-MM-DD).
/* global QONAQ_I18N_URLS */ // the hashed table URLs, set by web/build.mjs (esbuild define)
export const LANGS = ['kk', 'ru', 'en'];
const STORE_KEY = 'qonaq.lang';

const state = { lang: 'kk', dict: {} };

export function currentLang() { return state.lang; }

// The language remembered, else the browser's if we have it, else Kazakh.
export function initialLang() {
  let saved = null;
  try { saved = localStorage.getItem(STORE_KEY); } catch { /* storage blocked */ }
  if (LANGS.includes(saved)) return saved;
  const nav = (navigator.language || '').slice(0, 2);
  return LANGS.includes(nav) ? nav : 'kk';
}

export async function setLang(lang) {
  if (!LANGS.includes(lang)) lang = 'kk';
  const r = await fetch(QONAQ_I18N_URLS[lang], { credentials: 'same-origin' });
  if (!r.ok) throw new Error(`cannot load the ${lang} translations`);
  state.dict = await r.json();
  state.lang = lang;
  document.documentElement.lang = lang;
  try { localStorage.setItem(STORE_KEY, lang); } catch { /* storage blocked */ }
  // The server prints documents (PDF) in this language when a link names none.
  document.cookie = `qonaq_lang=${lang}; path=/; SameSite=Lax; max-age=31536000`;
}

// The text for key with {name} placeholders filled; the key itself when the
// table lacks it (so a missing translation is visible, and tests catch it).
export function t(key, params = {}) {
  const s = Object.prototype.hasOwnProperty.call(state.dict, key) ? state.dict[key] : key;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

export function has(key) { return Object.prototype.hasOwnProperty.call(state.dict, key); }

// Translates the marked elements under root.
export function applyI18n(root = document) {
  root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll('[data-i18n-aria]').forEach((el) => { el.setAttribute('aria-label', t(el.dataset.i18nAria)); });
  document.title = t('app.title');
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

function validDay(y, m, d) {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

// Parses what a user typed: {iso} for a real day, {error:'format'} or
// {error:'not_a_day'}.
export function parseDate(text) {
  const s = text.trim();
  let y, m, d, mm;
  if ((mm = ISO.exec(s))) { y = +mm[1]; m = +mm[2]; d = +mm[3]; }
  else if ((mm = DOTTED.exec(s))) { d = +mm[1]; m = +mm[2]; y = +mm[3]; }
  else return { error: 'format' };
  if (!validDay(y, m, d)) return { error: 'not_a_day' };
  return { iso: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

// An ISO date as the current language shows it ("" for null).
export function showDate(iso) {
  if (!iso) return '';
  const mm = ISO.exec(String(iso).slice(0, 10));
  if (!mm) return String(iso);
  if (state.lang === 'en') return `${+mm[3]} ${t('month.' + (+mm[2]))} ${mm[1]}`;
  return `${mm[3]}.${mm[2]}.${mm[1]}`;
}

// An ISO date in the form the current language types it.
export function inputDate(iso) {
  if (!iso) return '';
  if (state.lang === 'en') return iso;
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

// A timestamp ("2026-11-23T15:15:43Z") as a date and time in the language.
export function showDateTime(ts) {
  if (!ts) return '';
  const date = showDate(ts.slice(0, 10));
  const time = ts.length >= 16 ? ts.slice(11, 16) : '';
  return time ? `${date} ${time} UTC` : date;
}

// Today in Kazakhstan (UTC+5), ISO.
export function todayIso(offsetDays = 0) {
  const ms = Date.now() + 5 * 3600 * 1000 + offsetDays * 86400 * 1000;
  return new Date(ms).toISOString().slice(0, 10);
}
