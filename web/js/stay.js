// stay.js — the stay calculator: citizenship, trips and a count date go to
// GET /api/v1/stay (stateless); the answer is shown as facts and as a
// timeline of the 180-day window drawn as SVG by script (no inline markup,
// so the CSP holds), at the width of the page (readable on a phone).
import { t, parseDate, showDate, inputDate, todayIso, has } from './i18n.js';
import { api, fieldError, problemText } from './api.js';
import { h, field, setError, clear } from './dom.js';
import { s, responsive } from './charts.js';

const DAY = 86400000;

function dayNum(iso) { return Math.round(Date.parse(iso + 'T00:00:00Z') / DAY); }
function isoOf(n) { return new Date(n * DAY).toISOString().slice(0, 10); }

// The timeline: the window, the trips inside the shown range, the count
// date and the last lawful day. Drawn at the pixel width of its box (one
// SVG unit per CSS pixel, charts.js responsive), so the 13 px labels stay
// 13 px on a phone; the month ticks thin out when they would not fit.
function drawTimeline(ans, on, W) {
  const start = dayNum(ans.window_start);
  const onN = dayNum(on);
  const last = ans.last_lawful_day ? dayNum(ans.last_lawful_day) : onN;
  const end = Math.max(onN, last) + 5;
  const H = 150, L = 8, R = 8, top = 50, barH = 40;
  const x = (n) => L + ((n - start) / (end - start + 1)) * (W - L - R);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'chart', role: 'img', 'aria-labelledby': 'chart-title chart-desc', id: 'stay-chart' });
  svg.append(s('title', { id: 'chart-title' }, t('stay.chart')));
  svg.append(s('desc', { id: 'chart-desc' }, t('stay.window', { from: showDate(ans.window_start), to: showDate(on) })));
  svg.append(s('rect', { class: 'window', x: x(start), y: top, width: x(onN + 1) - x(start), height: barH }));
  for (const trip of ans.trips || []) {
    const a = Math.max(dayNum(trip.entry), start);
    const b = Math.min(trip.exit ? dayNum(trip.exit) : onN, onN);
    if (b < a) continue;
    const bar = s('rect', { class: 'trip-bar', x: x(a), y: top + 4, width: Math.max(2, x(b + 1) - x(a)), height: barH - 8 });
    bar.append(s('title', {}, `${showDate(trip.entry)} — ${trip.exit ? showDate(trip.exit) : ''}`));
    svg.append(bar);
  }
  svg.append(s('line', { class: 'axis', x1: L, x2: W - R, y1: top + barH + 6, y2: top + barH + 6 }));
  // month ticks: the 1st of each month in range; a label needs ~34 px
  const firsts = [];
  for (let n = start; n <= end; n++) if (isoOf(n).endsWith('-01')) firsts.push(n);
  const gap = firsts.length > 1 ? x(firsts[1]) - x(firsts[0]) : W;
  const every = Math.max(1, Math.ceil(34 / Math.max(1, gap)));
  firsts.forEach((n, i) => {
    const iso = isoOf(n);
    svg.append(s('line', { class: 'axis', x1: x(n), x2: x(n), y1: top + barH + 2, y2: top + barH + 10 }));
    if (i % every === 0 && x(n) + 30 < W) svg.append(s('text', { x: x(n) + 2, y: top + barH + 28, class: 'tick' }, t('month.' + (+iso.slice(5, 7)))));
  });
  svg.append(s('line', { class: 'today', x1: x(onN + 0.5), x2: x(onN + 0.5), y1: top - 6, y2: top + barH + 6 }));
  // a label right of its line in the left half, left of it in the right half
  const label = (n, y, text) => s('text', { x: x(n + 0.5) + (x(n) > W / 2 ? -4 : 4), y, 'text-anchor': x(n) > W / 2 ? 'end' : 'start', class: 'label' }, text);
  svg.append(label(onN, 18, `${t('stay.legend.today')}: ${showDate(on)}`));
  if (ans.last_lawful_day) {
    svg.append(s('line', { class: 'last', x1: x(last + 0.5), x2: x(last + 0.5), y1: top - 6, y2: top + barH + 6 }));
    svg.append(label(last, 38, `${t('stay.legend.last')}: ${showDate(ans.last_lawful_day)}`));
  }
  return svg;
}

function timeline(ans, on) {
  const box = h('div', { class: 'chart-box', id: 'stay-chart-box' });
  responsive(box, (W) => { box.textContent = ''; box.append(drawTimeline(ans, on, W)); });
  const legend = h('ul', { class: 'legend' },
    h('li', {}, h('span', { class: 'sw trip-bar' }), t('stay.legend.trip')),
    h('li', {}, h('span', { class: 'sw today' }), t('stay.legend.today')),
    h('li', {}, h('span', { class: 'sw last' }), t('stay.legend.last')));
  return [box, legend];
}

