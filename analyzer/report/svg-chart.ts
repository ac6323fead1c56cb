/**
 * A hand-written line chart as inline SVG: one line per series over dates, y as a share (0..1),
 * axis ticks with dates and percentages, a legend and direct labels at each line's last point.
 * A series with one point (or a one-day chart) is drawn as points. Pure: data in, markup out.
 */
import { esc } from './escape.js';

export interface ChartPoint {
  /** YYYY-MM-DD. */
  date: string;
  /** 0..1, or null when there is no value that day (the line breaks). */
  value: number | null;
}

export interface ChartSeries {
  /** Stable id (written as data-series). */
  key: string;
  label: string;
  color: string;
  /** SVG stroke-dasharray, so lines stay apart in greyscale print. */
  dash?: string;
  points: ChartPoint[];
}

export interface LineChartInput {
  /** Element id prefix (unique in the document). */
  id: string;
  title: string;
  /** One sentence describing the chart, for screen readers. */
  description: string;
  series: ChartSeries[];
  width?: number;
  height?: number;
}

const DAY_MS = 86_400_000;
const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dayText = (day: number): string => new Date(Math.round(day) * DAY_MS).toISOString().slice(0, 10);
const r1 = (n: number): string => (Math.round(n * 10) / 10).toString();

const STEPS = [0.001, 0.002, 0.0025, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25];

/** The y axis: a top at a round step above the largest value, at most 6 intervals, 100% at most. */
export function shareTicks(max: number): { top: number; ticks: number[]; digits: number } {
  const target = Math.max(max, 0.0001);
  const step = STEPS.find((s) => Math.ceil(target / s - 1e-9) <= 5) ?? 0.2;
  const top = Math.min(1, Math.max(step, Math.ceil(target / step - 1e-9) * step));
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + 1e-9; i++) ticks.push(Number((i * step).toFixed(6)));
  const digits = step < 0.01 ? 1 : step === 0.025 ? 1 : 0;
  return { top, ticks, digits };
}

/** Date ticks: every day when there are few, else about six evenly spaced days. */
export function dateTicks(days: number[], min: number, max: number): number[] {
  if (days.length <= 6) return days;
  const n = 5;
  const out = new Set<number>();
  for (let i = 0; i <= n; i++) out.add(Math.round(min + ((max - min) * i) / n));
  return [...out];
}

