/** Space by registering RIR per day: stacked columns, one per day, one band per registry. */
import { h } from '../dom.js';
import { compact, rir as rirName } from '../format.js';
import { CHART_RIRS, rirColour } from '../palette.js';
import { svgEl, tip } from '../svg.js';
import { linear, niceMax, valueTicks } from './axis.js';
import { chartLegend } from './prefix-timeline.js';

export interface DayRow {
  day: string;
  rir: string;
  space: number;
}

const H = 260;
const M = { l: 70, r: 16, t: 28, b: 40 };

/** `id` names the chart (tests, links); `unit` labels the axis (addresses, /48s). */
export function stackedDays(id: string, title: string, rows: DayRow[], unit: string): HTMLElement {
  // Narrower on phones, so the text stays readable when the SVG is scaled to the screen.
  const W = window.matchMedia('(max-width: 600px)').matches ? 440 : 960;
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const rirs = CHART_RIRS.filter((r) => rows.some((row) => (row.rir || 'unknown') === r && Number(row.space) > 0));
  const value = new Map(rows.map((r) => [`${r.day}|${r.rir || 'unknown'}`, Number(r.space)]));
  const totals = days.map((d) => rirs.reduce((a, r) => a + (value.get(`${d}|${r}`) ?? 0), 0));
  const max = niceMax(Math.max(...totals, 1));
  const y = linear(0, max, H - M.b, M.t);
  const slot = (W - M.l - M.r) / Math.max(days.length, 1);
  const bar = Math.max(2, Math.min(48, slot * 0.7));
  const svg = svgEl('svg', { class: 'history-chart stacked-days', id, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  for (const tk of valueTicks(max)) {
    svg.append(svgEl('line', { x1: M.l, x2: W - M.r, y1: y(tk.v), y2: y(tk.v), class: tk.v === 0 ? 'axis' : 'grid' }), svgEl('text', { x: M.l - 6, y: y(tk.v) + 4, 'text-anchor': 'end', class: 'tick' }, tk.label));
  }
  svg.append(svgEl('text', { x: 4, y: 12, class: 'tick' }, unit));
  const every = Math.ceil(days.length / (W < 600 ? 3 : 8));
  days.forEach((d, i) => {
    const cx = M.l + slot * (i + 0.5);
    let base = 0;
    for (const r of rirs) {
      const v = value.get(`${d}|${r}`) ?? 0;
      if (v <= 0) continue;
      svg.append(
        svgEl('rect', { x: (cx - bar / 2).toFixed(1), y: y(base + v).toFixed(1), width: bar.toFixed(1), height: Math.max(0.5, y(base) - y(base + v)).toFixed(1), fill: rirColour(r), class: 'bar', 'data-rir': r, 'data-day': d, 'data-value': v }, tip(`${d} · ${r === 'unknown' ? 'registry unknown' : rirName(r)}: ${compact(v)} ${unit}`)),
      );
      base += v;
    }
    if (i % every === 0) svg.append(svgEl('text', { x: cx, y: H - M.b + 16, 'text-anchor': 'middle', class: 'tick' }, d));
  });
  return h('figure', { class: 'chart-wrap history' }, svg, chartLegend(rirs));
}
