// documents.test.js — the printed documents, black box against the running
// server ($QONAQ_URL, demo CA at $QONAQ_DEMO_CA): each PDF is fetched as a
// user would (the API route the portal links to), in kk, ru and en; its
// text is checked with pdftotext (the document's words in its language, the
// citizenship and the office translated, no English left in kk or ru), it is
// rendered to PNG with pdftoppm, its QR code decoded with zbarimg back to
// the verification link printed under it, and the server is then asked
// that link: the page is served, and GET /api/v1/verify/<number>?c= says
// genuine and valid. The language comes from ?lang=, else the portal's
// qonaq_lang cookie, else Accept-Language, else Kazakh.
//
// DOCS is a table, one row per printed document — how to fetch it and the
// words each language must show: the confirmation of a notification of
// arrival, the registration notice, the certificate of loss of a passport
// (a foreigner's lost_passport statement granted by an officer) and the
// exit visa (the same foreigner's exit_visa application on the new
// passport, citing that certificate, granted by the officer).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, SHOTS, isoDay, dotDate, call, token, opensslSign } from './lib.js';

const LANGS = ['kk', 'ru', 'en'];
const work = mkdtempSync(join(tmpdir(), 'qonaq-docs-'));
const ids = {};

// English words that must not appear on a kk or ru page.
const ENGLISH = [/Migration Service/, /Republic of Kazakhstan/, /Notification of arrival/, /Registration notice/,
  /Scan to verify/, /Date of birth/, /Citizenship/, /Germany/, /Italy/, /\bIIN\b/, /Issuing office/, /Full name/,
  /Certificate of loss/, /Lost passport/, /Period of validity/, /Exit visa/, /Passport or substitute/, /Visa validity/,
  /France/, /\bregion\b/, /Date of issue/];

const DOCS = [
  {
    name: 'notification confirmation',
    kind: 'arrival_notification',
    path: () => `/api/v1/notifications/${ids.notification}/confirmation.pdf`,
    user: 'host',
    holder: 'DOCTEST ANNA',
    until: () => isoDay(14),
    words: {
      kk: ['Келу туралы хабарлама', 'Германия', 'Көші-қон қызметі — Алматы қаласы', 'ЖСН 880315401237', 'Тексеру үшін сканерлеңіз', 'Қазақстан Республикасы'],
      ru: ['Уведомление о прибытии', 'Германия', 'Миграционная служба — город Алматы', 'ИИН 880315401237', 'Отсканируйте для проверки', 'Республика Казахстан'],
      en: ['Notification of arrival', 'Germany', 'Migration Service — Almaty city', 'IIN 880315401237', 'Scan to verify', 'Republic of Kazakhstan'],
    },
  },
  {
    name: 'registration notice',
    kind: 'registration_notice',
    path: () => `/api/v1/applications/${ids.application}/notice.pdf`,
    user: 'aigerim',
    holder: 'ROSSI PAOLA',
    until: () => isoDay(18),
    words: {
      kk: ['Тіркеу туралы хабарлама', 'Италия', 'Көші-қон қызметі — Алматы қаласы', 'ЖСН 880315401237'],
      ru: ['Уведомление о регистрации', 'Италия', 'Миграционная служба — город Алматы', 'ИИН 880315401237'],
      en: ['Registration notice', 'Italy', 'Migration Service — Almaty city', 'IIN 880315401237'],
    },
  },
  {
    // valid QN_LOSS_CERT_DAYS (30) days from the day of issue (reg_loss.c)
    name: 'certificate of loss of a passport',
    kind: 'lost_passport',
    path: () => `/api/v1/applications/${ids.loss}/document.pdf`,
    user: 'foreigner',
    holder: 'LOSTDOC CLAIRE',
    until: () => isoDay(29),
    words: {
      kk: ['Паспорттың жоғалғаны туралы анықтама', 'Франция', 'Көші-қон қызметі — Алматы қаласы', 'FRA LD0000001',
        'Жоғалған паспорт', `${dotDate(isoDay(0))} – ${dotDate(isoDay(29))}`, 'Тексеру үшін сканерлеңіз'],
      ru: ['Справка об утрате паспорта', 'Франция', 'Миграционная служба — город Алматы', 'FRA LD0000001',
        'Утраченный паспорт', `${dotDate(isoDay(0))} – ${dotDate(isoDay(29))}`, 'Отсканируйте для проверки'],
      en: ['Certificate of loss of passport', 'France', 'Migration Service — Almaty city', 'FRA LD0000001',
        'Lost passport', `${dotDate(isoDay(0))} – ${dotDate(isoDay(29))}`, 'Scan to verify'],
    },
  },
  {
    // on the new passport, from the day of issue for at most 30 days (reg_exit_visa.c)
    name: 'exit visa',
    kind: 'exit_visa',
    path: () => `/api/v1/applications/${ids.exitVisa}/document.pdf`,
    user: 'foreigner',
    holder: 'LOSTDOC CLAIRE',
    until: () => isoDay(29),
    words: {
      kk: ['Шығу визасы', 'Франция', 'Көші-қон қызметі — Алматы қаласы', 'FRA LD0000002',
        'Визаның қолданылу мерзімі', `${dotDate(isoDay(0))} – ${dotDate(isoDay(29))}`, 'Қазақстан Республикасынан шығуға'],
      ru: ['Выездная виза', 'Франция', 'Миграционная служба — город Алматы', 'FRA LD0000002',
        'Срок действия визы', `${dotDate(isoDay(0))} – ${dotDate(isoDay(29))}`, 'выезд из Республики Казахстан'],
      en: ['Exit visa', 'France', 'Migration Service — Almaty city', 'FRA LD0000002',
        'Visa validity', `${dotDate(isoDay(0))} – ${dotDate(isoDay(29))}`, 'permitted to leave'],
    },
  },
];

