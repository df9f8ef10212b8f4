// build.mjs — builds the portal into the folder `qonaq serve` sends
// (node build.mjs OUT_DIR; run by scripts/web_build.sh from `make`).
//
// What it writes (OUT_DIR = build/web, or build/san/web for SAN=1):
//   index.html             the page, naming the hashed files below
//   assets/app-HASH.js     js/app.js and every module it imports, bundled by esbuild
//   assets/chunk-HASH.js   code split off (the signing library is loaded only
//                          when a page signs: dynamic import of js/sign.js)
//   assets/portal-HASH.css the style sheet
//   assets/i18n-LANG-HASH.json  the three translation tables
//   icon.svg, sample.csv   copied as they are
// Every asset's name carries a hash of its content, so the server can let
// browsers keep assets forever (immutable) and send index.html with
// no-cache: a deploy is one new index.html naming a consistent set of new
// files, never a mix. Assets of earlier builds are kept in assets/ (an open
// page may still ask for its lazily loaded chunk after a deploy).
//
// The build refuses (exit 1): translation tables whose key sets differ, an
// empty value, and any bundled script that uses eval or new Function (the
// server's Content-Security-Policy has no 'unsafe-eval').
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import {
  readFileSync, writeFileSync, mkdirSync, rmSync, renameSync, existsSync, readdirSync, copyFileSync,
} from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const LANGS = ['kk', 'ru', 'en'];

function fail(msg) {
  console.error(`web build: ${msg}`);
  process.exit(1);
}

const out = resolve(process.argv[2] || join(HERE, '..', 'build', 'web'));
const tmp = `${out}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(join(tmp, 'assets'), { recursive: true });

const hash = (buf) => createHash('sha256').update(buf).digest('hex').slice(0, 12);

// 1. The translation tables: same keys, no empty value, hashed names.
const tables = {};
for (const l of LANGS) {
  const text = readFileSync(join(HERE, 'i18n', `${l}.json`), 'utf8');
  try { tables[l] = JSON.parse(text); } catch (e) { fail(`i18n/${l}.json: ${e.message}`); }
}
const enKeys = Object.keys(tables.en).sort();
for (const l of LANGS) {
  const keys = Object.keys(tables[l]).sort();
  const missing = enKeys.filter((k) => !(k in tables[l]));
  const extra = keys.filter((k) => !(k in tables.en));
  if (missing.length || extra.length) fail(`i18n/${l}.json: missing ${missing.join(', ') || '-'}; extra ${extra.join(', ') || '-'}`);
  const empty = keys.filter((k) => typeof tables[l][k] !== 'string' || tables[l][k] === '');
  if (empty.length) fail(`i18n/${l}.json: empty values for ${empty.join(', ')}`);
}
const i18nUrls = {};
for (const l of LANGS) {
  const body = Buffer.from(JSON.stringify(tables[l]));
  const name = `i18n-${l}-${hash(body)}.json`;
  writeFileSync(join(tmp, 'assets', name), body);
  i18nUrls[l] = `/portal/assets/${name}`;
}

// 2. Scripts and the style sheet.
const result = await build({
  absWorkingDir: HERE,
  entryPoints: { app: 'js/app.js', portal: 'css/portal.css' },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  outdir: join(tmp, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  minify: true,
  legalComments: 'eof',
  metafile: true,
  define: { QONAQ_I18N_URLS: JSON.stringify(i18nUrls) },
  logLevel: 'warning',
}).catch((e) => fail(e.message));

let appJs = '', appCss = '';
for (const [file, info] of Object.entries(result.metafile.outputs)) {
  const rel = file.slice(file.lastIndexOf('/assets/') + 1);
  if (info.entryPoint === 'js/app.js') appJs = rel;
  if (info.entryPoint === 'css/portal.css' && rel.endsWith('.css')) appCss = rel;
  if (rel.endsWith('.js')) {
    const code = readFileSync(join(tmp, rel), 'utf8');
    if (/\beval\s*\(|\bnew\s+Function\s*\(|\bFunction\s*\(\s*["'`]/.test(code)) fail(`${rel} uses eval or new Function (the CSP forbids it)`);
  }
}
if (!appJs || !appCss) fail('esbuild did not report the app script and the style sheet');

// 3. The page and the plain files.
const page = readFileSync(join(HERE, 'index.html'), 'utf8')
  .replace('{{APP_CSS}}', `/portal/${appCss}`)
  .replace('{{APP_JS}}', `/portal/${appJs}`);
if (page.includes('{{')) fail('index.html has a placeholder left');
writeFileSync(join(tmp, 'index.html'), page);
for (const f of ['icon.svg', 'sample.csv']) copyFileSync(join(HERE, f), join(tmp, f));

// 4. Keep the assets of earlier builds, then put the new folder in place.
const oldAssets = join(out, 'assets');
if (existsSync(oldAssets)) {
  for (const f of readdirSync(oldAssets)) {
    if (!existsSync(join(tmp, 'assets', f))) copyFileSync(join(oldAssets, f), join(tmp, 'assets', f));
  }
}
const old = `${out}.old-${process.pid}`;
if (existsSync(out)) renameSync(out, old);
renameSync(tmp, out);
rmSync(old, { recursive: true, force: true });
console.log(`web build: ${out} (${appJs}, ${appCss})`);
