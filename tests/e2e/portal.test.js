// portal.test.js — the web portal in a real browser (Debian's chromium via
// playwright-core) against a running `qonaq serve --demo` at $QONAQ_URL.
// The tests run in order in one browser profile: a host signs in, notifies a
// guest (a client-side date error, then an API field error, then success),
// uploads a CSV with one bad row, finds the notification in the list and
// the History of Services; the stay calculator gives a known last lawful
// day; every page in kk, ru and en has no untranslated text. Screenshots go
// to screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { chromium } from 'playwright-core';

const BASE = process.env.QONAQ_URL;
const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(HERE, 'screenshots');
const LANGS = ['kk', 'ru', 'en'];

let ctx, page, profile;
const problems = []; // console errors, CSP violations, page errors
const dict = {};

function isoDay(offset) {
  const d = new Date(Date.now() + 5 * 3600 * 1000 + offset * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const enDate = (iso) => `${+iso.slice(8, 10)} ${MONTHS[+iso.slice(5, 7) - 1]} ${iso.slice(0, 4)}`;
const dotDate = (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

// The status of a request whose path is sent byte for byte.
function rawStatus(path, method = 'GET') {
  const u = new URL(BASE);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
    req.end();
  });
}

async function shot(name) {
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
}

// The portal marks <body data-view="route.lang"> once a view is drawn.
async function setLang(lang) {
  await page.selectOption('#lang', lang);
  await page.waitForFunction((l) => document.documentElement.lang === l && (document.body.dataset.view || '').endsWith('.' + l), lang);
}

async function goto(route) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  await page.evaluate((r) => { location.hash = '#/' + r; }, route);
  await page.waitForSelector(`body[data-view="${route}.${lang}"]`);
}

before(async () => {
  assert.ok(BASE, 'QONAQ_URL must be set (run test_e2e.sh)');
  mkdirSync(SHOTS, { recursive: true });
  for (const l of LANGS) {
    const r = await fetch(`${BASE}/portal/i18n/${l}.json`);
    assert.equal(r.status, 200, `${l}.json is served`);
    dict[l] = await r.json();
  }
  profile = mkdtempSync(join(tmpdir(), 'qonaq-chromium-'));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1024, height: 800 },
  });
  page = ctx.pages()[0] || await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
});

