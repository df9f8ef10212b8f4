// portal.test.js — the web portal in a real browser (Debian's chromium via
// playwright-core) against a running `qonaq serve --demo` at $QONAQ_URL,
// with the server's demo CA at $QONAQ_DEMO_CA. The tests run in order in
// one browser profile and build on each other:
//   a host signs in, notifies a guest (a client-side date error, the API's
//   error shown as the user types, the API's error on submit, success with
//   the confirmation PDF), uploads a CSV with one bad row, finds the
//   notification in the list and the History of Services; the stay
//   calculator; a citizen applies for temporary registration signing with a
//   PKCS#12 file in the browser; the owner signs the consent with the demo
//   CA's PKCS#12 file, the co-owner with a one-time code; an officer works
//   the queue (takes one case, registers one, refuses another with a reason)
//   and sees the region's violations; a border officer runs an exit check;
//   an analyst's dashboard draws its charts from the aggregates; anyone
//   checks a printed document on the public verification page; every page
//   in kk, ru and en shows no untranslated text (nor the API's English), has
//   labelled controls, AA contrast, and fits 360 px. Every step checks what
//   the page shows. Screenshots go to screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  BASE, DEMO_CA, LANGS, problems, isoDay, enDate, rawStatus, call, token, opensslSign, openBrowser,
  closeBrowser, shot, setLang, goto, login, checkTranslated, lowContrast, checkPhone, desktop,
} from './lib.js';

const dict = {};
let page;
const ADDR = '0201100012345678'; // demo address, Almaty city (region 75)
const APPLICANT_IIN = '880315401237'; // the demo CA's "host" person, SADYKOVA AIGERIM
const OWNER_IIN = '750702304560'; // BEKOV YERLAN, bound to the demo "citizen" account
const COOWNER_IIN = '791120407894'; // BEKOVA DANA
const FOREIGNER_IIN = '850109305674'; // the demo CA's "officer" person, signs as a foreigner here
const tokens = {};

before(async () => {
  assert.ok(DEMO_CA, 'QONAQ_DEMO_CA must name the server\'s demo CA folder (run test_e2e.sh)');
  // the tables are hashed assets; their names are in the app bundle or a chunk it imports
  const html = await (await fetch(BASE + '/')).text();
  const js = /src="(\/portal\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)[1];
  let code = await (await fetch(BASE + js)).text();
  for (const m of code.matchAll(/"\.\/(chunk-[A-Z0-9]+\.js)"/g)) code += await (await fetch(`${BASE}/portal/assets/${m[1]}`)).text();
  for (const l of LANGS) {
    const url = new RegExp(`/portal/assets/i18n-${l}-[0-9a-f]+\\.json`).exec(code)[0];
    const r = await fetch(BASE + url);
    assert.equal(r.status, 200, `${l} table is served`);
    assert.match(r.headers.get('cache-control'), /immutable/);
    dict[l] = await r.json();
  }
  page = await openBrowser();
  tokens.admin = await token('admin');
});

after(closeBrowser);

