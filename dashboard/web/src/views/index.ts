import { getJson, qs } from '../api.js';
import { countryLink, fill, h, link, section } from '../dom.js';
import { integer, percent, rir } from '../format.js';
import { confidenceNote, confidenceOf, confidenceSelect, daySelect, describeIndex, emptyIndex, space, withQuery, type IndexMeta } from '../index-meta.js';
import { navigate } from '../router.js';
import { errorBox, loading, rirBadge } from './common.js';
import { csvLink, table } from './table.js';
import { svgEl } from '../svg.js';
import { RIR_COLOURS } from '../palette.js';

interface SeriesRow {
  date: string;
  family: 4 | 6;
  rir: string;
  routed: number;
  geolocated: number;
  in_region: number;
  out_of_region: number;
  share_out: number | null;
  /** Absent in the confirmed-only count (space figures only). */
  prefixes?: { routed: number; geolocated: number; in_region: number; out_of_region: number; share_out: number | null };
  origin_same_rir?: number;
  origin_other_rir?: number;
  origin_unknown?: number;
}
interface SeriesAnswer extends IndexMeta {
  rows: SeriesRow[];
  /** With ?confidence=confirmed: stored days whose latest build has no confirmed count. */
  days_without_confirmed?: string[];
}
interface Contributor {
  key: string;
  cc: string;
  out_of_region: number;
}
interface RirIndex {
  routed: number;
  out_of_region: number;
  share_out: number | null;
  top_holders: Contributor[];
  top_origins: Contributor[];
  top_countries: Contributor[];
}
interface DayIndex {
  date: string;
  ipv4: Record<string, RirIndex>;
  ipv6: Record<string, RirIndex>;
}

export const INDEX_RIRS = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc', 'unregistered'] as const;
/** Dashes tell apart lines that lie on top of each other (several RIRs at 0 %), and help without colour. */
const RIR_DASHES: Record<string, string> = { afrinic: 'none', apnic: '9 4', arin: '3 3', lacnic: '12 3 3 3', ripencc: '6 2', unregistered: '2 5' };
const rirName = (r: string): string => (r === 'unregistered' ? 'unregistered' : rir(r));


/** A "nice" upper bound for a share axis: the next 5 % step above the largest value (at least 5 %). */
const niceMax = (v: number): number => Math.min(1, Math.max(0.05, Math.ceil((v * 1.08) / 0.05) * 0.05));