const tokens = {};
let unknown; // the answer for an unknown number, asked once

before(async () => {
  tokens.host = await token('host');
  const admin = await token('admin');
  // the applicant of portal.test.js, or made here when this file runs alone
  const made = await call(admin, 'POST', '/api/v1/admin/accounts',
    { username: 'aigerim', password: 'secret-pass-1', role: 'host-individual', iin_bin: '880315401237' });
  assert.ok(made.status === 201 || made.status === 409, JSON.stringify(made.data));
  tokens.aigerim = await token('aigerim', 'secret-pass-1');
  const n = await call(tokens.host, 'POST', '/api/v1/notifications', {
    foreigner: { surname: 'DOCTEST', given_names: 'ANNA', citizenship: 'DEU', birth_date: '1990-03-04', sex: 'F', document: { number: 'DT0000001', country: 'DEU', expires: '2033-01-01' } },
    entry: { date: isoDay(-1) }, arrival_date: isoDay(-1), address: { region: '75', text: 'Almaty, Abai Avenue 10, flat 5' },
    stay: { from: isoDay(-1), to: isoDay(14) }, purpose: 'tourism' });
  assert.equal(n.status, 201, JSON.stringify(n.data));
  ids.notification = n.data.id;
  // a stay of 20 days passes the automatic check at once: registered
  const doc = JSON.stringify({
    kind: 'foreigner_temporary', address_code: '0201100012345678', period: { from: isoDay(-1), to: isoDay(18) },
    foreigner: { surname: 'ROSSI', given_names: 'PAOLA', citizenship: 'ITA', birth_date: '1982-07-07', document: { number: 'IT5550001', country: 'ITA', expires: '2034-01-01' } },
    entry_date: isoDay(-2), migration_card: { number: 'MC5550001', border_mark: true }, documents: [] });
  const a = await call(tokens.aigerim, 'POST', '/api/v1/applications', { document: doc, signature: opensslSign('host', doc) });
  assert.equal(a.status, 201, JSON.stringify(a.data));
  assert.equal(a.data.state, 'registered');
  ids.application = a.data.id;

  // The certificate of loss and the exit visa: a foreigner (an account bound
  // to the demo CA's "officer" person, who signs as a foreigner here, as in
  // portal.test.js) whose arrival the host notified and whose entry the
  // border recorded; the demo officer of region 75 grants both.
  const made2 = await call(admin, 'POST', '/api/v1/admin/accounts',
    { username: 'docfx', password: 'secret-pass-1', role: 'foreigner', iin_bin: '850109305674' });
  assert.ok(made2.status === 201 || made2.status === 409, JSON.stringify(made2.data));
  tokens.foreigner = await token('docfx', 'secret-pass-1');
  const officer = await token('officer');
  const lost = { surname: 'LOSTDOC', given_names: 'CLAIRE', citizenship: 'FRA', birth_date: '1987-09-12' };
  const n2 = await call(tokens.host, 'POST', '/api/v1/notifications', {
    foreigner: { ...lost, sex: 'F', document: { number: 'LD0000001', country: 'FRA', expires: '2034-01-01' } },
    entry: { date: isoDay(-3) }, arrival_date: isoDay(-3), address: { region: '75', text: 'Almaty, Abai Avenue 10, flat 5' },
    stay: { from: isoDay(-3), to: isoDay(20) }, purpose: 'tourism' });
  assert.equal(n2.status, 201, JSON.stringify(n2.data));
  const x = await call(await token('border'), 'POST', '/api/v1/crossings', {
    citizenship: 'FRA', document_number: 'LD0000001', kind: 'entry', date: isoDay(-3), checkpoint: 'Almaty airport',
    region: '75', surname: 'LOSTDOC', given_names: 'CLAIRE', birth_date: '1987-09-12', sex: 'F', document_expires: '2034-01-01' });
  assert.equal(x.status, 201, JSON.stringify(x.data));
  const grant = async (id, body) => {
    const t = await call(officer, 'POST', `/api/v1/officer/applications/${id}/take`, {});
    assert.equal(t.status, 200, JSON.stringify(t.data));
    const g = await call(officer, 'POST', `/api/v1/officer/applications/${id}/grant`, body);
    assert.equal(g.status, 200, JSON.stringify(g.data));
    assert.equal(g.data.state, 'granted');
    return g.data;
  };
  // the statement of loss (seed 001): when, where, how; the stay at the address includes today
  const loss = JSON.stringify({
    kind: 'lost_passport', address_code: '0201100012345678', period: { from: isoDay(-3), to: isoDay(20) },
    foreigner: { ...lost, document: { number: 'LD0000001', country: 'FRA' } },
    lost_on: isoDay(-1), place: 'Almaty, Arbat street', circumstances: 'The bag with the passport was stolen in a cafe.' });
  const l = await call(tokens.foreigner, 'POST', '/api/v1/applications', { document: loss, signature: opensslSign('officer', loss) });
  assert.equal(l.status, 201, JSON.stringify(l.data));
  assert.equal(l.data.state, 'submitted');
  ids.loss = l.data.id;
  const cert = await grant(ids.loss, { identity_established: true }); // the officer established the identity
  assert.equal(cert.reasons.valid_until, isoDay(29));
  // the exit visa on the new passport from the consulate, citing the certificate
  const ev = JSON.stringify({
    kind: 'exit_visa', address_code: '0201100012345678', period: { from: isoDay(0), to: isoDay(60) },
    certificate: cert.number, new_passport: { number: 'LD0000002', country: 'FRA', issued: isoDay(0), expires: '2036-01-01' } });
  const e = await call(tokens.foreigner, 'POST', '/api/v1/applications', { document: ev, signature: opensslSign('officer', ev) });
  assert.equal(e.status, 201, JSON.stringify(e.data));
  ids.exitVisa = e.data.id;
  const visa = await grant(ids.exitVisa, {});
  assert.equal(visa.reasons.to, isoDay(29), 'at most 30 days from the day of issue');
});

