// app.js — the portal's entry: language choice, session, navigation by
// hash routes (#/login, #/home, #/<service>[/<id>]) and the login and home
// views; the public verification page answers at /verify/<number>?c=<code>
// (the QR code of a printed document) without a session. Each view is a
// function that fills <main>; a change of language draws the current view
// again. web/build.mjs bundles this module and everything it imports.
import { initialLang, setLang, currentLang, t, applyI18n } from './i18n.js';
import { api, problemText } from './api.js';
import { h, field, setError, clear } from './dom.js';
import { notifyView } from './notify.js';
import { batchView } from './batch.js';
import { listView, historyView } from './lists.js';
import { stayView } from './stay.js';
import { applyView, appsView } from './apply.js';
import { consentsView } from './consents.js';
import { queueView, caseView, violationsView } from './officer.js';
import { exitView } from './border.js';
import { dashboardView } from './dashboard.js';
import { verifyView } from './verify.js';

const HOST = ['notify', 'batch', 'list', 'history', 'stay'];
// The portal's services per role, in the menu's order.
const SERVICES = {
  'host-individual': ['notify', 'batch', 'list', 'apply', 'apps', 'consents', 'history', 'stay'],
  'host-legal-entity': HOST,
  hotel: HOST,
  citizen: ['apply', 'apps', 'consents', 'history', 'stay'],
  foreigner: ['history', 'stay'],
  officer: ['queue', 'violations', 'list', 'history', 'stay'],
  border: ['exit', 'history', 'stay'],
  analyst: ['dashboard', 'history', 'stay'],
  admin: ['history'],
};
// Pages reached from another page (not in the menu), and what they need.
const SUBPAGES = { case: 'queue' };
const VIEWS = {
  notify: notifyView, batch: batchView, list: listView, history: historyView, stay: stayView,
  apply: applyView, apps: appsView, consents: consentsView, queue: queueView, case: caseView,
  violations: violationsView, exit: exitView, dashboard: dashboardView,
};

const session = { user: null };

function isVerifyPage() { return location.pathname === '/verify' || location.pathname.startsWith('/verify/'); }

// The current route: {name, arg} from "#/name[/arg]".
function route() {
  if (isVerifyPage()) return { name: 'verify', arg: '' };
  const m = /^#\/([a-z]+)(?:\/([A-Za-z0-9-]+))?/.exec(location.hash || '');
  return m ? { name: m[1], arg: m[2] || '' } : { name: '', arg: '' };
}

function allowed(name) {
  const mine = session.user ? SERVICES[session.user.role] || [] : [];
  return mine.includes(name) || (SUBPAGES[name] && mine.includes(SUBPAGES[name]));
}

export function go(name) {
  if (isVerifyPage()) { location.assign('/#/' + name); return; }
  if (location.hash === '#/' + name) render();
  else location.hash = '#/' + name;
}

function drawNav() {
  const nav = document.getElementById('nav');
  clear(nav);
  const here = route().name;
  const current = here === 'case' ? 'queue' : here;
  const base = isVerifyPage() ? '/' : '';
  const link = (name) => h('a', { href: base + '#/' + name, i18n: 'nav.' + name, 'aria-current': current === name ? 'page' : null });
  if (!session.user) {
    nav.append(link('login'));
    if (!isVerifyPage()) nav.append(h('a', { href: '/verify', i18n: 'nav.verify' }));
    return;
  }
  nav.append(link('home'));
  for (const s of SERVICES[session.user.role] || []) nav.append(link(s));
  nav.append(h('button', { type: 'button', i18n: 'nav.logout', on: { click: logout } }));
}

async function logout() {
  await api('POST', '/auth/logout');
  session.user = null;
  go('login');
}