/** Share out of region per RIR over the stored days: one line per RIR with any geolocated space. */
function shareChart(rows: SeriesRow[], selected: string | null, family: 4 | 6, onPick: (date: string) => void): HTMLElement {
  const W = 920;
  const H = 320;
  const M = { l: 52, r: 130, t: 14, b: 40 };
  const dates = [...new Set(rows.map((r) => r.date))].sort();
  const t = (d: string): number => Date.parse(`${d}T00:00:00Z`);
  const t0 = t(dates[0]);
  const t1 = t(dates[dates.length - 1]);
  const x = (d: string): number => (t1 === t0 ? M.l + (W - M.l - M.r) / 2 : M.l + ((t(d) - t0) / (t1 - t0)) * (W - M.l - M.r));
  const max = niceMax(Math.max(0, ...rows.map((r) => r.share_out ?? 0)));
  const y = (v: number): number => M.t + (1 - v / max) * (H - M.t - M.b);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'index-chart', role: 'img', 'aria-label': `Share of each RIR's geolocated IPv${family} space used outside its region, per day` });
  // Grid and y labels.
  const step = max <= 0.1 ? 0.02 : max <= 0.3 ? 0.05 : 0.1;
  for (let v = 0; v <= max + 1e-9; v += step) {
    svg.append(svgEl('line', { x1: M.l, x2: W - M.r, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(svgEl('text', { x: M.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, `${Math.round(v * 100)} %`));
  }
  // X labels: at most ~8 days, evenly picked.
  const every = Math.max(1, Math.ceil(dates.length / 8));
  dates.forEach((d, i) => {
    if (i % every !== 0 && i !== dates.length - 1) return;
    svg.append(svgEl('line', { x1: x(d), x2: x(d), y1: H - M.b, y2: H - M.b + 4, class: 'axis' }));
    // The end labels stay inside the plot's width (the legend is to the right).
    const anchor = dates.length === 1 ? 'middle' : i === 0 ? 'start' : i === dates.length - 1 ? 'end' : 'middle';
    svg.append(svgEl('text', { x: x(d), y: H - M.b + 18, 'text-anchor': anchor, class: 'tick' }, d));
  });
  svg.append(svgEl('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b, class: 'axis' }));
  if (selected && dates.includes(selected)) svg.append(svgEl('line', { x1: x(selected), x2: x(selected), y1: M.t, y2: H - M.b, class: 'selected-day' }));
  // One line per RIR with data.
  const legend: Array<{ r: string; last: number }> = [];
  for (const r of INDEX_RIRS) {
    const pts = rows.filter((row) => row.rir === r && row.share_out !== null).sort((a, b) => a.date.localeCompare(b.date));
    if (!pts.length) continue;
    const colour = RIR_COLOURS[r];
    const d = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.date).toFixed(1)},${y(p.share_out as number).toFixed(1)}`).join('');
    svg.append(svgEl('path', { d, class: 'series', 'data-rir': r, stroke: colour, fill: 'none', 'stroke-dasharray': RIR_DASHES[r] }));
    for (const p of pts) {
      const dot = svgEl('circle', { cx: x(p.date), cy: y(p.share_out as number), r: p.date === selected ? 4.5 : 3, fill: colour, class: 'point', 'data-rir': r, 'data-date': p.date, tabindex: 0 });
      dot.append(svgEl('title', {}, `${rirName(r)} ${p.date}: ${percent(p.share_out)} out of region (${space(p.out_of_region, family)} of ${space(p.geolocated, family)} geolocated)`));
      dot.addEventListener('click', () => onPick(p.date));
      dot.addEventListener('keydown', (ev) => {
        if ((ev as KeyboardEvent).key === 'Enter') onPick(p.date);
      });
      svg.append(dot);
    }
    legend.push({ r, last: pts[pts.length - 1].share_out as number });
  }
  // Legend at the right, in the order of the last values, spaced so labels never overlap and
  // kept within the plot's height.
  legend.sort((a, b) => b.last - a.last);
  const gap = 16;
  const ys = legend.map(({ last }) => y(last));
  for (let i = 1; i < ys.length; i++) ys[i] = Math.max(ys[i], ys[i - 1] + gap);
  for (let i = ys.length - 1; i >= 0; i--) ys[i] = Math.min(ys[i], (i === ys.length - 1 ? H - M.b : ys[i + 1] - gap));
  legend.forEach(({ r }, i) => {
    svg.append(svgEl('line', { x1: W - M.r + 10, x2: W - M.r + 30, y1: ys[i], y2: ys[i], stroke: RIR_COLOURS[r], 'stroke-width': 3, 'stroke-dasharray': RIR_DASHES[r] }));
    svg.append(svgEl('text', { x: W - M.r + 34, y: ys[i] + 4, class: 'legend' }, rirName(r)));
  });
  return h('figure', { class: 'chart-wrap' }, svg, h('figcaption', {}, `Share out of region: of each RIR's routed IPv${family} space that the geo database places in a country, the part outside the RIR's service region. Click a point to show that day.`));
}

function latestTable(rows: SeriesRow[], family: 4 | 6, date: string, picked: string | null): HTMLElement {
  const day = rows.filter((r) => r.date === date);
  const byRir = INDEX_RIRS.map((r) => day.find((row) => row.rir === r)).filter((r): r is SeriesRow => !!r);
  const share = (part: number, whole: number): string => (whole > 0 ? percent(part / whole) : '–');
  const confirmed = byRir.length > 0 && !byRir[0].prefixes;
  return table(
    `Per RIR on ${date} (IPv${family}, ${family === 4 ? 'addresses' : '/48s'}${confirmed ? ', confirmed geolocation only' : ''})`,
    [
      {
        label: 'RIR',
        cell: (r) => {
          const a = link(withQuery({ rir: r.rir === picked ? null : r.rir }), rirName(r.rir));
          a.className = `rir rir-${r.rir === 'unregistered' ? 'unknown' : r.rir}`;
          a.setAttribute('data-rir', r.rir);
          if (r.rir === picked) a.setAttribute('aria-current', 'true');
          return a;
        },
      },
      { label: 'Routed', cell: (r) => space(r.routed, family), numeric: true },
      { label: 'Geolocated', cell: (r) => space(r.geolocated, family), numeric: true },
      { label: 'In region', cell: (r) => space(r.in_region, family), numeric: true },
      { label: 'Out of region', cell: (r) => space(r.out_of_region, family), numeric: true },
      { label: 'Share out', cell: (r) => percent(r.share_out), numeric: true },
      ...(confirmed
        ? []
        : [
            { label: 'Prefixes', cell: (r: SeriesRow) => integer(r.prefixes?.routed ?? 0), numeric: true },
            { label: 'Prefixes out', cell: (r: SeriesRow) => `${integer(r.prefixes?.out_of_region ?? 0)} (${percent(r.prefixes?.share_out ?? null)})`, numeric: true },
            { label: 'Origin in other RIR', cell: (r: SeriesRow) => share(r.origin_other_rir ?? 0, (r.origin_same_rir ?? 0) + (r.origin_other_rir ?? 0)), numeric: true },
            { label: 'Origin unknown', cell: (r: SeriesRow) => share(r.origin_unknown ?? 0, r.routed), numeric: true },
          ]),
    ],
    byRir,
  );
}

function contributors(day: DayIndex, r: string, family: 4 | 6): HTMLElement {
  const idx = (family === 4 ? day.ipv4 : day.ipv6)[r];
  if (!idx) return h('p', { class: 'note' }, `No figures for ${rirName(r)} on ${day.date}.`);
  const list = (caption: string, rows: Contributor[], key: (c: Contributor) => Node | string, keyLabel: string, ccLabel: string | null) =>
    table(
      caption,
      [
        { label: keyLabel, cell: key },
        ...(ccLabel ? [{ label: ccLabel, cell: (c: Contributor) => countryLink(c.cc) }] : []),
        { label: 'Out of region', cell: (c: Contributor) => space(c.out_of_region, family), numeric: true },
        { label: 'Share of RIR out', cell: (c: Contributor) => (idx.out_of_region > 0 ? percent(c.out_of_region / idx.out_of_region) : '–'), numeric: true },
      ],
      rows,
      'none out of region.',
    );
  return section(
    `${rirName(r)} on ${day.date}: who is behind its out-of-region space`,
    h('p', { class: 'note', id: 'contrib-summary' }, `${space(idx.out_of_region, family)} out of region (${percent(idx.share_out)} of its geolocated space).`),
    h(
      'div',
      { class: 'three-col' },
      list('Top holders', idx.top_holders, (c) => c.key, 'Holder', 'Registered cc'),
      list('Top origin ASes', idx.top_origins, (c) => (c.key.startsWith('AS') ? link(`/asn/${c.key.slice(2)}`, c.key) : c.key), 'Origin', 'AS registered cc'),
      list('Top usage countries', idx.top_countries, (c) => countryLink(c.key), 'Used in', null),
    ),
  );
}

export function indexView(main: HTMLElement, _p: string[], query: URLSearchParams): void {
  const family: 4 | 6 = query.get('family') === '6' ? 6 : 4;
  const picked = query.get('rir');
  const confidence = confidenceOf(query);
  const holder = h('div', {}, loading());
  const line = h('p', { class: 'index-line', id: 'index-line' }, '');
  const famButtons = h(
    'div',
    { class: 'tabs', role: 'group', 'aria-label': 'Address family' },
    ([4, 6] as const).map((f) => {
      const a = link(withQuery({ family: f === 6 ? 6 : null }), `IPv${f}`);
      if (f === family) a.setAttribute('aria-current', 'true');
      return a;
    }),
  );
  const controls = h('div', { class: 'filters' }, famButtons, confidenceSelect(confidence, (v) => navigate(withQuery({ confidence: v }))));
  main.append(
    h('h1', {}, 'Portability index'),
    line,
    h('p', { class: 'lead' }, 'Per day, each RIR’s routed space (every address counted once), where the geo database places it, and the share used outside the RIR’s service region.'),
    controls,
    holder,
  );
  getJson<SeriesAnswer>(`/api/index${qs({ family, confidence })}`)
    .then(async (s) => {
      if (!s.dates.length) {
        line.hidden = true; // the empty state says it
        fill(holder, emptyIndex());
        return;
      }
      const asked = query.get('date');
      const date = asked && s.dates.includes(asked) ? asked : s.dates[0];
      const pick = (d: string) => navigate(withQuery({ date: d }));
      const sel = daySelect({ ...s, date }, pick);
      if (sel) controls.append(sel);
      const meta = date === s.date ? s : await getJson<IndexMeta>(`/api/index${qs({ from: date, to: date, family })}`);
      line.textContent = describeIndex(meta, family);
      const day = picked ? await getJson<DayIndex>(`/api/index/${date}`) : null;
      // Confirmed only: the figures of days with a confirmed count, and what it counts.
      const without = confidence && (s.days_without_confirmed ?? []).includes(date);
      const note = confidence ? confidenceNote({ ...meta, date, confidence: 'confirmed', confirmed_available: !without, message: s.message }) : null;
      if (note && without) return fill(holder, note);
      fill(
        holder,
        note ?? '',
        shareChart(s.rows, date, family, pick),
        latestTable(s.rows, family, date, picked),
        h('p', { class: 'note' }, 'Click a RIR for the holders, origin ASes and countries behind its out-of-region space on that day.'),
        csvLink(`/api/index${qs({ family, confidence, format: 'csv' })}`, 'Series as CSV'),
        day && picked ? contributors(day, picked, family) : null,
      );
    })
    .catch((err) => fill(holder, errorBox(err)));
}