export async function stayView(ctx) {
  const { main } = ctx;
  const cit = h('input', { type: 'text', name: 'citizenship', maxlength: '3', autocomplete: 'off', autocapitalize: 'characters' });
  const on = h('input', { type: 'text', name: 'on', inputmode: 'numeric', placeholder: t('date.format') });
  on.value = inputDate(todayIso());
  const trips = h('div', { id: 'trips' });
  const result = h('div', { id: 'stay-result', role: 'status', 'aria-live': 'polite' });
  let count = 0;
  const renumber = () => {
    [...trips.children].forEach((row, i) => {
      row.querySelector('legend').textContent = t('stay.trip', { n: i + 1 });
      row.querySelector('button').setAttribute('aria-label', t('stay.remove', { n: i + 1 }));
    });
  };
  const addTrip = (entry = '', exit = '') => {
    count++;
    const a = h('input', { type: 'text', name: 'entry', inputmode: 'numeric', placeholder: t('date.format') });
    const b = h('input', { type: 'text', name: 'exit', inputmode: 'numeric', placeholder: t('date.format') });
    a.value = entry; b.value = exit;
    const remove = h('button', { type: 'button', class: 'secondary', text: '✕' });
    const row = h('fieldset', { class: 'trip-set' }, h('legend', {}),
      h('div', { class: 'trip' },
        field({ id: `trip${count}-entry`, label: t('stay.entry'), control: a, required: true }),
        field({ id: `trip${count}-exit`, label: t('stay.exit'), control: b }),
        remove));
    remove.addEventListener('click', () => { row.remove(); renumber(); });
    trips.append(row);
    renumber();
    return a;
  };
  addTrip();
  const form = h('form', { novalidate: true, id: 'stay-form' },
    h('div', { class: 'grid' },
      field({ id: 'stay-cit', label: t('stay.citizenship'), control: cit, required: true }),
      field({ id: 'stay-on', label: t('stay.on'), control: on, required: true, hint: t('date.hint', { format: t('date.format') }) })),
    trips,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'stay-add', i18n: 'stay.add', on: { click: () => addTrip().focus() } }),
      h('button', { type: 'submit', class: 'primary', i18n: 'stay.submit' })));
  main.append(h('h1', { i18n: 'stay.title' }), h('p', { i18n: 'stay.intro' }), form, result);
  cit.addEventListener('input', () => { cit.value = cit.value.toUpperCase(); });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(result);
    let first = null;
    const bad = (c, msg) => { setError(c, msg); if (msg && !first) first = c; };
    bad(cit, /^[A-Z]{3}$/.test(cit.value.trim()) ? '' : (cit.value.trim() ? t('err.country') : t('err.required')));
    const dateOf = (c, required) => {
      const v = c.value.trim();
      if (!v) { bad(c, required ? t('err.required') : ''); return ''; }
      const p = parseDate(v);
      bad(c, p.iso ? '' : (p.error === 'format' ? t('err.date', { format: t('date.format') }) : t('err.not_a_day')));
      return p.iso || '';
    };
    const onIso = dateOf(on, true);
    const list = [];
    for (const row of trips.children) {
      const [a, b] = row.querySelectorAll('input');
      const e = dateOf(a, true), x = dateOf(b, false);
      if (e && x && x < e) bad(b, t('err.before'));
      list.push(`${e}..${x}`);
    }
    if (first) { first.focus(); return; }
    const q = new URLSearchParams({ citizenship: cit.value.trim(), trips: list.join(','), on: onIso });
    const res = await api('GET', '/stay?' + q.toString());
    if (res.status === 401) { ctx.onUnauthorized(); return; }
    if (!res.ok) {
      result.append(h('p', { class: 'notice bad' }, problemText(res)));
      const errs = (res.data && res.data.errors) || [];
      if (errs.length) result.append(h('ul', {}, errs.map((e) => h('li', {}, fieldError(e, { format: t('date.format') })))));
      return;
    }
    const d = res.data;
    const regimeName = d.regime && d.regime.name;
    const regime = regimeName && has('regime.' + regimeName) ? t('regime.' + regimeName) : t('regime.other');
    const facts = [
      ['stay.regime', regime, 'regime'],
      ['stay.days_used', String(d.days_used), 'days-used'],
      ['stay.days_left', String(d.days_left), 'days-left'],
      ['stay.last_lawful_day', d.last_lawful_day ? showDate(d.last_lawful_day) : t('stay.none'), 'last-day'],
      ['stay.overstay', String(d.overstay_days || 0), 'overstay'],
      ['stay.permit', t(d.permit_required ? 'common.yes' : 'common.no'), 'permit'],
    ];
    if (d.permit_needed_from) facts.push(['stay.permit_from', showDate(d.permit_needed_from), 'permit-from']);
    result.append(h('dl', { class: 'facts', id: 'stay-facts' },
      facts.map(([k, v, id]) => [h('dt', { i18n: k }), h('dd', { id: 'fact-' + id }, v)])));
    result.append(...timeline(d, onIso));
  });
}