export function lineChart(input: LineChartInput): string {
  const width = input.width ?? 900;
  const height = input.height ?? 320;
  const m = { left: 56, right: 132, top: 34, bottom: 44 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const days = [...new Set(input.series.flatMap((s) => s.points.map((p) => dayNumber(p.date))))].sort((a, b) => a - b);
  const values = input.series.flatMap((s) => s.points.map((p) => p.value)).filter((v): v is number => v !== null && Number.isFinite(v));
  const single = days.length <= 1;
  const dMin = single ? (days[0] ?? 0) - 1 : days[0];
  const dMax = single ? (days[0] ?? 0) + 1 : days[days.length - 1];
  const y = shareTicks(values.length ? Math.max(...values) : 0);
  const px = (day: number): number => m.left + ((day - dMin) / (dMax - dMin)) * plotW;
  const py = (v: number): number => m.top + plotH - (v / y.top) * plotH;
  const pct = (v: number): string => `${(100 * v).toFixed(y.digits)}%`;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${esc(input.id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${esc(input.id)}-title ${esc(input.id)}-desc">`,
    `<title id="${esc(input.id)}-title">${esc(input.title)}</title>`,
    `<desc id="${esc(input.id)}-desc">${esc(input.description)}</desc>`,
  );
  // Legend, above the plot.
  let lx = m.left;
  parts.push('<g class="legend">');
  for (const s of input.series) {
    parts.push(
      `<line x1="${lx}" y1="12" x2="${lx + 22}" y2="12" stroke="${esc(s.color)}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${esc(s.dash)}"` : ''}/>`,
      `<circle cx="${lx + 11}" cy="12" r="3" fill="${esc(s.color)}"/>`,
      `<text x="${lx + 28}" y="16">${esc(s.label)}</text>`,
    );
    lx += 36 + s.label.length * 7.5;
  }
  parts.push('</g>');
  // Grid and y axis.
  parts.push('<g class="axis y-axis">');
  for (const t of y.ticks) {
    const yy = r1(py(t));
    parts.push(`<line class="grid" x1="${m.left}" y1="${yy}" x2="${m.left + plotW}" y2="${yy}"/>`, `<text x="${m.left - 8}" y="${r1(py(t) + 4)}" text-anchor="end">${pct(t)}</text>`);
  }
  parts.push('</g>');
  // X axis with date ticks.
  parts.push('<g class="axis x-axis">', `<line class="baseline" x1="${m.left}" y1="${m.top + plotH}" x2="${m.left + plotW}" y2="${m.top + plotH}"/>`);
  const ticks = dateTicks(days, dMin, dMax);
  ticks.forEach((d, i) => {
    const xx = r1(px(d));
    const anchor = ticks.length > 1 && i === 0 && px(d) - m.left < 30 ? 'start' : ticks.length > 1 && i === ticks.length - 1 && m.left + plotW - px(d) < 30 ? 'end' : 'middle';
    parts.push(`<line class="tick" x1="${xx}" y1="${m.top + plotH}" x2="${xx}" y2="${m.top + plotH + 5}"/>`, `<text x="${xx}" y="${m.top + plotH + 20}" text-anchor="${anchor}">${dayText(d)}</text>`);
  });
  parts.push('</g>');
  if (!values.length) {
    parts.push(`<text class="empty" x="${r1(m.left + plotW / 2)}" y="${r1(m.top + plotH / 2)}" text-anchor="middle">nothing geolocated in this period</text>`);
  }
  // Lines, points and direct labels.
  const labels: Array<{ y: number; x: number; text: string; color: string }> = [];
  for (const s of input.series) {
    const pts = s.points.filter((p) => p.value !== null && Number.isFinite(p.value)).map((p) => ({ x: px(dayNumber(p.date)), y: py(p.value as number), value: p.value as number, date: p.date }));
    parts.push(`<g class="series" data-series="${esc(s.key)}" fill="${esc(s.color)}" stroke="${esc(s.color)}">`);
    // Break the line where a day has no value.
    const segments: string[] = [];
    let current = '';
    let count = 0;
    for (const p of [...s.points].sort((a, b) => (a.date < b.date ? -1 : 1))) {
      if (p.value === null || !Number.isFinite(p.value)) {
        if (count > 1) segments.push(current);
        current = '';
        count = 0;
        continue;
      }
      current += `${count ? ' L' : 'M'}${r1(px(dayNumber(p.date)))} ${r1(py(p.value))}`;
      count++;
    }
    if (count > 1) segments.push(current);
    if (segments.length) parts.push(`<path class="line" fill="none" stroke-width="2.5" stroke-linejoin="round" d="${segments.join(' ')}"${s.dash ? ` stroke-dasharray="${esc(s.dash)}"` : ''}/>`);
    if (pts.length <= 62) for (const p of pts) parts.push(`<circle class="point" cx="${r1(p.x)}" cy="${r1(p.y)}" r="${single ? 5 : 3}" stroke="#fff" stroke-width="1"><title>${esc(`${s.label} ${p.date}: ${(100 * p.value).toFixed(2)}%`)}</title></circle>`);
    parts.push('</g>');
    const last = pts[pts.length - 1];
    if (last) labels.push({ x: last.x, y: last.y, text: `${s.label} ${(100 * last.value).toFixed(1)}%`, color: s.color });
  }
  // Direct labels right of the plot, moved apart so none overlap (13 px apart at least).
  labels.sort((a, b) => a.y - b.y);
  const placed = labels.map((l) => l.y);
  for (let i = 1; i < placed.length; i++) placed[i] = Math.max(placed[i], placed[i - 1] + 13);
  const overflow = placed.length ? placed[placed.length - 1] - (m.top + plotH + 4) : 0;
  if (overflow > 0) for (let i = 0; i < placed.length; i++) placed[i] -= overflow;
  for (let i = placed.length - 2; i >= 0; i--) placed[i] = Math.min(placed[i], placed[i + 1] - 13);
  parts.push('<g class="direct-labels">');
  const labelX = m.left + plotW + 10;
  labels.forEach((l, i) => {
    parts.push(
      `<line x1="${r1(l.x + 4)}" y1="${r1(l.y)}" x2="${labelX - 2}" y2="${r1(placed[i])}" stroke="${esc(l.color)}" stroke-width="0.8"/>`,
      `<text x="${labelX}" y="${r1(placed[i] + 4)}" style="fill: ${esc(l.color)}">${esc(l.text)}</text>`,
    );
  });
  parts.push('</g>', '</svg>');
  return parts.join('\n');
}
