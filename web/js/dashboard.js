// dashboard.js — the analysts' dashboard: charts drawn as SVG (charts.js)
// from the API's aggregates only, no personal record —
//   notifications per day of arrival, on time and late  GET /stats/notifications/daily
//   by citizenship and by region, with the late ones     GET /stats/notifications
//   late notifications: the share and the count          (the same)
//   overstays (art. 517) by region                        GET /stats/violations
// over a period the analyst chooses (default: the last 30 days).
import { t, has, parseDate, showDate, inputDate, todayIso, currentLang } from './i18n.js';
import { api, problemText } from './api.js';
import { h, field, setError, clear } from './dom.js';
import { hbarChart, dayChart } from './charts.js';

// A day under a bar: "05.03" (kk, ru) or "5 Mar" (en).
function dayTick(iso) {
  return currentLang() === 'en' ? `${+iso.slice(8, 10)} ${t('month.' + (+iso.slice(5, 7)))}` : `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;
}

function regionName(code) { return has('region.' + code) ? t('region.' + code) : (code === 'unknown' ? t('chart.unknown') : code); }

export async function dashboardView(ctx) {
  const { main } = ctx;
  const from = h('input', { type: 'text', inputmode: 'numeric', placeholder: t('date.format') });
  const to = h('input', { type: 'text', inputmode: 'numeric', placeholder: t('date.format') });
  from.value = inputDate(todayIso(-29));
  to.value = inputDate(todayIso());
  const box = h('div', { id: 'dash-box', role: 'region', 'aria-live': 'polite', 'aria-labelledby': 'dash-title' });
  const form = h('form', { novalidate: true, id: 'dash-form' },
    h('div', { class: 'grid' },
      field({ id: 'dash-from', label: t('dash.from'), control: from, hint: t('date.hint', { format: t('date.format') }), required: true }),
      field({ id: 'dash-to', label: t('dash.to'), control: to, hint: t('date.hint', { format: t('date.format') }), required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', i18n: 'dash.show' })));
  main.append(h('h1', { i18n: 'dash.title', id: 'dash-title' }), h('p', { i18n: 'dash.intro' }), form, box);

  const load = async () => {
    const f = parseDate(from.value), e = parseDate(to.value);
    setError(from, f.iso ? '' : t('err.date', { format: t('date.format') }));
    setError(to, e.iso ? '' : t('err.date', { format: t('date.format') }));
    if (!f.iso || !e.iso) return;
    if (e.iso < f.iso) { setError(to, t('err.order_period')); return; }
    const q = `from=${f.iso}&to=${e.iso}`;
    const [daily, totals, viol] = await Promise.all([
      api('GET', '/stats/notifications/daily?' + q), api('GET', '/stats/notifications?' + q), api('GET', '/stats/violations')]);
    clear(box);
    if (daily.status === 401) { ctx.onUnauthorized(); return; }
    for (const r of [daily, totals, viol]) if (!r.ok) { box.append(h('p', { class: 'notice bad' }, problemText(r))); return; }
    const tt = totals.data;
    const share = tt.total ? Math.round((100 * tt.late) / tt.total) : 0;
    box.append(h('dl', { class: 'facts kpi', id: 'dash-kpi' },
      h('dt', { i18n: 'dash.total' }), h('dd', { id: 'kpi-total' }, String(tt.total)),
      h('dt', { i18n: 'dash.on_time' }), h('dd', { id: 'kpi-on-time' }, String(tt.on_time)),
      h('dt', { i18n: 'dash.late' }), h('dd', { id: 'kpi-late' }, t('dash.late_share', { n: tt.late, pct: share })),
      h('dt', { i18n: 'dash.overstays' }), h('dd', { id: 'kpi-overstays' }, String((viol.data.by_article || {})['517'] || 0))));
    if (tt.truncated || daily.data.truncated) box.append(h('p', { class: 'notice', i18n: 'dash.truncated' }));
    const days = daily.data.days.map((d) => ({ date: d.date, label: showDate(d.date), total: d.total, late: d.late }));
    box.append(dayChart({ id: 'chart-days', title: t('dash.per_day'), days, tickLabel: dayTick }));
    const cit = [...tt.by_citizenship].sort((a, b) => b.total - a.total).slice(0, 12)
      .map((g) => ({ label: g.key, total: g.total, late: g.late }));
    box.append(hbarChart({ id: 'chart-citizenship', title: t('dash.by_citizenship'), rows: cit }));
    const reg = [...tt.by_region].sort((a, b) => b.total - a.total).map((g) => ({ label: regionName(g.key), total: g.total, late: g.late }));
    box.append(hbarChart({ id: 'chart-region', title: t('dash.by_region'), rows: reg }));
    box.append(hbarChart({
      id: 'chart-late', title: t('dash.late_title'), withLate: false,
      rows: [{ label: t('dash.on_time'), total: tt.on_time }, { label: t('dash.late'), total: tt.late }],
    }));
    const over = {};
    for (const r of viol.data.rows || []) if (r.article === '517') over[r.region || 'unknown'] = (over[r.region || 'unknown'] || 0) + r.count;
    const overRows = Object.entries(over).sort((a, b) => b[1] - a[1]).map(([k, n]) => ({ label: regionName(k), total: n }));
    box.append(hbarChart({ id: 'chart-overstay', title: t('dash.overstay_title'), rows: overRows, withLate: false }));
    box.append(h('p', { class: 'hint' }, t('dash.period', { from: showDate(f.iso), to: showDate(e.iso) })));
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  await load();
}