after(async () => {
  if (ctx) await ctx.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the server sends the portal with its security headers', async () => {
  const r = await fetch(BASE + '/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(r.headers.get('etag'));
  const js = await fetch(BASE + '/portal/js/app.js?v=1');
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  assert.match(js.headers.get('cache-control'), /max-age=31536000/);
  const again = await fetch(BASE + '/portal/js/app.js', { headers: { 'If-None-Match': js.headers.get('etag') } });
  assert.equal(again.status, 304);
  // sent as written (fetch would normalise the dots away)
  for (const bad of ['/portal/../Makefile', '/portal/js/../../Makefile', '/portal/%2e%2e/Makefile',
    '/portal/..%2fMakefile', '/portal/js/app.js%00.html', '/portal/.hidden', '/portal//etc/passwd',
    '/portal/js/', '/portal/nope.html', '/portal/js', '/portal/i18n/en.json.bak']) {
    assert.equal(await rawStatus(bad), 404, bad);
  }
  assert.equal(await rawStatus('/portal/js/app.js', 'POST'), 405);
  const api = await fetch(BASE + '/api/v1/ping');
  assert.equal(api.status, 200, 'the API is still served');
});

test('login page in every language, then a wrong password', async () => {
  await page.goto(BASE + '/');
  await page.waitForSelector('body[data-view^="login."]');
  for (const l of LANGS) {
    await setLang(l);
    assert.equal(await page.textContent('main h1'), dict[l]['login.title']);
    await shot(`login-${l}`);
  }
  await setLang('en');
  // keyboard: the skip link is first in the tab order and leads to the content
  // (and the language is remembered across a reload)
  await page.goto(BASE + '/');
  await page.waitForSelector('body[data-view="login.en"]');
  await page.focus('#lang');
  await page.keyboard.press('Shift+Tab'); // the skip link comes before everything
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(ring, 'solid', 'the focus is visible');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await page.fill('#login-user', 'host');
  await page.fill('#login-pass', 'wrong-password');
  await page.click('#login-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('login-msg').textContent !== '');
  assert.equal(await page.textContent('#login-msg'), 'Wrong user name or password.');
  assert.equal(await page.evaluate(() => localStorage.getItem('qonaq.lang')), 'en');
});

test('a host signs in and sees the services of the role', async () => {
  await page.fill('#login-user', 'host');
  await page.fill('#login-pass', 'demo');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('body[data-view="home.en"]');
  assert.equal(await page.textContent('#whoami'), 'Signed in as host (host (individual)).');
  const links = await page.$$eval('nav a', (as) => as.map((a) => a.textContent));
  assert.deepEqual(links, ['Home', 'Notify an arrival', 'Upload CSV', 'Notifications', 'History of Services', 'Stay calculator']);
  await shot('home-en');
});

let number = '', deadlineIso = '';

test('notify a guest: client check, API field error, then success with the deadline', async () => {
  await goto('notify');
  const arrival = isoDay(-1);
  const values = {
    'foreigner.surname': 'MUELLER', 'foreigner.given_names': 'HANS', 'foreigner.citizenship': 'deu',
    'foreigner.birth_date': '1985-02-30', 'foreigner.document.number': 'C01X00T47',
    'foreigner.document.country': 'DEU', 'foreigner.document.expires': '2031-05-01',
    'entry.date': isoDay(-2), 'address.text': 'Almaty, Abai Avenue 10, flat 5',
    'arrival_date': isoDay(3), 'stay.from': isoDay(3), 'stay.to': isoDay(20),
  };
  for (const [name, v] of Object.entries(values)) await page.fill(`[name="${name}"]`, v);
  await page.selectOption('[name="foreigner.sex"]', 'M');
  await page.selectOption('[name="address.region"]', '75');
  await page.selectOption('[name="purpose"]', 'tourism');
  // typed lower case, shown upper case
  assert.equal(await page.inputValue('[name="foreigner.citizenship"]'), 'DEU');
  // a change of language keeps what was typed
  await setLang('kk');
  assert.equal(await page.textContent('main h1'), dict.kk['notify.title']);
  assert.equal(await page.inputValue('[name="foreigner.surname"]'), 'MUELLER');
  assert.equal(await page.inputValue('[name="address.region"]'), '75');
  await setLang('en');
  // 1) the client's check as you type: 30 February does not exist
  await page.focus('[name="foreigner.birth_date"]');
  await page.keyboard.press('Tab');
  assert.equal(await page.textContent('#f-foreigner-birth_date-err'), 'There is no such day in the calendar.');
  assert.equal(await page.getAttribute('[name="foreigner.birth_date"]', 'aria-invalid'), 'true');
  await page.fill('[name="foreigner.birth_date"]', '1985-02-28');
  assert.equal(await page.textContent('#f-foreigner-birth_date-err'), '');
  // 2) the API's error: an arrival in the future, shown next to its field
  await page.click('#notify-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('f-arrival_date-err').textContent !== '');
  assert.equal(await page.textContent('#f-arrival_date-err'), 'This date is in the future.');
  assert.match(await page.textContent('#notify-result'), /Please correct the marked fields/);
  await shot('notify-error-en');
  // 3) fixed: accepted, with the number and the deadline
  await page.fill('[name="arrival_date"]', arrival);
  await page.fill('[name="stay.from"]', arrival);
  await page.click('#notify-form button[type=submit]');
  await page.waitForSelector('#notify-number');
  const text = await page.textContent('#notify-number');
  const m = /^Notification (N-\d{4}-\d{6}) is recorded\. Deadline: (\d{1,2} [A-Z][a-z]{2} \d{4})\.$/.exec(text);
  assert.ok(m, `success message: ${text}`);
  number = m[1];
  assert.equal(await page.textContent('#f-arrival_date-err'), '');
  // the deadline shown is the API's, in the English format
  const api = await page.evaluate(async (n) => {
    const r = await fetch('/api/v1/notifications?per_page=100', { credentials: 'same-origin' });
    return (await r.json()).items.find((i) => i.number === n);
  }, number);
  assert.ok(api, 'the notification is on record');
  deadlineIso = api.deadline;
  assert.equal(m[2], enDate(deadlineIso));
  assert.match(await page.textContent('#notify-result'), /Sent on time\./);
  await shot('notify-ok-en');
});

test('upload a CSV with one bad row: the report names the line', async () => {
  await goto('batch');
  const head = 'foreigner.surname,foreigner.given_names,foreigner.citizenship,foreigner.birth_date,foreigner.sex,foreigner.document.number,foreigner.document.country,foreigner.document.expires,entry.date,arrival_date,address.region,address.text,stay.from,stay.to,purpose';
  const d = isoDay(-1), to = isoDay(10);
  const csv = [head,
    `ROSSI,"ANNA, MARIA",ITA,1990-01-02,F,YA1234567,ITA,2031-01-01,${d},${d},71,"Astana, Hotel Demo",${d},${to},tourism`,
    `BIANCHI,LUCA,ITA,1990-02-30,M,YA7654321,ITA,2031-01-01,${d},${d},71,"Astana, Hotel Demo",${d},${to},tourism`,
  ].join('\n') + '\n';
  // nothing chosen yet: the portal says so (in its language), and refuses to send
  assert.equal(await page.textContent('#batch-file-name'), 'No file chosen');
  await page.click('#batch-form button[type=submit]');
  assert.equal(await page.textContent('#batch-file-err'), 'Choose a file first.');
  await page.setInputFiles('#batch-file', { name: 'guests.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  assert.equal(await page.textContent('#batch-file-name'), 'guests.csv');
  await page.click('#batch-form button[type=submit]');
  await page.waitForSelector('#batch-summary');
  assert.equal(await page.textContent('#batch-summary'), 'Rows: 2; accepted: 1; rejected: 1.');
  const ok = await page.textContent('tr[data-line="2"]');
  assert.match(ok, /^2accepted/);
  assert.match(ok, /N-\d{4}-\d{6} — deadline \d{1,2} [A-Z][a-z]{2} \d{4}/);
  const bad = await page.textContent('tr[data-line="3"]');
  assert.match(bad, /^3rejected/);
  assert.match(bad, /foreigner\.birth_date: There is no such day in the calendar\./);
  await shot('batch-en');
});

test('the list shows the notification with its status and deadline', async () => {
  await goto('list');
  await page.waitForSelector('#list-table');
  const row = await page.$$eval('#list-table tbody tr', (trs, n) => {
    const tr = trs.find((r) => r.cells[0].textContent === n);
    return tr ? [...tr.cells].map((c) => c.textContent) : null;
  }, number);
  assert.ok(row, `${number} is in the list`);
  assert.deepEqual(row, [number, 'MUELLER HANS (DEU)', enDate(isoDay(-1)), enDate(deadlineIso), 'submitted', 'yes']);
  assert.equal(await page.$$eval('#list-table tbody tr', (t) => t.length), 2);
  await shot('list-en');
});

test('the History of Services has the notice', async () => {
  await goto('history');
  await page.waitForSelector('#history-table');
  const text = await page.textContent('#history-table');
  assert.ok(text.includes(`Notification of arrival ${number}: guest MUELLER, arrival ${enDate(isoDay(-1))}, deadline ${enDate(deadlineIso)}.`), text);
  await shot('history-en');
});

async function calculate(on = '2026-03-15') {
  await page.fill('[name="citizenship"]', 'USA');
  await page.fill('#stay-on', on);
  await page.fill('#trip1-entry', '2026-01-05');
  await page.fill('#trip1-exit', '2026-01-20');
  await page.click('#stay-add');
  await page.waitForSelector('#trip2-entry');
  await page.fill('#trip2-entry', '2026-03-01');
  await page.click('#stay-form button[type=submit]');
  await page.waitForSelector('#stay-chart');
}

test('the stay calculator gives the last lawful day and draws the window', async () => {
  await goto('stay');
  await calculate();
  // visa-free 30 days per entry: entered 1 March -> lawful through 30 March
  assert.equal(await page.textContent('#fact-last-day'), '30 Mar 2026');
  assert.equal(await page.textContent('#fact-days-used'), '31');
  assert.equal(await page.textContent('#fact-days-left'), '59');
  assert.equal(await page.textContent('#fact-permit'), 'no');
  assert.equal(await page.$$eval('#stay-chart rect.trip-bar', (r) => r.length), 2);
  assert.equal(await page.$$eval('#stay-chart line.last', (r) => r.length), 1);
  await shot('stay-en');
  await setLang('ru');
  await goto('home');
  await goto('stay');
  await calculate('15.03.2026'); // the Russian way of writing a date
  assert.equal(await page.textContent('#fact-last-day'), '30.03.2026');
  assert.equal(await page.textContent('#fact-permit'), 'нет');
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 360, `no horizontal scroll at 360 px (width ${overflow})`);
  await shot('stay-ru-phone');
  await page.setViewportSize({ width: 1024, height: 800 });
});

// Texts a page shows (leaf elements, options and aria labels).
async function pageTexts() {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('svg') && el.tagName !== 'text') continue;
      if (['SCRIPT', 'STYLE'].includes(el.tagName)) continue;
      const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join(' ').trim();
      if (own) out.push(own);
      const aria = el.getAttribute('aria-label');
      if (aria) out.push(aria);
    }
    return out;
  });
}

