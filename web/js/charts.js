// charts.js — bar charts drawn as SVG by script (no inline markup or style,
// so the CSP holds). Each chart is drawn at the pixel width of its box, one
// SVG unit to one CSS pixel, so its labels keep their size on a phone and on
// a desk; it is drawn again when its box's width changes. Every chart is
// an image with a title and a description for screen readers, followed by
// the same numbers as a table (in a <details>), so nothing is only visual.
import { t } from './i18n.js';
import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

export function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// Calls draw(width) when the box is laid out and whenever its width
// changes (a ResizeObserver; the width is clamped to 280..900 px).
export function responsive(box, draw) {
  let last = 0;
  const run = () => {
    const w = Math.round(box.clientWidth || 0);
    if (w > 0 && w !== last) { last = w; draw(Math.max(280, Math.min(w, 900))); }
  };
  new ResizeObserver(run).observe(box);
}

function legend(items) {
  return h('ul', { class: 'legend' }, items.map(([cls, key]) => h('li', {}, h('span', { class: 'sw ' + cls }), t(key))));
}

function dataTable(id, head, rows) {
  return h('details', { class: 'chart-data' }, h('summary', { i18n: 'chart.as_table' }),
    h('div', { class: 'table-wrap' }, h('table', { id: id + '-table' },
      h('thead', {}, h('tr', {}, head.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, String(c)))))))));
}

// Horizontal bars: rows [{label, total, late}] (late optional, drawn over
// the total in the "late" colour). Returns the figure element.
export function hbarChart({ id, title, rows, withLate = true }) {
  const box = h('div', { class: 'chart-box' });
  const figure = h('figure', { class: 'chart-figure', id },
    h('figcaption', { id: id + '-title' }, title), box,
    legend(withLate ? [['bar-total', 'chart.on_time'], ['bar-late', 'chart.late']] : [['bar-total', 'chart.count']]),
    dataTable(id, withLate ? ['chart.col.name', 'chart.col.total', 'chart.col.late'] : ['chart.col.name', 'chart.col.total'],
      rows.map((r) => (withLate ? [r.label, r.total, r.late || 0] : [r.label, r.total]))));
  if (!rows.length) { box.append(h('p', { i18n: 'chart.empty' })); return figure; }
  const draw = (W) => {
    box.textContent = '';
    const rowH = 30, top = 6, labelW = Math.min(200, Math.round(W * 0.42)), numW = 44;
    const H = top + rows.length * rowH + 4;
    const max = Math.max(1, ...rows.map((r) => r.total));
    const x0 = labelW + 8, span = W - x0 - numW;
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'chart', role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` });
    svg.append(s('desc', { id: `${id}-desc` }, rows.map((r) => `${r.label}: ${r.total}${withLate ? ` (${t('chart.late')}: ${r.late || 0})` : ''}`).join('; ')));
    rows.forEach((r, i) => {
      const y = top + i * rowH;
      // the label, cut to fit its column
      let label = r.label;
      const maxChars = Math.floor(labelW / 7.5);
      if (label.length > maxChars) label = label.slice(0, Math.max(1, maxChars - 1)) + '…';
      svg.append(s('text', { x: labelW, y: y + 19, 'text-anchor': 'end', class: 'label' }, label));
      const w = Math.max(r.total ? 2 : 0, (r.total / max) * span);
      svg.append(s('rect', { x: x0, y: y + 5, width: w, height: rowH - 10, class: 'bar-total' }));
      if (withLate && r.late) svg.append(s('rect', { x: x0, y: y + 5, width: Math.max(2, (r.late / max) * span), height: rowH - 10, class: 'bar-late' }));
      svg.append(s('text', { x: x0 + w + 6, y: y + 19, class: 'value' }, String(r.total)));
    });
    box.append(svg);
  };
  responsive(box, draw);
  return figure;
}

// Vertical bars per day: days [{date, label, total, late}].
export function dayChart({ id, title, days, tickLabel }) {
  const box = h('div', { class: 'chart-box' });
  const figure = h('figure', { class: 'chart-figure', id },
    h('figcaption', { id: id + '-title' }, title), box,
    legend([['bar-total', 'chart.on_time'], ['bar-late', 'chart.late']]),
    dataTable(id, ['chart.col.day', 'chart.col.total', 'chart.col.late'], days.map((d) => [d.label, d.total, d.late])));
  const draw = (W) => {
    box.textContent = '';
    const H = 200, L = 34, R = 8, top = 12, bottom = 44;
    const max = Math.max(1, ...days.map((d) => d.total));
    const n = Math.max(1, days.length);
    const step = (W - L - R) / n;
    const y = (v) => top + (H - top - bottom) * (1 - v / max);
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'chart', role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` });
    const total = days.reduce((a, d) => a + d.total, 0), late = days.reduce((a, d) => a + d.late, 0);
    svg.append(s('desc', { id: `${id}-desc` }, t('chart.days_desc', { total, late, from: days.length ? days[0].label : '', to: days.length ? days[n - 1].label : '' })));
    // the value axis: 0 and the maximum
    for (const v of [0, max]) {
      svg.append(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
      svg.append(s('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'value' }, String(v)));
    }
    days.forEach((d, i) => {
      const x = L + i * step + Math.max(1, step * 0.15), w = Math.max(1, step * 0.7);
      if (d.total) svg.append(s('rect', { x, y: y(d.total), width: w, height: y(0) - y(d.total), class: 'bar-total' }));
      if (d.late) svg.append(s('rect', { x, y: y(d.late), width: w, height: y(0) - y(d.late), class: 'bar-late' }));
    });
    // day ticks: as many as fit (a label is about 44 px wide)
    const every = Math.max(1, Math.ceil(44 / step));
    days.forEach((d, i) => {
      if (i % every !== 0) return;
      const x = L + i * step + step / 2;
      svg.append(s('text', { x, y: H - bottom + 18, 'text-anchor': 'middle', class: 'tick' }, tickLabel(d.date)));
    });
    box.append(svg);
  };
  responsive(box, draw);
  return figure;
}