function save(name, bytes) {
  const file = join(work, name);
  writeFileSync(file, bytes);
  return file;
}

function pdfText(file) { return execFileSync('pdftotext', ['-layout', file, '-'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString(); }

// Renders the page to PNG (kept as a screenshot) and decodes its QR code.
function qrOf(file, shotName) {
  const prefix = join(work, shotName);
  execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', file, prefix]);
  execFileSync('cp', [prefix + '.png', join(SHOTS, shotName + '.png')]);
  const out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', prefix + '.png'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return out.toString().trim();
}

for (const d of DOCS) {
  test(`${d.name}: text in kk, ru and en, the QR code decodes to the link the server confirms`, async () => {
    for (const l of LANGS) {
      const r = await call(tokens[d.user], 'GET', `${d.path()}?lang=${l}`);
      assert.equal(r.status, 200, `${l}: ${r.status}`);
      assert.equal(r.headers.get('content-type'), 'application/pdf');
      assert.match(r.headers.get('content-disposition') || '', /^inline; filename=".+\.pdf"$/);
      const file = save(`${d.kind}-${l}.pdf`, r.data);
      const text = pdfText(file);
      const flat = text.replace(/\s+/g, ' ');
      for (const w of d.words[l]) assert.ok(flat.includes(w), `${d.name} ${l}: "${w}" in\n${text}`);
      if (l !== 'en') for (const re of ENGLISH) assert.doesNotMatch(flat, re, `${d.name} ${l}: English left`);
      const link = qrOf(file, `pdf-${d.kind}-${l}`);
      const m = /^(https?:\/\/[^/]+)\/verify\/([A-Za-z0-9-]+)\?c=([A-Z2-7]{10})$/.exec(link);
      assert.ok(m, `${d.name} ${l}: QR holds a verification link: ${link}`);
      assert.equal(m[1], BASE, 'the link points at this server (--public-url defaults to the listen address)');
      assert.ok(text.replace(/\s+/g, '').includes(link), 'the same link is printed in text');
      assert.ok(text.includes(m[3]), 'the code is printed');
      // the server confirms it: the page, then the API the page calls
      const pageRes = await fetch(link);
      assert.equal(pageRes.status, 200);
      assert.match(pageRes.headers.get('content-type'), /^text\/html/);
      const v = await call(null, 'GET', `/api/v1/verify/${m[2]}?c=${m[3]}`);
      assert.equal(v.status, 200, JSON.stringify(v.data));
      assert.equal(v.data.genuine, true);
      assert.equal(v.data.valid, true);
      assert.equal(v.data.status, 'valid');
      assert.equal(v.data.kind, d.kind);
      assert.equal(v.data.number, m[2]);
      assert.equal(v.data.holder, d.holder);
      assert.equal(v.data.region, '75');
      assert.equal(v.data.valid_until, d.until(), 'the validity printed on the paper');
      assert.deepEqual(Object.keys(v.data).sort(),
        ['genuine', 'holder', 'issued', 'kind', 'number', 'region', 'status', 'valid', 'valid_from', 'valid_until'],
        'no birth date, document number, address or host');
      if (l !== 'kk') continue;
      // one changed character of the code: not genuine, the same answer as an
      // unknown number (once per document, the unknown number once per file:
      // failures are rate-limited per address, 10 in 10 minutes, and
      // portal.test.js spends some before this file runs)
      const other = m[3][0] === 'A' ? 'B' + m[3].slice(1) : 'A' + m[3].slice(1);
      const bad = await call(null, 'GET', `/api/v1/verify/${m[2]}?c=${other}`);
      unknown ??= await call(null, 'GET', `/api/v1/verify/N-1999-000001?c=${m[3]}`);
      assert.equal(bad.status, 404);
      assert.equal(bad.data.code, 'not_found.not_genuine');
      assert.equal(unknown.data.code, bad.data.code);
    }
  });
}

test('the language of a PDF: ?lang=, else the portal\'s cookie, else Accept-Language, else Kazakh', async () => {
  const path = `/api/v1/notifications/${ids.notification}/confirmation.pdf`;
  const title = async (headers) => {
    const r = await call(tokens.host, 'GET', path, undefined, headers);
    assert.equal(r.status, 200);
    return pdfText(save('lang.pdf', r.data));
  };
  assert.match(await title({}), /Келу туралы хабарлама/, 'no preference: Kazakh');
  assert.match(await title({ 'Accept-Language': 'de-DE, ru;q=0.8, en;q=0.5' }), /Уведомление о прибытии/);
  assert.match(await title({ 'Accept-Language': 'ru;q=0.3, en;q=0.9' }), /Notification of arrival/);
  assert.match(await title({ 'Accept-Language': 'ru', Cookie: 'qonaq_lang=en' }), /Notification of arrival/, 'the cookie wins');
  const q = await call(tokens.host, 'GET', `${path}?lang=ru`, undefined, { Cookie: 'qonaq_lang=en' });
  assert.match(pdfText(save('q.pdf', q.data)), /Уведомление о прибытии/, '?lang wins');
  const bad = await call(tokens.host, 'GET', `${path}?lang=de`);
  assert.equal(bad.status, 422);
  assert.ok(bad.data.errors.some((e) => e.field === 'lang'));
  // another host's notification is not printed for it
  const hotel = await call(await token('hotel'), 'GET', path);
  assert.equal(hotel.status, 404);
  assert.deepEqual(readdirSync(work).filter((f) => f.endsWith('.pdf')).length > 0, true);
});

test('cleanup', () => { rmSync(work, { recursive: true, force: true }); });