test('the kk and ru tables translate every English key', () => {
  for (const l of ['kk', 'ru']) {
    assert.deepEqual(Object.keys(dict[l]).sort(), Object.keys(dict.en).sort(), `${l}: same keys as en`);
    const same = Object.keys(dict.en).filter((k) => dict[l][k] === dict.en[k]);
    assert.deepEqual(same, [], `${l}: entries left in English`);
  }
});

test('every page in kk, ru and en has no untranslated text', async () => {
  const enValues = new Set(Object.values(dict.en).filter((v) => v.length > 3 && !/^[\d\W]+$/.test(v)));
  const keys = Object.keys(dict.en);
  for (const l of LANGS) {
    await setLang(l);
    for (const r of ['home', 'notify', 'batch', 'list', 'history', 'stay']) {
      await goto(r);
      if (r === 'stay') await calculate();
      if (r === 'list') await page.waitForSelector('#list-table');
      if (r === 'history') await page.waitForSelector('#history-table');
      assert.equal(await page.evaluate(() => document.documentElement.lang), l);
      const marked = await page.$$eval('[data-i18n]', (els) => els.map((e) => [e.dataset.i18n, e.textContent]));
      for (const [k, text] of marked) {
        assert.ok(Object.hasOwn(dict[l], k), `${l}/${r}: no translation for ${k}`);
        assert.equal(text, dict[l][k], `${l}/${r}: ${k} shows its translation`);
      }
      // every control has a label (or an aria-label)
      const unlabelled = await page.$$eval('input, select, textarea, button', (els) => els
        .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
        .map((e) => e.outerHTML.slice(0, 80)));
      assert.deepEqual(unlabelled, [], `${l}/${r}: controls without a label`);
      const texts = await pageTexts();
      for (const s of texts) {
        assert.ok(!keys.includes(s), `${l}/${r}: raw key visible: ${s}`);
        if (l !== 'en' && enValues.has(s)) {
          assert.fail(`${l}/${r}: English text left: "${s}"`);
        }
      }
      if (l !== 'en' && r !== 'home') await shot(`${r}-${l}`);
    }
  }
  await setLang('en');
});

