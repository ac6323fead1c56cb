/**
 * The prefix page's history: one lane per origin AS (each bucket it was announced in, coloured
 * by the origin's registry), the peers announcing the prefix (its visibility) beneath, and the
 * periods a finding was open (coloured by severity) at the bottom.
 */
import { h } from '../dom.js';
import { asLabel, rir as rirName, time } from '../format.js';
import { CHART_RIRS, SEVERITY_COLOURS, rirColour } from '../palette.js';
import { svgEl, tip } from '../svg.js';
import { linear, niceMax, timeTicks } from './axis.js';

export interface TimelineData {
  bucket: number;
  from: number | null;
  to: number | null;
  origins: Array<{ origin_asn: number; origin_rir: string | null; as_name?: string | null; as_cc?: string | null }>;
  points: Array<{ t: number; origin_asn: number; peers: number; events: number }>;
  visibility: Array<{ t: number; peers: number }>;
  findings: Array<{ time: number; type: string; reason: string; origin_asn: number | null; kinds: string[]; severity: string }>;
}

export interface FindingPeriod {
  origin: number | null;
  start: number;
  /** null: still open at the end of what the store holds. */
  end: number | null;
  severity: string;
  kinds: string[];
}

/** Pairs each start with the next end of the same origin; a start without an end stays open. */
export function findingPeriods(events: TimelineData['findings']): FindingPeriod[] {
  const open = new Map<string, FindingPeriod>();
  const out: FindingPeriod[] = [];
  for (const e of [...events].sort((a, b) => a.time - b.time)) {
    const key = String(e.origin_asn ?? '');
    if (e.type === 'finding-started') {
      if (open.has(key)) continue; // a repeated start extends the open period
      const p: FindingPeriod = { origin: e.origin_asn, start: e.time, end: null, severity: e.severity, kinds: e.kinds };
      open.set(key, p);
      out.push(p);
    } else if (e.type === 'finding-ended') {
      const p = open.get(key);
      if (p) p.end = e.time;
      open.delete(key);
    }
  }
  return out;
}

const RIGHT = 16;
/** A narrower drawing on phones, so its text stays readable when the SVG is scaled to the screen. */
const narrow = (): boolean => typeof window !== 'undefined' && window.matchMedia('(max-width: 600px)').matches;
const LANE = 20;
const GAP = 6;
const VIS_H = 70;

