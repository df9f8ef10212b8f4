// lib.js — what the browser tests share: the server's address, the API
// called directly (to prepare records the way another information system
// would), signing with openssl for those records, the browser, and the
// checks every page must pass (no untranslated text, labelled controls,
// contrast, phone width).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { chromium } from 'playwright-core';

export const BASE = process.env.QONAQ_URL;
export const DEMO_CA = process.env.QONAQ_DEMO_CA;
export const HERE = dirname(fileURLToPath(import.meta.url));
export const SHOTS = join(HERE, 'screenshots');
export const LANGS = ['kk', 'ru', 'en'];

export function isoDay(offset) {
  const d = new Date(Date.now() + 5 * 3600 * 1000 + offset * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const enDate = (iso) => `${+iso.slice(8, 10)} ${MONTHS[+iso.slice(5, 7) - 1]} ${iso.slice(0, 4)}`;
export const dotDate = (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

// The status of a request whose path is sent byte for byte.
export function rawStatus(path, method = 'GET') {
  const u = new URL(BASE);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
    req.end();
  });
}

// The API as another system calls it: bearer tokens, JSON.
export async function call(token, method, path, body, headers = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string') payload = body;
    else { payload = JSON.stringify(body); h['Content-Type'] = 'application/json'; }
  }
  const r = await fetch(BASE + path, { method, headers: h, body: payload });
  const type = r.headers.get('content-type') || '';
  const data = type.includes('json') ? await r.json() : Buffer.from(await r.arrayBuffer());
  return { status: r.status, data, headers: r.headers };
}

export async function token(username, password = 'demo') {
  const r = await call(null, 'POST', '/api/v1/auth/login', { username, password });
  assert.equal(r.status, 200, `login ${username}: ${JSON.stringify(r.data)}`);
  return r.data.token;
}

// A detached CMS over text with the demo CA's key of `slug` (openssl, the
// way docs/signatures.md shows), base64 of the DER.
export function opensslSign(slug, text) {
  const dir = mkdtempSync(join(tmpdir(), 'qonaq-sign-'));
  try {
    writeFileSync(join(dir, 'doc'), text);
    execFileSync('openssl', ['cms', '-sign', '-binary', '-in', join(dir, 'doc'), '-signer', join(DEMO_CA, `${slug}_sign.pem`),
      '-inkey', join(DEMO_CA, `${slug}_sign.key`), '-outform', 'DER', '-out', join(dir, 'sig')]);
    return readFileSync(join(dir, 'sig')).toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- browser

export const problems = []; // console errors, CSP violations, page errors
let ctx, profile;
export const B = { page: null };

export async function openBrowser() {
  assert.ok(BASE, 'QONAQ_URL must be set (run test_e2e.sh)');
  mkdirSync(SHOTS, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), 'qonaq-chromium-'));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1024, height: 800 },
  });
  B.page = ctx.pages()[0] || await ctx.newPage();
  B.page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  B.page.on('pageerror', (e) => problems.push(String(e)));
  return B.page;
}

export async function closeBrowser() {
  if (ctx) await ctx.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
}

export async function shot(name) {
  await B.page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
}

// The portal marks <body data-view="route.lang"> once a view is drawn.
export async function setLang(lang) {
  await B.page.selectOption('#lang', lang);
  await B.page.waitForFunction((l) => document.documentElement.lang === l && (document.body.dataset.view || '').endsWith('.' + l), lang);
}

export async function goto(route) {
  const page = B.page;
  const lang = await page.evaluate(() => document.documentElement.lang);
  const name = route.split('/')[0];
  await page.evaluate((r) => { location.hash = '#/' + r; }, route);
  await page.waitForSelector(`body[data-view="${name}.${lang}"]`);
}

export async function login(user, password = 'demo') {
  const page = B.page;
  const lang = await page.evaluate(() => document.documentElement.lang);
  if (await page.$('nav button')) {
    await page.click('nav button');
    await page.waitForSelector(`body[data-view="login.${lang}"]`);
  } else if (!(await page.$('#login-form'))) {
    await page.goto(BASE + '/#/login');
    await page.waitForSelector('body[data-view^="login."]');
  }
  await page.fill('#login-user', user);
  await page.fill('#login-pass', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('body[data-view^="home."]');
  if (lang !== 'en') await setLang('en'); // each step starts in English (a failed step may leave another)
}

// Texts a page shows (own text of each element, options, aria labels and
// placeholders).
export async function pageTexts() {
  return B.page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('svg') && !['text', 'title', 'desc'].includes(el.tagName)) continue;
      if (['SCRIPT', 'STYLE'].includes(el.tagName)) continue;
      if (el.closest('pre.exact')) continue; // the exact JSON text that is signed
      const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join(' ').trim();
      if (own) out.push(own);
      for (const a of ['aria-label', 'placeholder', 'title']) {
        const v = el.getAttribute(a);
        if (v) out.push(v);
      }
    }
    return out;
  });
}