test('a foreigner signs out the host and sees only the services of the role', async () => {
  await page.click('nav button');
  await page.waitForSelector('body[data-view="login.en"]');
  // signed out: the API refuses the old session and the portal shows no service
  assert.deepEqual(await page.$$eval('nav a', (as) => as.map((a) => a.textContent)), ['Sign in']);
  await page.fill('#login-user', 'foreigner');
  await page.fill('#login-pass', 'demo');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('body[data-view="home.en"]');
  assert.equal(await page.textContent('#whoami'), 'Signed in as foreigner (foreigner).');
  assert.deepEqual(await page.$$eval('nav a', (as) => as.map((a) => a.textContent)), ['Home', 'History of Services', 'Stay calculator']);
  // a host's page is not offered: the route falls back to home
  await page.evaluate(() => { location.hash = '#/notify'; });
  await page.waitForFunction(() => location.hash === '#/home' && document.body.dataset.view === 'home.en');
  assert.equal(await page.$('#notify-form'), null);
  await goto('stay');
  await calculate();
  assert.equal(await page.textContent('#fact-last-day'), '30 Mar 2026');
  await shot('home-foreigner-en');
});

test('the browser reported no error (CSP violation, script error)', () => {
  // 401 (the first /me, a wrong password) and 422 (the notify test) are expected answers
  assert.deepEqual(problems.filter((p) => !/status of (401|422) /.test(p)), []);
});
