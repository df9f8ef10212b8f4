// lists.js — the notifications list (status, deadline, on time, the
// confirmation PDF; paged) and the History of Services (the notices the
// account received), every notice in the page's language: a notification's
// from its facts, an application's from its kind and text key
// ("citizen_temporary.registered" -> appkind.* and notice.*), never the
// English text the API keeps beside them.
import { t, showDate, showDateTime, has, currentLang } from './i18n.js';
import { api, problemText } from './api.js';
import { h, clear } from './dom.js';

const PER_PAGE = 20;

function statusText(s) { return has('status.' + s) ? t('status.' + s) : s; }

export async function listView(ctx) {
  const { main } = ctx;
  const box = h('div', { id: 'list-box' });
  main.append(h('h1', { i18n: 'list.title' }), box);
  const load = async (page) => {
    const res = await api('GET', `/notifications?page=${page}&per_page=${PER_PAGE}`);
    clear(box);
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    if (!res.ok) { box.append(h('p', { class: 'notice bad' }, problemText(res))); return; }
    const items = res.data.items || [];
    if (!items.length) { box.append(h('p', { i18n: 'list.empty' })); return; }
    const head = ['number', 'guest', 'arrival', 'deadline', 'status', 'on_time', 'document']
      .map((c) => h('th', { scope: 'col', i18n: 'list.col.' + c }));
    const rows = items.map((n) => {
      const f = n.foreigner || {};
      return h('tr', { 'data-id': String(n.id) },
        h('td', {}, n.number),
        h('td', {}, `${f.surname || ''} ${f.given_names || ''} (${f.citizenship || ''})`),
        h('td', {}, showDate(n.arrival_date)),
        h('td', {}, showDate(n.deadline)),
        h('td', {}, statusText(n.status)),
        h('td', { class: n.on_time ? 'ok' : 'late' }, t(n.on_time ? 'common.yes' : 'common.no')),
        h('td', {}, h('a', { href: `/api/v1/notifications/${n.id}/confirmation.pdf?lang=${currentLang()}`, class: 'pdf', i18n: 'list.pdf' })));
    });
    box.append(h('div', { class: 'table-wrap' }, h('table', { id: 'list-table' }, h('thead', {}, h('tr', {}, head)), h('tbody', {}, rows))),
      h('p', {}, t('list.total', { total: res.data.total })));
    const pages = Math.max(1, Math.ceil(res.data.total / PER_PAGE));
    const nav = h('div', { class: 'actions' });
    if (page > 1) nav.append(h('button', { type: 'button', class: 'secondary', i18n: 'list.prev', on: { click: () => load(page - 1) } }));
    if (page < pages) nav.append(h('button', { type: 'button', class: 'secondary', i18n: 'list.next', on: { click: () => load(page + 1) } }));
    box.append(nav);
  };
  await load(1);
}

// One notice of the History of Services as a sentence in the page's language.
export function noticeText(it) {
  const n = it.notice && typeof it.notice === 'object' ? it.notice : {};
  if (it.kind === 'notification') {
    return t('history.notification', { number: n.number || it.ref, guest: n.foreigner || '', arrival: showDate(n.arrival_date), deadline: showDate(n.deadline) });
  }
  if (it.kind.startsWith('application.')) {
    const [kind, what] = String(n.text_key || '').split('.');
    const title = has('appkind.' + (n.kind || kind)) ? t('appkind.' + (n.kind || kind)) : t('appkind.other');
    const event = has('notice.' + what) ? t('notice.' + what)
      : has('notice_kind.' + n.notice) ? t('notice_kind.' + n.notice) : t('notice_kind.other');
    let text = t('history.application', { number: n.application || it.ref, kind: title, event });
    const dec = n.decision;
    if (dec && typeof dec === 'object' && dec.reason && has('refusal.' + dec.reason)) text += ' ' + t('apps.reason', { reason: t('refusal.' + dec.reason) });
    return text;
  }
  return t('history.other', { ref: it.ref || '' });
}

export async function historyView(ctx) {
  const { main } = ctx;
  const box = h('div', { id: 'history-box' });
  main.append(h('h1', { i18n: 'history.title' }), box);
  const res = await api('GET', '/me/history');
  if (res.status === 401) { ctx.onUnauthorized(); return; }
  if (!res.ok) { box.append(h('p', { class: 'notice bad' }, problemText(res))); return; }
  const items = res.data.items || [];
  if (!items.length) { box.append(h('p', { i18n: 'history.empty' })); return; }
  const rows = items.map((it) => h('tr', {}, h('td', {}, showDateTime(it.created_at)), h('td', {}, noticeText(it))));
  box.append(h('div', { class: 'table-wrap' }, h('table', { id: 'history-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', i18n: 'history.col.date' }), h('th', { scope: 'col', i18n: 'history.col.notice' }))),
    h('tbody', {}, rows))));
}