// Words of an API answer that must never reach a kk or ru page: its
// English reasons, details and the API's own field paths.
export const API_ENGLISH = [
  /\bis required\b/, /\bis not a day\b/, /\bis in the future\b/, /\bis before\b/, /\bmust be\b/,
  /\bis not a known field\b/, /\bfailed validation\b/, /\bnotification of arrival received\b/i,
  /\b(foreigner|entry|address|stay|person|period)\.[a-z_.]+\b/, /\barrival_date\b/, /\bdocuments\[\d+\]/,
  /\bsigned by IIN\b/, /\bMigration Service\b/,
];

// Every page: translated (the tables' texts, no raw key, no English value in
// kk/ru, none of the API's English), every control labelled.
export async function checkTranslated(dict, l, where) {
  const page = B.page;
  assert.equal(await page.evaluate(() => document.documentElement.lang), l);
  const marked = await page.$$eval('[data-i18n]', (els) => els.map((e) => [e.dataset.i18n, e.textContent]));
  for (const [k, text] of marked) {
    assert.ok(Object.hasOwn(dict[l], k), `${l}/${where}: no translation for ${k}`);
    assert.equal(text, dict[l][k], `${l}/${where}: ${k} shows its translation`);
  }
  const unlabelled = await page.$$eval('input, select, textarea, button', (els) => els
    .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
    .map((e) => e.outerHTML.slice(0, 80)));
  assert.deepEqual(unlabelled, [], `${l}/${where}: controls without a label`);
  const keys = new Set(Object.keys(dict.en));
  const enValues = new Set(Object.values(dict.en).filter((v) => v.length > 3 && !/^[\d\W]+$/.test(v) && !/^\{\w+\}/.test(v)));
  for (const s of await pageTexts()) {
    assert.ok(!keys.has(s), `${l}/${where}: raw key visible: ${s}`);
    if (l === 'en') continue;
    assert.ok(!enValues.has(s), `${l}/${where}: English text left: "${s}"`);
    for (const re of API_ENGLISH) assert.ok(!re.test(s), `${l}/${where}: the API's English shown: "${s}"`);
  }
}

// WCAG 2.x contrast of the visible text of the page: every element with own
// text, its colour against the first opaque background up its ancestors.
export async function lowContrast(min = 4.5) {
  return B.page.evaluate((limit) => {
    const parse = (c) => { const m = c.match(/[\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
    const lum = ([r, g, b]) => {
      const ch = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
    };
    const bgOf = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c.length < 4 || c[3] > 0.5) return c;
      }
      return [255, 255, 255];
    };
    const bad = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('svg') || el.closest('[hidden]')) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const st = getComputedStyle(el);
      if (st.visibility === 'hidden' || st.display === 'none' || el.getClientRects().length === 0) continue;
      const r = el.getBoundingClientRect();
      if (r.right < 0 || r.bottom < 0) continue; // off screen (the skip link)
      const fg = parse(st.color), bg = bgOf(el);
      const alpha = fg.length > 3 ? fg[3] : 1;
      const mixed = fg.slice(0, 3).map((v, i) => v * alpha + bg[i] * (1 - alpha));
      const opacity = Number(st.opacity);
      const l1 = lum(mixed), l2 = lum(bg);
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      if (ratio < limit && opacity > 0.5) bad.push(`${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
    return bad;
  }, min);
}

// At 360 px: no horizontal scroll, buttons not wider than their text needs
// (no stretched buttons), chart text at least 11 px on screen.
export async function checkPhone(where) {
  const page = B.page;
  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForTimeout(120); // charts redraw at the new width (ResizeObserver)
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${where}: no horizontal scroll at 360 px (width ${width})`);
  const stretched = await page.$$eval('main button', (bs) => bs.filter((b) => {
    const r = b.getBoundingClientRect();
    if (!r.width) return false;
    const range = document.createRange();
    range.selectNodeContents(b);
    const textW = range.getBoundingClientRect().width;
    return r.width > textW + 80 && r.width > 200;
  }).map((b) => b.textContent));
  assert.deepEqual(stretched, [], `${where}: buttons stretched at 360 px`);
  const tiny = await page.$$eval('main svg text', (ts) => ts.map((t) => {
    const r = t.getBoundingClientRect();
    return r.height;
  }).filter((hgt) => hgt > 0 && hgt < 11));
  assert.deepEqual(tiny, [], `${where}: chart labels smaller than 11 px at 360 px`);
}

export async function desktop() {
  await B.page.setViewportSize({ width: 1024, height: 800 });
  await B.page.waitForTimeout(60);
}