function loginView(main) {
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, maxlength: '128' });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: '128' });
  const msg = h('p', { class: 'notice bad', role: 'alert', id: 'login-msg' });
  const button = h('button', { type: 'submit', class: 'primary', i18n: 'login.submit' });
  const form = h('form', { novalidate: true, id: 'login-form', class: 'narrow' },
    field({ id: 'login-user', label: t('login.username'), control: user, required: true }),
    field({ id: 'login-pass', label: t('login.password'), control: pass, required: true }),
    msg,
    h('div', { class: 'actions' }, button),
    h('p', { class: 'hint', i18n: 'login.demo' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    let bad = false;
    for (const c of [user, pass]) {
      const empty = c.value.trim() === '';
      setError(c, empty ? t('err.required') : '');
      bad = bad || empty;
    }
    if (bad) return;
    button.disabled = true;
    const res = await api('POST', '/auth/login', { username: user.value.trim(), password: pass.value });
    button.disabled = false;
    if (!res.ok) {
      msg.textContent = res.status === 401 ? t('login.failed') : problemText(res);
      pass.focus();
      return;
    }
    const me = await api('GET', '/me');
    session.user = me.ok ? me.data : { username: user.value.trim(), role: res.data.role };
    go('home');
  });
  main.append(h('h1', { i18n: 'login.title' }), form,
    h('p', {}, h('a', { href: '/verify', i18n: 'login.verify' })));
}

function homeView(main) {
  const u = session.user;
  const services = SERVICES[u.role] || [];
  main.append(
    h('h1', { i18n: 'home.title' }),
    h('p', { id: 'whoami' }, t('home.signed_in', { user: u.username, role: t('role.' + u.role) })));
  if (services.length) {
    main.append(h('p', { i18n: 'home.available' }),
      h('ul', { class: 'services' }, services.map((s) => h('li', {},
        h('a', { href: '#/' + s, i18n: 'nav.' + s }), ' — ', h('span', { i18n: 'about.' + s })))));
  } else {
    main.append(h('p', { i18n: 'home.none' }));
  }
}

async function render() {
  const main = document.getElementById('main');
  let { name, arg } = route();
  if (name !== 'verify') {
    if (!session.user && name !== 'login') { location.replace('#/login'); name = 'login'; }
    if (session.user && (name === 'login' || name === '')) { location.replace('#/home'); name = 'home'; }
    if (session.user && name !== 'home' && !allowed(name)) { location.replace('#/home'); name = 'home'; }
  }
  delete document.body.dataset.view; // set again when the view is drawn (tests wait on it)
  drawNav();
  clear(main);
  const ctx = {
    main, user: session.user, arg,
    onUnauthorized: () => { session.user = null; go('login'); },
    go,
  };
  if (name === 'login') loginView(main);
  else if (name === 'home') homeView(main);
  else if (name === 'verify') await verifyView(ctx);
  else await VIEWS[name](ctx);
  applyI18n(document);
  const h1 = main.querySelector('h1');
  if (h1) h1.setAttribute('tabindex', '-1');
  document.body.dataset.view = `${name}.${currentLang()}`;
}

async function start() {
  const select = document.getElementById('lang');
  const lang = initialLang();
  await setLang(lang);
  select.value = currentLang();
  select.addEventListener('change', async () => {
    // what the user has typed survives the change of language
    const kept = [...document.querySelectorAll('main input[id], main select[id], main textarea[id]')]
      .filter((c) => c.type !== 'file' && c.type !== 'password')
      .map((c) => [c.id, c.value]);
    await setLang(select.value);
    await render();
    for (const [id, value] of kept) {
      const c = document.getElementById(id);
      if (c && c.type !== 'file') c.value = value;
    }
  });
  // the skip link moves the focus without touching the hash (the router's)
  document.querySelector('.skip').addEventListener('click', (ev) => {
    ev.preventDefault();
    document.getElementById('main').focus();
  });
  const me = await api('GET', '/me');
  session.user = me.ok ? me.data : null;
  window.addEventListener('hashchange', async () => {
    await render();
    const h1 = document.querySelector('main h1');
    if (h1) h1.focus();
  });
  await render();
}

start();