export function prefixTimeline(d: TimelineData): HTMLElement {
  if (d.from === null || d.to === null || !d.points.length) return h('p', { class: 'note', id: 'prefix-timeline-empty' }, 'No announcements of this prefix in the store, so there is no timeline to draw.');
  const small = narrow();
  const W = small ? 440 : 960;
  const LEFT = small ? 120 : 200;
  const periods = findingPeriods(d.findings);
  // Buckets start at a multiple of their size, before the first announcement: the axis starts with the first bucket.
  const t0 = Math.min(d.from, ...d.points.map((p) => Number(p.t)), ...d.visibility.map((v) => Number(v.t)), ...periods.map((p) => p.start));
  const t1 = Math.max(d.to + d.bucket, ...periods.map((p) => p.end ?? 0));
  const x = linear(t0, t1, LEFT, W - RIGHT);
  const lanesTop = 24;
  const lanesH = d.origins.length * (LANE + GAP);
  const visTop = lanesTop + lanesH + 18;
  const findTop = visTop + VIS_H + 22;
  const axisTop = findTop + LANE + 8;
  const H = axisTop + 40;
  const svg = svgEl('svg', { class: 'history-chart prefix-timeline', id: 'prefix-timeline', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'prefix-timeline-title' });
  svg.append(svgEl('title', { id: 'prefix-timeline-title' }, `Origins, visibility and findings of the prefix from ${time(t0)} to ${time(t1)}`));
  svg.append(svgEl('text', { x: 4, y: 14, class: 'panel-label' }, `Origin AS (per ${d.bucket >= 86400 ? 'day' : d.bucket >= 3600 ? `${d.bucket / 3600} h` : `${d.bucket / 60} min`}, coloured by its registry)`));
  // Origin lanes: one row per AS, a cell per bucket it was announced in.
  const laneOf = new Map(d.origins.map((o, i) => [o.origin_asn, i]));
  d.origins.forEach((o, i) => {
    const y = lanesTop + i * (LANE + GAP);
    svg.append(svgEl('rect', { x: LEFT, y, width: W - RIGHT - LEFT, height: LANE, class: 'lane' }));
    svg.append(svgEl('text', { x: LEFT - 6, y: y + LANE - 6, 'text-anchor': 'end', class: 'lane-label' }, asLabel(o.origin_asn, o.as_name, small ? 6 : 16), tip(`${asLabel(o.origin_asn, o.as_name, 200)}${o.as_cc ? ` (${o.as_cc})` : ''} · registered by ${rirName(o.origin_rir)}`)));
  });
  const rirOf = new Map(d.origins.map((o) => [o.origin_asn, o.origin_rir]));
  for (const p of d.points) {
    const lane = laneOf.get(p.origin_asn);
    if (lane === undefined) continue;
    const x0 = x(p.t);
    const r = rirOf.get(p.origin_asn) ?? null;
    svg.append(
      svgEl(
        'rect',
        { x: x0.toFixed(1), y: lanesTop + lane * (LANE + GAP), width: Math.max(1.5, x(p.t + d.bucket) - x0).toFixed(1), height: LANE, fill: rirColour(r), class: 'origin-cell', 'data-asn': p.origin_asn, 'data-rir': r ?? 'unknown' },
        tip(`AS${p.origin_asn} · ${time(p.t)} · ${p.peers} peers · ${p.events} announcements`),
      ),
    );
  }
  // Visibility: distinct peers announcing the prefix per bucket.
  const maxPeers = niceMax(Math.max(...d.visibility.map((v) => Number(v.peers)), 1));
  const y = linear(0, maxPeers, visTop + VIS_H, visTop);
  svg.append(svgEl('text', { x: 4, y: visTop - 6, class: 'panel-label' }, 'Visibility (peers announcing it)'));
  svg.append(svgEl('line', { x1: LEFT, x2: W - RIGHT, y1: y(0), y2: y(0), class: 'axis' }), svgEl('line', { x1: LEFT, x2: W - RIGHT, y1: y(maxPeers), y2: y(maxPeers), class: 'grid' }));
  svg.append(svgEl('text', { x: LEFT - 6, y: y(maxPeers) + 4, 'text-anchor': 'end', class: 'tick' }, String(maxPeers)), svgEl('text', { x: LEFT - 6, y: y(0), 'text-anchor': 'end', class: 'tick' }, '0'));
  const steps: string[] = [];
  for (const v of [...d.visibility].sort((a, b) => a.t - b.t)) {
    const yy = y(Number(v.peers)).toFixed(1);
    steps.push(`${steps.length ? 'L' : 'M'}${x(v.t).toFixed(1)},${yy}`, `L${x(v.t + d.bucket).toFixed(1)},${yy}`);
  }
  svg.append(svgEl('path', { d: steps.join(' '), class: 'visibility', fill: 'none' }, tip(`Peers per bucket, at most ${Math.max(...d.visibility.map((v) => Number(v.peers)))}`)));
  // Finding periods.
  svg.append(svgEl('text', { x: 4, y: findTop + LANE - 6, class: 'panel-label' }, 'Findings open'));
  svg.append(svgEl('rect', { x: LEFT, y: findTop, width: W - RIGHT - LEFT, height: LANE, class: 'lane' }));
  for (const p of periods) {
    const x0 = x(p.start);
    const end = p.end ?? t1;
    svg.append(
      svgEl(
        'rect',
        { x: x0.toFixed(1), y: findTop, width: Math.max(2, x(end) - x0).toFixed(1), height: LANE, fill: SEVERITY_COLOURS[p.severity] ?? SEVERITY_COLOURS.none, class: `finding-period${p.end === null ? ' open' : ''}`, 'data-origin': p.origin ?? '', 'data-severity': p.severity },
        tip(`${p.kinds.join(', ') || 'finding'} (${p.severity}) from AS${p.origin ?? '?'}: ${time(p.start)} – ${p.end === null ? 'still open' : time(p.end)}`),
      ),
    );
  }
  if (!periods.length) svg.append(svgEl('text', { x: LEFT + 6, y: findTop + LANE - 6, class: 'tick' }, 'none stored'));
  // Time axis.
  svg.append(svgEl('line', { x1: LEFT, x2: W - RIGHT, y1: axisTop, y2: axisTop, class: 'axis' }));
  const ticks = timeTicks(t0, t1, small ? 3 : 5);
  ticks.forEach((tk, i) => {
    const anchor = i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle';
    svg.append(svgEl('line', { x1: x(tk.t), x2: x(tk.t), y1: axisTop, y2: axisTop + 5, class: 'axis' }), svgEl('text', { x: x(tk.t), y: axisTop + 18, 'text-anchor': anchor, class: 'tick' }, tk.label));
  });
  svg.append(svgEl('text', { x: W - RIGHT, y: axisTop + 34, 'text-anchor': 'end', class: 'tick' }, 'UTC'));
  const used = CHART_RIRS.filter((r) => d.origins.some((o) => (o.origin_rir || 'unknown') === r));
  return h('figure', { class: 'chart-wrap history' }, svg, chartLegend(used, periods.length > 0));
}

/** The colour key under a chart: registries, and optionally the finding periods. */
export function chartLegend(rirs: readonly string[], findings = false): HTMLElement {
  const swatch = (colour: string): HTMLElement => {
    const s = h('span', { class: 'swatch' });
    s.style.background = colour; // a style property: the CSP refuses inline style attributes
    return s;
  };
  return h(
    'figcaption',
    { class: 'chart-legend' },
    rirs.map((r) => h('span', { class: 'legend-step', 'data-rir': r }, swatch(rirColour(r)), r === 'unknown' ? 'registry unknown' : rirName(r))),
    findings ? h('span', { class: 'legend-step' }, swatch(SEVERITY_COLOURS.high), 'finding open (shade: severity)') : null,
  );
}
