import { geoEqualEarth, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { FeatureCollection, Geometry } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json';
import { getJson, qs } from '../api.js';
import { h, link, fill } from '../dom.js';
import { percent } from '../format.js';
import { confidenceNote, confidenceOf, confidenceSelect, daySelect, emptyIndex, indexLine, space, withQuery, type IndexMeta } from '../index-meta.js';
import { navigate } from '../router.js';
import { NAME_TO_ALPHA2, NUMERIC_TO_ALPHA2, SMALL_STATE_POSITIONS } from '../countries.js';
import { errorBox, loading } from './common.js';
import { csvLink, table } from './table.js';

interface MapRow {
  cc: string;
  addresses: number;
}
const VIEWS = {
  'used-here': {
    title: 'Space used in each country that another RIR registered',
    help: 'Routed addresses the geo database places in the country whose registering RIR does not serve that country’s region (each address once, from the portability index of the day).',
  },
  'used-abroad': {
    title: 'Where each country’s registered space is used abroad',
    help: 'Routed addresses registered to holders in the country (the country of the registering record) that the geo database places outside the registering RIR’s region.',
  },
} as const;
type MapKind = keyof typeof VIEWS;

const SVG = 'http://www.w3.org/2000/svg';
const svgEl = (tag: string, attrs: Record<string, string>): SVGElement => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
};

/** Countries whose shape covers fewer square pixels than this get a marker (a circle) as well. */
const SMALL_AREA = 60;
/** The colour of a share `t` (0..1) of the log scale. */
const shade = (t: number): string => `hsl(12 85% ${92 - t * 55}%)`;

/** Log scale between the day's smallest and largest country: 0 (smallest) … 1 (largest). */
const logScale = (min: number, max: number) => (n: number): number => (max > min && min > 0 ? (Math.log(n) - Math.log(min)) / (Math.log(max) - Math.log(min)) : 1);
/** The colour of a country: the palest shade stays visible against countries without data. */
const tone = (t: number): string => shade(0.15 + 0.85 * Math.min(1, Math.max(0, t)));

/** The scale under the map: four steps from the smallest to the largest country of the day. */
function legend(min: number, max: number): HTMLElement {
  const steps = max > min && min > 0 ? [0, 1 / 3, 2 / 3, 1] : [1];
  return h(
    'div',
    { class: 'map-legend', id: 'map-legend', 'aria-label': 'Map scale' },
    h('span', { class: 'legend-title' }, 'Addresses (log scale):'),
    steps.map((t) => {
      const value = min > 0 && max > min ? Math.exp(Math.log(min) + t * (Math.log(max) - Math.log(min))) : max;
      const swatch = h('span', { class: 'swatch' });
      swatch.style.background = tone(t); // a style property, not an attribute: the CSP refuses inline style attributes
      return h('span', { class: 'legend-step' }, swatch, space(Math.round(value), 4));
    }),
    h('span', { class: 'legend-step' }, h('span', { class: 'swatch none' }), 'none'),
    h('span', { class: 'legend-step' }, h('span', { class: 'swatch dot' }), 'circle: small country (size by addresses)'),
  );
}