test('the server sends the built portal with its security headers and content-hashed assets', async () => {
  const r = await fetch(BASE + '/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self';/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('cache-control'), 'no-cache', 'the page is revalidated on every use');
  const html = await r.text();
  assert.doesNotMatch(html, /\?v=|\{\{/, 'no hand-written version, no template placeholder');
  const js = /src="(\/portal\/assets\/app-[A-Z0-9]+\.js)"/.exec(html);
  const css = /href="(\/portal\/assets\/portal-[A-Z0-9]+\.css)"/.exec(html);
  assert.ok(js && css, 'the page names hashed assets');
  const jr = await fetch(BASE + js[1]);
  assert.equal(jr.status, 200);
  assert.match(jr.headers.get('content-type'), /^text\/javascript/);
  assert.equal(jr.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const code = await jr.text();
  // chunks imported by the bundle are hashed assets too
  for (const m of code.matchAll(/"\.\/(chunk-[A-Z0-9]+\.js)"/g)) {
    const c = await fetch(`${BASE}/portal/assets/${m[1]}`);
    assert.equal(c.status, 200, m[1]);
    assert.match(c.headers.get('cache-control'), /immutable/);
    assert.doesNotMatch(await c.text(), /\beval\s*\(|new Function\s*\(/, `${m[1]} needs no eval`);
  }
  const again = await fetch(BASE + '/', { headers: { 'If-None-Match': r.headers.get('etag') } });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('cache-control'), 'no-cache');
  // the sources are not what is served
  assert.equal(await rawStatus('/portal/js/app.js'), 404);
  assert.equal(await rawStatus('/portal/build.mjs'), 404);
  assert.equal(await rawStatus('/portal/package.json'), 404);
  // the verification page is the portal's page
  assert.equal(await rawStatus('/verify'), 200);
  assert.equal(await rawStatus('/verify/N-2026-000001?c=ABCDEFGHIJ'), 200);
  for (const bad of ['/portal/../Makefile', '/portal/assets/../../Makefile', '/portal/%2e%2e/Makefile',
    '/portal/..%2fMakefile', '/portal/assets/x.js%00.html', '/portal/.hidden', '/portal//etc/passwd',
    '/portal/assets/', '/portal/nope.html', '/portal/assets', '/verify/../Makefile', '/verify/a/b',
    '/verify/%2e%2e']) {
    assert.equal(await rawStatus(bad), 404, bad);
  }
  assert.equal(await rawStatus('/', 'POST'), 405);
  const api = await fetch(BASE + '/api/v1/ping');
  assert.equal(api.status, 200, 'the API is still served');
});

test('the kk and ru tables translate every English key', () => {
  for (const l of ['kk', 'ru']) {
    assert.deepEqual(Object.keys(dict[l]).sort(), Object.keys(dict.en).sort(), `${l}: same keys as en`);
    const same = Object.keys(dict.en).filter((k) => dict[l][k] === dict.en[k]);
    assert.deepEqual(same, [], `${l}: entries left in English`);
  }
});

test('login page in every language, then a wrong password', async () => {
  await page.goto(BASE + '/');
  await page.waitForSelector('body[data-view^="login."]');
  for (const l of LANGS) {
    await setLang(l);
    assert.equal(await page.textContent('main h1'), dict[l]['login.title']);
    await checkTranslated(dict, l, 'login');
    assert.deepEqual(await lowContrast(4.5), [], 'login: text below 4.5:1 contrast');
    await shot(`login-${l}`);
  }
  await setLang('en');
  // keyboard: the skip link is first in the tab order and leads to the content
  // (and the language is remembered across a reload)
  await page.goto(BASE + '/');
  await page.waitForSelector('body[data-view="login.en"]');
  await page.focus('#lang');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'solid', 'the focus is visible');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await page.fill('#login-user', 'host');
  await page.fill('#login-pass', 'wrong-password');
  await page.click('#login-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('login-msg').textContent !== '');
  assert.equal(await page.textContent('#login-msg'), 'Wrong user name or password.');
  assert.equal(await page.evaluate(() => localStorage.getItem('qonaq.lang')), 'en');
  assert.match(await page.evaluate(() => document.cookie), /qonaq_lang=en/, 'the server is told the language (PDFs)');
});

test('a host signs in and sees the services of the role', async () => {
  await page.fill('#login-user', 'host');
  await page.fill('#login-pass', 'demo');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('body[data-view="home.en"]');
  assert.equal(await page.textContent('#whoami'), 'Signed in as host (host (individual)).');
  const links = await page.$$eval('nav a', (as) => as.map((a) => a.textContent));
  assert.deepEqual(links, ['Home', 'Notify an arrival', 'Upload CSV', 'Notifications', 'Apply for registration',
    'My applications', 'Consents to sign', 'History of Services', 'Stay calculator']);
  await shot('home-en');
});

let number = '', deadlineIso = '', notificationId = 0;

const GUEST = () => ({
  'foreigner.surname': 'MUELLER', 'foreigner.given_names': 'HANS', 'foreigner.citizenship': 'deu',
  'foreigner.birth_date': '1985-02-30', 'foreigner.document.number': 'C01X00T47',
  'foreigner.document.country': 'DEU', 'foreigner.document.expires': '2031-05-01',
  'entry.date': isoDay(-2), 'address.text': 'Almaty, Abai Avenue 10, flat 5',
  arrival_date: isoDay(3), 'stay.from': isoDay(3), 'stay.to': isoDay(20),
});
async function fillGuest(values) {
  for (const [name, v] of Object.entries(values)) await page.fill(`[name="${name}"]`, v);
  await page.selectOption('[name="foreigner.sex"]', 'M');
  await page.selectOption('[name="address.region"]', '75');
  await page.selectOption('[name="purpose"]', 'tourism');
}
async function hostCount() {
  const r = await page.evaluate(async () => (await (await fetch('/api/v1/notifications?per_page=1')).json()).total);
  return r;
}

test('notify a guest: client check, the API\'s error as you type, the API\'s error on submit, then success', async () => {
  await goto('notify');
  const before = await hostCount();
  await fillGuest(GUEST());
  // typed lower case, shown upper case
  assert.equal(await page.inputValue('[name="foreigner.citizenship"]'), 'DEU');
  // a change of language keeps what was typed
  await setLang('kk');
  assert.equal(await page.textContent('main h1'), dict.kk['notify.title']);
  assert.equal(await page.inputValue('[name="foreigner.surname"]'), 'MUELLER');
  assert.equal(await page.inputValue('[name="address.region"]'), '75');
  await setLang('en');
  // 1) the client's check: 30 February does not exist
  await page.focus('[name="foreigner.birth_date"]');
  await page.keyboard.press('Tab');
  assert.equal(await page.textContent('#f-foreigner-birth_date-err'), 'There is no such day in the calendar.');
  assert.equal(await page.getAttribute('[name="foreigner.birth_date"]', 'aria-invalid'), 'true');
  await page.fill('[name="foreigner.birth_date"]', '1985-02-28');
  assert.equal(await page.textContent('#f-foreigner-birth_date-err'), '');
  // 2) validate as you type with the API's rules: an arrival in the future
  // is the API's finding (the page has no such rule); it appears without a
  // submit, after the pause in typing, and nothing is recorded
  await page.focus('[name="arrival_date"]');
  await page.fill('[name="arrival_date"]', isoDay(2));
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.getElementById('f-arrival_date-err').textContent !== '');
  assert.equal(await page.textContent('#f-arrival_date-err'), 'This date is in the future.');
  assert.equal(await page.textContent('#notify-result'), '', 'not submitted');
  assert.equal(await hostCount(), before, 'validation records nothing');
  await shot('notify-live-en');
  // 3) the API's error on submit, next to its field
  await page.click('#notify-form button[type=submit]');
  await page.waitForFunction(() => /correct/.test(document.getElementById('notify-result').textContent));
  assert.equal(await page.textContent('#f-arrival_date-err'), 'This date is in the future.');
  await shot('notify-error-en');
  // 4) fixed: the live check says so, then accepted with number, deadline and the PDF
  const arrival = isoDay(-1);
  await page.fill('[name="arrival_date"]', arrival);
  await page.fill('[name="stay.from"]', arrival);
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => /deadline/.test(document.getElementById('notify-live').textContent));
  assert.equal(await page.textContent('#f-arrival_date-err'), '');
  await page.click('#notify-form button[type=submit]');
  await page.waitForSelector('#notify-number');
  const text = await page.textContent('#notify-number');
  const m = /^Notification (N-\d{4}-\d{6}) is recorded\. Deadline: (\d{1,2} [A-Z][a-z]{2} \d{4})\.$/.exec(text);
  assert.ok(m, `success message: ${text}`);
  number = m[1];
  const api = await page.evaluate(async (n) => {
    const r = await fetch('/api/v1/notifications?per_page=100', { credentials: 'same-origin' });
    return (await r.json()).items.find((i) => i.number === n);
  }, number);
  assert.ok(api, 'the notification is on record');
  deadlineIso = api.deadline;
  notificationId = api.id;
  assert.equal(m[2], enDate(deadlineIso));
  assert.match(await page.textContent('#notify-result'), /Sent on time\./);
  assert.equal(await page.getAttribute('#notify-pdf', 'href'), `/api/v1/notifications/${api.id}/confirmation.pdf?lang=en`);
  const pdf = await page.evaluate(async (u) => { const r = await fetch(u); return [r.status, r.headers.get('content-type')]; },
    await page.getAttribute('#notify-pdf', 'href'));
  assert.deepEqual(pdf, [200, 'application/pdf']);
  await shot('notify-ok-en');
});

function badCsv() {
  const head = 'foreigner.surname,foreigner.given_names,foreigner.citizenship,foreigner.birth_date,foreigner.sex,foreigner.document.number,foreigner.document.country,foreigner.document.expires,entry.date,arrival_date,address.region,address.text,stay.from,stay.to,purpose';
  const d = isoDay(-1), to = isoDay(10);
  return [head,
    `ROSSI,"ANNA, MARIA",ITA,1990-01-02,F,YA1234567,ITA,2031-01-01,${d},${d},71,"Astana, Hotel Demo",${d},${to},tourism`,
    `BIANCHI,LUCA,ITA,1990-02-30,M,YA7654321,ITA,2031-01-01,${d},${d},71,"Astana, Hotel Demo",${d},${to},tourism`,
  ].join('\n') + '\n';
}
async function uploadCsv() {
  await page.setInputFiles('#batch-file', { name: 'guests.csv', mimeType: 'text/csv', buffer: Buffer.from(badCsv()) });
  await page.click('#batch-form button[type=submit]');
  await page.waitForSelector('#batch-summary');
}

test('upload a CSV with one bad row: the report names the line and the field in words', async () => {
  await goto('batch');
  assert.equal(await page.textContent('#batch-file-name'), 'No file chosen');
  await page.click('#batch-form button[type=submit]');
  assert.equal(await page.textContent('#batch-file-err'), 'Choose a file first.');
  await page.setInputFiles('#batch-file', { name: 'guests.csv', mimeType: 'text/csv', buffer: Buffer.from(badCsv()) });
  assert.equal(await page.textContent('#batch-file-name'), 'guests.csv');
  await page.click('#batch-form button[type=submit]');
  await page.waitForSelector('#batch-summary');
  assert.equal(await page.textContent('#batch-summary'), 'Rows: 2; accepted: 1; rejected: 1.');
  const ok = await page.textContent('tr[data-line="2"]');
  assert.match(ok, /^2accepted/);
  assert.match(ok, /N-\d{4}-\d{6} — deadline \d{1,2} [A-Z][a-z]{2} \d{4}/);
  const bad = await page.textContent('tr[data-line="3"]');
  assert.match(bad, /^3rejected/);
  assert.match(bad, /Date of birth: There is no such day in the calendar\./, 'the API path foreigner.birth_date is named by its label');
  await shot('batch-en');
});

test('the list shows the notification with its status, deadline and confirmation', async () => {
  await goto('list');
  await page.waitForSelector('#list-table');
  const row = await page.$$eval('#list-table tbody tr', (trs, n) => {
    const tr = trs.find((r) => r.cells[0].textContent === n);
    return tr ? [...tr.cells].map((c) => c.textContent) : null;
  }, number);
  assert.ok(row, `${number} is in the list`);
  assert.deepEqual(row, [number, 'MUELLER HANS (DEU)', enDate(isoDay(-1)), enDate(deadlineIso), 'submitted', 'yes', 'PDF']);
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

test('the stay calculator gives the last lawful day and draws a timeline readable on a phone', async () => {
  await goto('stay');
  await calculate();
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
  await checkPhone('stay');
  // the timeline is redrawn at the phone's width: labels stay ~13 px
  const sizes = await page.$$eval('#stay-chart text', (ts) => ts.map((t) => t.getBoundingClientRect().height));
  assert.ok(sizes.length >= 3 && Math.min(...sizes) >= 12, `timeline label heights ${sizes}`);
  assert.match(await page.textContent('#stay-chart'), /30\.03\.2026/);
  await shot('stay-ru-phone');
  await desktop();
  await setLang('en');
});

// ----------------------------------------------------------- applications

let appNumber = '';

test('records prepared through the API: accounts, owners of the address, a phone', async () => {
  const a = tokens.admin;
  for (const [username, role, iin] of [['aigerim', 'host-individual', APPLICANT_IIN], ['bekova', 'citizen', COOWNER_IIN],
    ['ivanov', 'foreigner', FOREIGNER_IIN]]) {
    const r = await call(a, 'POST', '/api/v1/admin/accounts', { username, password: 'secret-pass-1', role, iin_bin: iin });
    assert.equal(r.status, 201, `${username}: ${JSON.stringify(r.data)}`);
  }
  let r = await call(a, 'POST', '/api/v1/admin/property', { rows: [{ code: ADDR, region: '75', text: 'Almaty, Abai Avenue 10, flat 5',
    owners: [{ iin: OWNER_IIN, share_num: 1, share_den: 2, role: 'owner' }, { iin: COOWNER_IIN, share_num: 1, share_den: 2, role: 'co_owner' }] }] });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  r = await call(a, 'POST', '/api/v1/admin/mobile-citizens', [{ iin: COOWNER_IIN, phone: '+77015550101' }]);
  assert.equal(r.status, 200, JSON.stringify(r.data));
});

test('a citizen applies for temporary registration, signing with a PKCS#12 file in the browser', async () => {
  await login('aigerim', 'secret-pass-1');
  await goto('apply');
  assert.equal(await page.inputValue('[name="person.iin"]'), APPLICANT_IIN, 'the IIN of the account');
  await page.fill('[name="address_code"]', ADDR);
  await page.fill('[name="period.from"]', isoDay(0));
  await page.fill('[name="period.to"]', isoDay(90));
  await page.fill('[name="person.surname"]', 'sadykova');
  await page.fill('[name="person.given_names"]', 'aigerim');
  await page.fill('[name="person.birth_date"]', '1988-03-15');
  await page.fill('[name="documents[].number"]', '045123456');
  // no key file yet: the page says so
  await page.click('#apply-sign-submit');
  assert.equal(await page.textContent('#apply-sign-file-err'), 'Choose your key file first.');
  await page.setInputFiles('#apply-sign-file', join(DEMO_CA, 'host_sign.p12'));
  assert.equal(await page.textContent('#apply-sign-file-name'), 'host_sign.p12');
  // a wrong password is found in the browser (the file is opened there)
  let requests = 0;
  const count = (req) => { if (req.url().includes('/api/v1/applications')) requests++; };
  page.on('request', count);
  await page.fill('#apply-sign-pass', 'not-the-password');
  await page.click('#apply-sign-submit');
  await page.waitForFunction(() => /Wrong password/.test(document.getElementById('apply-sign-status').textContent), null, { timeout: 30000 });
  assert.equal(requests, 0, 'nothing was sent');
  assert.equal(await page.inputValue('#apply-sign-pass'), '', 'the password is not kept');
  // the right password: signed in the page, sent with the exact text
  const sent = page.waitForRequest((req) => req.url().endsWith('/api/v1/applications') && req.method() === 'POST');
  await page.fill('#apply-sign-pass', 'demo');
  await page.click('#apply-sign-submit');
  const req = await sent;
  page.off('request', count);
  const body = JSON.parse(req.postData());
  assert.deepEqual(Object.keys(body).sort(), ['document', 'signature']);
  assert.doesNotMatch(req.postData(), /BEGIN|PRIVATE|demo/, 'no key, no password in the request');
  assert.equal(body.document, await page.textContent('#apply-exact'), 'the text shown is the text signed and sent');
  const doc = JSON.parse(body.document);
  assert.equal(doc.person.surname, 'SADYKOVA');
  // the signature is a detached CMS that openssl verifies over those bytes
  const dir = mkdtempSync(join(tmpdir(), 'qonaq-cms-'));
  writeFileSync(join(dir, 'doc'), body.document);
  writeFileSync(join(dir, 'sig'), Buffer.from(body.signature, 'base64'));
  execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig'), '-content', join(dir, 'doc'),
    '-CAfile', join(DEMO_CA, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null'], { stdio: 'pipe' });
  rmSync(dir, { recursive: true, force: true });
  await page.waitForSelector('#apply-number');
  const m = /^Application (A-\d{4}-\d{6}): awaiting the owners' consents\.$/.exec(await page.textContent('#apply-number'));
  assert.ok(m, await page.textContent('#apply-number'));
  appNumber = m[1];
  assert.match(await page.textContent('#apply-consents'), /^Consents awaited: 2\./);
  assert.equal(await page.textContent('#apply-sign-status'), 'The application signed by SADYKOVA AIGERIM (IIN 880315401237) was received.');
  await shot('apply-en');
});

test('the owner signs the consent with a PKCS#12 file from the demo CA (a wrong key first)', async () => {
  await login('citizen');
  await goto('consents');
  await page.waitForSelector('section.card');
  const card = await page.$('section.card');
  const cid = (await card.getAttribute('id')).replace('consent-', '');
  assert.equal(await page.textContent(`#consent-${cid}-title`), `Application ${appNumber}`);
  assert.match(await page.textContent(`#consent-${cid}`), /You consent asowner/);
  // the co-owner's key is someone else's: refused by the server, said in words
  await page.setInputFiles(`#sign-${cid}-file`, join(DEMO_CA, 'coowner_sign.p12'));
  await page.fill(`#sign-${cid}-pass`, 'demo');
  await page.click(`#sign-${cid}-submit`);
  await page.waitForFunction((id) => /not accepted/.test(document.getElementById(`sign-${id}-status`).textContent), cid, { timeout: 30000 });
  assert.equal(await page.textContent(`#sign-${cid}-status`),
    'The signature was not accepted: the key belongs to someone else.');
  await shot('consent-refused-key-en');
  // the signing key
  await page.setInputFiles(`#sign-${cid}-file`, join(DEMO_CA, 'owner_sign.p12'));
  await page.fill(`#sign-${cid}-pass`, 'demo');
  await page.click(`#sign-${cid}-submit`);
  await page.waitForFunction(() => document.getElementById('consents-done').textContent !== '', null, { timeout: 30000 });
  assert.equal(await page.textContent('#consents-done'), `Your consent to application ${appNumber} is signed.`);
  assert.equal(await page.textContent('#consents-empty'), 'No consent is waiting for you.');
  await shot('consents-en');
});

async function outboxCode(otpId) {
  const r = await call(tokens.admin, 'GET', '/api/v1/admin/outbox');
  for (const m of r.data.items) {
    if (m.text.includes(`(one-time code ${otpId})`)) return /code (\d{6}) /.exec(m.text)[1];
  }
  throw new Error('no SMS for one-time code ' + otpId);
}

test('the co-owner consents with a one-time code; the registration is then entered at once', async () => {
  await login('bekova', 'secret-pass-1');
  await goto('consents');
  await page.waitForSelector('section.card');
  const cid = (await page.getAttribute('section.card', 'id')).replace('consent-', '');
  assert.match(await page.textContent(`#consent-${cid}`), /You consent asco-owner/);
  const issued = page.waitForResponse((r) => r.url().endsWith('/api/v1/otp') && r.request().method() === 'POST');
  await page.click(`#otp-${cid}-ask`);
  const otp = await (await issued).json();
  await page.waitForFunction((id) => /sent to/.test(document.getElementById(`otp-${id}-status`).textContent), cid);
  assert.equal(await page.textContent(`#otp-${cid}-status`), `A code was sent to ${otp.phone}.`);
  assert.doesNotMatch(otp.phone, /5550101$/, 'the phone is masked');
  // a wrong code is refused in words
  const code = await outboxCode(otp.id);
  const wrong = code === '000000' ? '111111' : '000000';
  await page.fill(`#otp-${cid}-code`, wrong);
  await page.click(`#otp-${cid}-confirm`);
  await page.waitForFunction((id) => /wrong/.test(document.getElementById(`otp-${id}-status`).textContent), cid);
  assert.equal(await page.textContent(`#otp-${cid}-status`), 'The code is wrong.');
  await page.fill(`#otp-${cid}-code`, code);
  await page.click(`#otp-${cid}-confirm`);
  await page.waitForFunction(() => document.getElementById('consents-done').textContent !== '');
  assert.equal(await page.textContent('#consents-done'), `Your consent to application ${appNumber} is confirmed by the code.`);
  // the applicant sees the registration
  await login('aigerim', 'secret-pass-1');
  await goto('apps');
  await page.waitForSelector('#apps-table');
  const row = await page.$eval(`tr[data-number="${appNumber}"]`, (tr) => [...tr.cells].map((c) => c.textContent));
  assert.deepEqual(row.slice(0, 3), [appNumber, 'Temporary registration at a place of residence', 'registered']);
  assert.match(await page.textContent('#apps-registration'), new RegExp(`Registered at the address ${ADDR} from ${enDate(isoDay(0))} to ${enDate(isoDay(90))}`));
  await goto('history');
  await page.waitForSelector('#history-table');
  assert.match(await page.textContent('#history-table'), new RegExp(`Application ${appNumber} \\(Temporary registration at a place of residence\\): registered\\.`));
  await shot('apps-en');
});

// ---------------------------------------------------------------- officer

const cases = {};

function foreignerDoc(passport, surname) {
  return JSON.stringify({
    kind: 'foreigner_temporary', address_code: ADDR, period: { from: isoDay(-1), to: isoDay(198) },
    foreigner: { surname, given_names: 'JOHN', citizenship: 'GBR', birth_date: '1975-06-01', document: { number: passport, country: 'GBR', expires: '2036-01-01' } },
    entry_date: isoDay(-2), migration_card: { number: 'MC' + passport, border_mark: true },
    documents: ['address_sheets', 'statistical_coupon', 'photo'].map((type) => ({ type, form: 'original' })),
  });
}

test('cases reach the officer\'s queue (submitted through the API, signed with openssl)', async () => {
  const host = await token('aigerim', 'secret-pass-1');
  for (const [key, passport, surname] of [['register', 'GB1000001', 'SMITH'], ['refuse', 'GB1000002', 'JONES']]) {
    const doc = foreignerDoc(passport, surname);
    const r = await call(host, 'POST', '/api/v1/applications', { document: doc, signature: opensslSign('host', doc) });
    assert.equal(r.status, 201, JSON.stringify(r.data));
    assert.equal(r.data.state, 'in_review', 'a stay over 6 months goes to an officer');
    cases[key] = r.data;
  }
  const foreigner = await token('ivanov', 'secret-pass-1');
  const doc = JSON.stringify({ kind: 'permanent_resident', address_code: ADDR, period: { from: isoDay(0) },
    person: { surname: 'IVANOV', given_names: 'IVAN', citizenship: 'RUS', document: { number: 'RP777', country: 'KAZ' } }, documents: [] });
  const r = await call(foreigner, 'POST', '/api/v1/applications', { document: doc, signature: opensslSign('officer', doc) });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  assert.equal(r.data.state, 'submitted');
  cases.take = r.data;
  // a late notification makes an art. 518 case in the region
  const late = await call(await token('host'), 'POST', '/api/v1/notifications', {
    foreigner: { surname: 'LATE', given_names: 'LUCY', citizenship: 'FRA', birth_date: '1991-04-04', sex: 'F', document: { number: 'FR9990001', country: 'FRA', expires: '2032-01-01' } },
    entry: { date: isoDay(-12) }, arrival_date: isoDay(-12), address: { region: '75', text: 'Almaty, Abai Avenue 10' },
    stay: { from: isoDay(-12), to: isoDay(5) }, purpose: 'tourism' });
  assert.equal(late.status, 201);
  assert.equal(late.data.on_time, false);
  cases.lateNumber = late.data.number;
});

test('an officer: the queue, a case page with documents, checklist and signatures; take, register, refuse', async () => {
  await login('officer');
  await goto('queue');
  await page.waitForSelector('#queue-table');
  const numbers = await page.$$eval('#queue-table tbody tr', (trs) => trs.map((tr) => tr.dataset.number));
  for (const c of Object.values(cases).filter((x) => x.number)) assert.ok(numbers.includes(c.number), `${c.number} in the queue`);
  await shot('queue-en');
  // take the submitted case
  await page.click(`tr[data-number="${cases.take.number}"] a`);
  await page.waitForSelector('body[data-view="case.en"]');
  await page.waitForSelector('#case-take');
  assert.equal(await page.textContent('#case-state'), 'submitted');
  await page.click('#case-take');
  await page.waitForSelector('#case-done');
  assert.equal(await page.textContent('#case-done'), `Case ${cases.take.number} is yours now (with an officer).`);
  assert.equal(await page.textContent('#case-state'), 'with an officer');
  // register: the case page shows what the officer decides on
  await goto(`case/${cases.register.id}`);
  await page.waitForSelector('#case-signatures');
  assert.equal(await page.textContent('#case-number'), `${cases.register.number}: Registration of a foreigner temporarily staying`);
  const facts = await page.textContent('#case-document');
  assert.match(facts, /SurnameSMITH/);
  assert.match(facts, /Document numberGB1000001/);
  assert.match(facts, /Documentsaddress sheets of arrival \(two\); statistical coupon; photograph 3\.5×4\.5/);
  assert.match(await page.textContent('#case-checklist'), /identity document — present/);
  assert.equal(await page.textContent('#case-complete'), 'All required documents are present.');
  const sig = await page.$$eval('#case-signatures tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(sig.length, 1);
  assert.deepEqual([sig[0][0], sig[0][1], sig[0][2], sig[0][4]],
    ['application, applicant', `IIN ${APPLICANT_IIN}`, 'SADYKOVA AIGERIM (RSA-2048)', 'valid']);
  assert.match(await page.textContent('#case-history'), /sent to an officer \(the system\): automatic check → with an officer/);
  await shot('case-en');
  await page.click('#case-register');
  await page.waitForSelector('#case-done');
  assert.equal(await page.textContent('#case-done'), `Case ${cases.register.number}: registered.`);
  assert.equal(await page.textContent('#case-state'), 'registered');
  assert.match(await page.textContent('#case-decision'), new RegExp(`Registered from ${enDate(isoDay(-1))} to ${enDate(isoDay(198))}`));
  // refuse: a reason is required, then words of the officer's own
  await goto(`case/${cases.refuse.id}`);
  await page.waitForSelector('#case-refuse');
  await page.click('#case-refuse');
  assert.equal(await page.textContent('#case-refuse-err'), 'Choose the reason for the refusal.');
  await page.selectOption('#case-reason', 'other');
  await page.click('#case-refuse');
  assert.equal(await page.textContent('#case-refuse-err'), 'Explain the other reason.');
  await page.fill('#case-text', 'The address sheets are not signed by the host.');
  await page.click('#case-refuse');
  await page.waitForSelector('#case-done');
  assert.equal(await page.textContent('#case-done'), `Case ${cases.refuse.number}: refused.`);
  assert.equal(await page.textContent('#case-state'), 'refused');
  assert.match(await page.textContent('#case-decision'), /Reason: Other reason \(stated in the decision\)\./);
  const api = await call(await token('officer'), 'GET', `/api/v1/applications/${cases.refuse.id}`);
  assert.equal(api.data.state, 'refused');
  assert.equal(api.data.reasons.reason, 'other');
  assert.equal(api.data.reasons.text, 'The address sheets are not signed by the host.');
  // no decision is offered on a decided case
  assert.equal(await page.textContent('#case-decide p'), 'No decision is due in this state.');
});

test('the officer sees the region\'s violations', async () => {
  await goto('violations');
  await page.waitForSelector('#viol-table');
  const text = await page.textContent('#viol-table');
  assert.match(text, new RegExp(`late or missing notification \\(art\\. 518\\.1\\)open.*notification ${cases.lateNumber}; \\d+ days late`));
  await shot('violations-en');
});

test('the applicant\'s history tells the refusal in the page\'s language', async () => {
  await login('aigerim', 'secret-pass-1');
  for (const l of LANGS) {
    await setLang(l);
    await goto('history');
    await page.waitForSelector('#history-table');
    const text = await page.textContent('#history-table');
    const line = dict[l]['history.application'].replace('{number}', cases.refuse.number)
      .replace('{kind}', dict[l]['appkind.foreigner_temporary']).replace('{event}', dict[l]['notice.refused']);
    assert.ok(text.includes(line), `${l}: ${line} in ${text}`);
    if (l !== 'en') assert.doesNotMatch(text, /[A-Za-z]{4,} (received|refused|registered)/, `${l}: no English notice text`);
  }
  await setLang('en');
});

// ----------------------------------------------------------------- border

test('a border officer runs the exit check: one field, one answer', async () => {
  await login('border');
  await goto('exit');
  await page.fill('#exit-doc', 'xx');
  await page.click('#exit-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('exit-doc-err').textContent !== '');
  assert.equal(await page.textContent('#exit-doc-err'), 'Three letters of the country, then the number: DEU C01X00T47.');
  await page.fill('#exit-doc', 'deu c01x00t47');
  assert.equal(await page.inputValue('#exit-doc'), 'DEU C01X00T47');
  await page.click('#exit-form button[type=submit]');
  await page.waitForSelector('#exit-verdict');
  const api = await call(await token('border'), 'GET', '/api/v1/border/exit-check?citizenship=DEU&document_number=C01X00T47');
  assert.equal(api.status, 200);
  const word = { clear: 'MAY LEAVE', warn: 'CHECK FIRST', stop: 'STOP' }[api.data.verdict];
  assert.equal(await page.textContent('#exit-word'), word);
  assert.equal(await page.getAttribute('#exit-verdict', 'data-verdict'), api.data.verdict);
  assert.match(await page.textContent('#exit-person'), /^MUSTERMANN ERIKA, DEU, born 12 Aug 1984$/);
  // readable at a glance: the verdict is large
  const size = await page.$eval('#exit-word', (e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(size >= 28, `verdict font ${size}px`);
  await shot('exit-en');
  await page.fill('#exit-doc', 'FRA ZZ0000000');
  await page.click('#exit-form button[type=submit]');
  await page.waitForFunction(() => /Not on record/.test(document.getElementById('exit-result').textContent));
  await checkPhone('exit');
  await shot('exit-en-phone');
  await desktop();
});

// ---------------------------------------------------------------- analyst

test('an analyst\'s dashboard draws SVG charts from the aggregates', async () => {
  await login('analyst');
  await goto('dashboard');
  await page.waitForSelector('#chart-days svg');
  const q = `from=${isoDay(-29)}&to=${isoDay(0)}`;
  const an = await token('analyst');
  const totals = (await call(an, 'GET', '/api/v1/stats/notifications?' + q)).data;
  const daily = (await call(an, 'GET', '/api/v1/stats/notifications/daily?' + q)).data;
  assert.equal(await page.textContent('#kpi-total'), String(totals.total));
  assert.ok(totals.total >= 3 && totals.late >= 1);
  assert.equal(daily.total, totals.total, 'the days add up to the total');
  assert.equal(await page.textContent('#kpi-late'), `${totals.late} (${Math.round((100 * totals.late) / totals.total)}%)`, 'the late share');
  // one bar per day with notifications, late ones drawn over them
  const bars = await page.$$eval('#chart-days rect.bar-total', (r) => r.length);
  assert.equal(bars, daily.days.filter((d) => d.total > 0).length);
  assert.equal(await page.$$eval('#chart-days rect.bar-late', (r) => r.length), daily.days.filter((d) => d.late > 0).length);
  const regions = await page.$$eval('#chart-region svg text.label', (ts) => ts.map((t) => t.textContent));
  assert.ok(regions.includes('Almaty'), regions.join());
  const cits = await page.$$eval('#chart-citizenship svg text.label', (ts) => ts.map((t) => t.textContent));
  assert.ok(cits.includes('DEU') && cits.includes('ITA'), cits.join());
  // the same numbers as a table, for screen readers
  assert.equal(await page.$$eval('#chart-days-table tbody tr', (r) => r.length), 30);
  assert.ok(await page.$('#chart-overstay'));
  await shot('dashboard-en');
  await checkPhone('dashboard');
  await shot('dashboard-en-phone');
  await desktop();
});

// ----------------------------------------------------------- verification

let verifyUrl = '';

test('anyone checks a printed document on the public verification page', async () => {
  const pdf = await call(await token('host'), 'GET', `/api/v1/notifications/${notificationId}/confirmation.pdf?lang=en`);
  assert.equal(pdf.status, 200);
  const dir = mkdtempSync(join(tmpdir(), 'qonaq-pdf-'));
  writeFileSync(join(dir, 'c.pdf'), pdf.data);
  const text = execFileSync('pdftotext', [join(dir, 'c.pdf'), '-']).toString();
  rmSync(dir, { recursive: true, force: true });
  verifyUrl = /(http:\/\/\S+\/verify\/N-\d{4}-\d{6}\?c=[A-Z2-7]{10})/.exec(text)[1];
  assert.ok(verifyUrl.startsWith(BASE + '/verify/' + number), verifyUrl);
  await page.click('nav button'); // signed out: the page needs no account
  await page.waitForSelector('body[data-view^="login."]');
  await page.goto(verifyUrl);
  await page.waitForSelector('body[data-view="verify.en"]');
  assert.equal(await page.textContent('#verify-word'), 'GENUINE');
  assert.equal(await page.textContent('#verify-status'), 'The document is valid.');
  assert.equal(await page.textContent('#verify-kind'), 'Notification of arrival');
  assert.equal(await page.textContent('#verify-number'), number);
  assert.equal(await page.textContent('#verify-holder'), 'MUELLER HANS');
  assert.equal(await page.textContent('#verify-period'), `${enDate(isoDay(-1))} — ${enDate(isoDay(20))}`);
  const shown = await page.textContent('#verify-result');
  assert.doesNotMatch(shown, /C01X00T47|1985|Abai|880315401237/, 'no more personal data than needed');
  await shot('verify-en');
  // a wrong code: not confirmed, in words
  await page.goto(verifyUrl.replace(/c=[A-Z2-7]+/, 'c=AAAAAAAAAA'));
  await page.waitForSelector('body[data-view="verify.en"]');
  assert.equal(await page.textContent('#verify-word'), 'NOT CONFIRMED');
  // the form leads to the same page
  await page.fill('#verify-num', number.toLowerCase());
  await page.fill('#verify-code', new URL(verifyUrl).searchParams.get('c').toLowerCase());
  await page.click('#verify-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('verify-word') && /GENUINE/.test(document.getElementById('verify-word').textContent));
  assert.deepEqual(await lowContrast(4.5), [], 'verify: text below 4.5:1 contrast');
  await checkPhone('verify');
  await shot('verify-en-phone');
  await desktop();
  for (const l of ['kk', 'ru']) {
    await setLang(l);
    assert.equal(await page.textContent('#verify-word'), dict[l]['verify.genuine']);
    await checkTranslated(dict, l, 'verify');
    await shot(`verify-${l}`);
  }
  await setLang('en');
});

// ------------------------------------------------- every page, every language

async function notifyWithApiErrors() {
  await fillGuest({ ...GUEST(), 'foreigner.birth_date': '1985-02-28', arrival_date: isoDay(2), 'stay.from': isoDay(2) });
  await page.click('#notify-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('f-arrival_date-err').textContent !== '');
}

// Per account, the pages and what to do on each before checking it.
const TOUR = [
  ['host', 'demo', [['home'], ['notify', notifyWithApiErrors], ['batch', uploadCsv], ['list', () => page.waitForSelector('#list-table')],
    ['history', () => page.waitForSelector('#history-table')], ['stay', () => calculate()], ['consents']]],
  ['aigerim', 'secret-pass-1', [['apply'], ['apps', () => page.waitForSelector('#apps-table')], ['history', () => page.waitForSelector('#history-table')]]],
  ['officer', 'demo', [['queue', () => page.waitForSelector('#queue-table')], ['case', () => page.waitForSelector('#case-signatures')],
    ['violations', () => page.waitForSelector('#viol-table')]]],
  ['border', 'demo', [['exit', async () => { await page.fill('#exit-doc', 'DEU C01X00T47'); await page.click('#exit-form button[type=submit]'); await page.waitForSelector('#exit-facts'); }]]],
  ['analyst', 'demo', [['dashboard', () => page.waitForSelector('#chart-overstay svg, #chart-overstay p')]]],
];

test('every page in kk, ru and en has no untranslated text, AA contrast, and fits 360 px', async () => {
  for (const [user, password, pages] of TOUR) {
    await login(user, password);
    for (const [route, act] of pages) {
      const target = route === 'case' ? `case/${cases.refuse.id}` : route;
      for (const l of LANGS) {
        await setLang(l);
        await goto(target);
        if (act) await act();
        await checkTranslated(dict, l, `${user}/${route}`);
        if (l === 'kk') {
          const bad = await lowContrast(4.5);
          assert.deepEqual(bad, [], `${route}: text below 4.5:1 contrast`);
          await checkPhone(`${user}/${route}`);
          await shot(`${route}-kk-phone`);
          await desktop();
        }
        if (l !== 'en') await shot(`${route}-${l}`);
      }
    }
  }
  await setLang('en');
});

test('a foreigner sees only the services of the role', async () => {
  await login('foreigner');
  assert.equal(await page.textContent('#whoami'), 'Signed in as foreigner (foreigner).');
  assert.deepEqual(await page.$$eval('nav a', (as) => as.map((a) => a.textContent)), ['Home', 'History of Services', 'Stay calculator']);
  // another role's page is not offered: the route falls back to home
  await page.evaluate(() => { location.hash = '#/queue'; });
  await page.waitForFunction(() => location.hash === '#/home' && document.body.dataset.view === 'home.en');
  assert.equal(await page.$('#queue-table'), null);
  await shot('home-foreigner-en');
});

test('the browser reported no error (CSP violation, script error)', () => {
  // 401 (/me before login), 404 (a wrong verification code, an unknown passport),
  // 422 (API field errors) and 409 are expected answers, logged by the browser
  assert.deepEqual(problems.filter((p) => !/status of (401|404|409|422) /.test(p)), []);
});