export function mapView(main: HTMLElement, _p: string[], query: URLSearchParams): void {
  const view: MapKind = query.get('view') === 'used-abroad' ? 'used-abroad' : 'used-here';
  const date = query.get('date');
  const confidence = confidenceOf(query);
  const holder = h('div', {}, loading());
  const line = h('p', { class: 'index-line', id: 'index-line' }, '');
  const tabs = h(
    'div',
    { class: 'tabs', role: 'group', 'aria-label': 'Map view' },
    (Object.keys(VIEWS) as MapKind[]).map((k) => {
      const a = link(`/map${qs({ view: k, date, confidence })}`, k === 'used-here' ? 'Used here, registered elsewhere' : 'Registered here, used abroad');
      if (k === view) a.setAttribute('aria-current', 'true');
      return a;
    }),
  );
  const controls = h('div', { class: 'filters' }, tabs, confidenceSelect(confidence, (picked) => navigate(withQuery({ confidence: picked }))));
  main.append(h('h1', {}, 'World map'), line, controls, h('p', { class: 'lead' }, VIEWS[view].help), holder);
  getJson<IndexMeta & { view: string; countries: MapRow[] }>(`/api/map${qs({ view, date, confidence })}`)
    .then((d) => {
      fill(line, indexLine(d, 4).textContent ?? '');
      if (!d.date) line.hidden = true; // the empty state below says it
      const sel = daySelect(d, (picked) => navigate(withQuery({ date: picked })));
      if (sel) controls.append(sel);
      if (!d.date) return fill(holder, emptyIndex());
      const note = confidenceNote(d);
      if (note && !d.confirmed_available) return fill(holder, note);
      const byCc = new Map(d.countries.map((c) => [c.cc, c]));
      const max = Math.max(0, ...d.countries.map((c) => c.addresses));
      const total = d.countries.reduce((a, c) => a + c.addresses, 0);
      const topo = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
      const geo = feature(topo, topo.objects.countries) as unknown as FeatureCollection<Geometry, { name: string }>;
      const width = 960;
      const height = 470;
      const projection = geoEqualEarth().fitSize([width, height], geo);
      const path = geoPath(projection);
      const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, class: 'map', role: 'img', 'aria-label': `${VIEWS[view].title}, ${d.date}` });
      const min = Math.min(...d.countries.map((c) => c.addresses).filter((n) => n > 0));
      const scale = logScale(min, max);
      const drawn = new Set<string>();
      const markers: Array<{ cc: string; x: number; y: number; name: string }> = [];
      for (const f of geo.features) {
        const cc = (f.id !== undefined ? NUMERIC_TO_ALPHA2[String(f.id)] : undefined) ?? NAME_TO_ALPHA2[f.properties.name];
        const row = cc ? byCc.get(cc) : undefined;
        const pathData = path(f);
        if (!pathData) continue;
        if (cc && row) {
          // A shape too small to see or click gets a marker too, at its centroid (or its capital).
          if (path.area(f) < SMALL_AREA && !drawn.has(cc)) {
            const fixed = SMALL_STATE_POSITIONS[cc] ? projection(SMALL_STATE_POSITIONS[cc]) : null;
            const [x, y] = fixed ?? path.centroid(f);
            if (Number.isFinite(x) && Number.isFinite(y)) markers.push({ cc, x, y, name: f.properties.name });
          }
          drawn.add(cc);
        }
        const t = row ? scale(row.addresses) : 0;
        const shape = svgEl('path', { d: pathData, class: 'country', fill: row ? tone(t) : 'var(--map-none, #e8eaee)' });
        const title = svgEl('title', {});
        title.textContent = `${f.properties.name}${cc ? ` (${cc})` : ''}: ${row ? space(row.addresses, 4) : 'none'}`;
        shape.append(title);
        if (cc) {
          const a = svgEl('a', { href: `/country/${cc}${qs({ date: d.date })}`, 'data-route': '' });
          a.append(shape);
          svg.append(a);
        } else svg.append(shape);
      }
      // Countries with data the atlas does not draw (HK, SG, SC, MU…): a marker at a fixed position.
      for (const row of d.countries) {
        if (drawn.has(row.cc) || !SMALL_STATE_POSITIONS[row.cc]) continue;
        const p = projection(SMALL_STATE_POSITIONS[row.cc]);
        if (p) markers.push({ cc: row.cc, x: p[0], y: p[1], name: row.cc });
      }
      const marks = svgEl('g', { class: 'markers' });
      for (const m of markers.sort((a, b) => (byCc.get(b.cc)?.addresses ?? 0) - (byCc.get(a.cc)?.addresses ?? 0))) {
        const row = byCc.get(m.cc)!;
        const t = scale(row.addresses);
        const circle = svgEl('circle', { cx: m.x.toFixed(1), cy: m.y.toFixed(1), r: (4.5 + t * 5).toFixed(1), class: 'marker', fill: tone(Math.max(t, 0.3)), 'data-cc': m.cc });
        const title = svgEl('title', {});
        title.textContent = `${m.name === m.cc ? m.cc : `${m.name} (${m.cc})`}: ${space(row.addresses, 4)}`;
        circle.append(title);
        const a = svgEl('a', { href: `/country/${m.cc}${qs({ date: d.date })}`, 'data-route': '', 'aria-label': `${m.cc}: ${space(row.addresses, 4)}` });
        a.append(circle);
        marks.append(a);
      }
      svg.append(marks);
      const top = [...d.countries].sort((a, b) => b.addresses - a.addresses).slice(0, 25);
      fill(
        holder,
        note ?? '',
        h('figure', { class: 'map-wrap' }, svg, legend(min, max), h('figcaption', {}, `${VIEWS[view].title}, ${d.date}. Darker = more addresses (log scale, smallest to largest country of the day); grey = none; circles mark countries too small to see at this scale.`)),
        table(
          'Countries (largest first)',
          [
            { label: 'Country', cell: (r) => link(`/country/${r.cc}${qs({ date: d.date })}`, r.cc) },
            { label: 'Addresses', cell: (r) => space(r.addresses, 4), numeric: true, sort: (r) => Number(r.addresses) },
            { label: 'Share of all', cell: (r) => (total > 0 ? percent(r.addresses / total) : '–'), numeric: true },
          ],
          top,
          'none on this day.',
        ),
        csvLink(`/api/map${qs({ view, date: d.date, confidence, format: 'csv' })}`),
      );
    })
    .catch((err) => fill(holder, errorBox(err)));
}
