import { getJson, qs } from '../api.js';
import { asnLink, countryLink, h, link, prefixLink, fill } from '../dom.js';
import { addresses, addressesShort, compact, integer, rir } from '../format.js';
import { errorBox, kindsList, loading, severityBadge } from './common.js';
import { csvLink, table } from './table.js';

interface Cell {
  rir: string;
  region: string;
  prefixes: number;
  addresses: number;
}
interface Matrix {
  family: number;
  rirs: string[];
  regions: string[];
  cells: Cell[];
}

/** Colour for a value on a log scale from pale to deep blue; diagonal (in region) in grey. */
function shade(value: number, max: number, diagonal: boolean): { bg: string; fg: string } {
  if (value <= 0 || max <= 0) return { bg: '#f6f7f9', fg: '#555' };
  const t = Math.log1p(value) / Math.log1p(max);
  if (diagonal) {
    const l = 94 - t * 40;
    return { bg: `hsl(220 8% ${l}%)`, fg: l < 60 ? '#fff' : '#111' };
  }
  const l = 92 - t * 62;
  return { bg: `hsl(212 80% ${l}%)`, fg: l < 55 ? '#fff' : '#111' };
}

export function matrixView(main: HTMLElement, _p: string[], query: URLSearchParams): void {
  let measure: 'addresses' | 'prefixes' = query.get('measure') === 'prefixes' ? 'prefixes' : 'addresses';
  const family = query.get('family') === '6' ? 6 : 4;
  const holder = h('div', {}, loading());
  const radios = (['addresses', 'prefixes'] as const).map((m) =>
    h('label', { class: 'radio' }, h('input', { type: 'radio', name: 'measure', value: m, checked: m === measure }), m === 'addresses' ? 'Addresses' : 'Prefixes'),
  );
  const famSel = h('select', { id: 'm-family' }, h('option', { value: '4', selected: family === 4 }, 'IPv4'), h('option', { value: '6', selected: family === 6 }, 'IPv6'));
  main.append(
    h('h1', {}, 'Flow matrix'),
    h('p', { class: 'lead' }, 'Where registered space is used: rows are the registering RIR, columns the region where most of a prefix’s addresses geolocate. Off-diagonal cells are portability mismatches; click one to see the prefixes and origin ASes behind it.'),
    h('div', { class: 'filters' }, h('fieldset', { class: 'field' }, h('legend', {}, 'Measure'), radios), h('div', { class: 'field' }, h('label', { for: 'm-family' }, 'Family'), famSel)),
    holder,
  );
  let data: Matrix | null = null;
  const draw = (): void => {
    if (!data) return;
    const d = data;
    const cellOf = (r: string, g: string): Cell | undefined => d.cells.find((c) => c.rir === r && c.region === g);
    const offMax = Math.max(0, ...d.cells.filter((c) => c.rir !== c.region).map((c) => c[measure]));
    const diagMax = Math.max(0, ...d.cells.filter((c) => c.rir === c.region).map((c) => c[measure]));
    const rows = d.rirs.map((r) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, rir(r)),
        d.regions.map((g) => {
          const c = cellOf(r, g);
          const v = c ? c[measure] : 0;
          const diag = r === g;
          const { bg, fg } = shade(v, diag ? diagMax : offMax, diag);
          const label = measure === 'addresses' ? addressesShort(v) : compact(v);
          const a = link(`/matrix/${r}/${g}${family === 6 ? '?family=6' : ''}`, label);
          a.setAttribute('aria-label', `${rir(r)} registered, used in ${rir(g)}: ${measure === 'addresses' ? addresses(c?.addresses ?? 0, family) : `${integer(c?.prefixes ?? 0)} prefixes`}`);
          a.className = 'cell-link';
          const td = h('td', { class: `cell${diag ? ' diag' : ''}`, 'data-rir': r, 'data-region': g }, a);
          td.style.background = bg;
          td.style.color = fg;
          a.style.color = fg;
          return td;
        }),
      ),
    );
    fill(holder, 
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'matrix', id: 'flow-matrix' },
          h('caption', {}, `${measure === 'addresses' ? 'Addresses' : 'Prefixes'} by registering RIR (rows) and usage region (columns), IPv${family}`),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Registered by ↓ / used in →'), d.regions.map((g) => h('th', { scope: 'col' }, rir(g))))),
          h('tbody', {}, rows),
        ),
      ),
      h('p', { class: 'note' }, 'Colour: log scale; in-region cells (diagonal) in grey. "unknown": not geolocated or not registered.'),
      csvLink(`/api/matrix${qs({ family, format: 'csv' })}`),
    );
  };
  for (const r of radios)
    r.querySelector('input')?.addEventListener('change', (ev) => {
      measure = (ev.target as HTMLInputElement).value as typeof measure;
      history.replaceState(null, '', `/matrix${qs({ measure, family: family === 6 ? 6 : null })}`);
      draw();
    });
  famSel.addEventListener('change', () => {
    location.assign(`/matrix${qs({ measure, family: famSel.value === '6' ? 6 : null })}`);
  });
  getJson<Matrix>(`/api/matrix${qs({ family })}`)
    .then((m) => {
      data = m;
      draw();
    })
    .catch((err) => fill(holder, errorBox(err)));
}

interface CellDetail {
  rir: string;
  region: string;
  family: number;
  totals: { prefixes: number; addresses: number; origins: number };
  prefixes: Array<{ prefix: string; addresses: number; origin_asn: number | null; main_country: string | null; registered_cc: string | null; severity: string; kinds: string[]; last_seen: string | number }>;
  origins: Array<{ origin_asn: number; prefixes: number; addresses: number }>;
}

export function cellView(main: HTMLElement, params: string[], query: URLSearchParams): void {
  const [r, g] = params;
  const family = query.get('family') === '6' ? 6 : 4;
  const holder = h('div', {}, loading());
  main.append(h('p', {}, link('/matrix', '← Flow matrix')), h('h1', {}, `Registered by ${rir(r)}, used in ${rir(g)}`), holder);
  const base = { rir: r, region: g, family };
  getJson<CellDetail>(`/api/matrix/cell${qs(base)}`)
    .then((d) => {
      fill(holder, 
        h('p', { class: 'lead', id: 'cell-summary' }, `${integer(d.totals.prefixes)} prefixes, ${addresses(d.totals.addresses, family)}, ${integer(d.totals.origins)} origin ASes.`),
        h(
          'div',
          { class: 'two-col' },
          h(
            'div',
            {},
            table(
              'Prefixes (largest first)',
              [
                { label: 'Prefix', cell: (p) => prefixLink(p.prefix) },
                { label: 'Addresses', cell: (p) => addressesShort(p.addresses), numeric: true },
                { label: 'Origin', cell: (p) => asnLink(p.origin_asn) },
                { label: 'Used in', cell: (p) => countryLink(p.main_country) },
                { label: 'Registered cc', cell: (p) => countryLink(p.registered_cc) },
                { label: 'Kinds', cell: (p) => kindsList(p.kinds) },
                { label: 'Severity', cell: (p) => severityBadge(p.severity) },
              ],
              d.prefixes,
            ),
            csvLink(`/api/matrix/cell${qs({ ...base, part: 'prefixes', format: 'csv' })}`, 'Prefixes as CSV'),
          ),
          h(
            'div',
            {},
            table(
              'Origin ASes',
              [
                { label: 'Origin', cell: (o) => asnLink(o.origin_asn) },
                { label: 'Prefixes', cell: (o) => integer(o.prefixes), numeric: true },
                { label: 'Addresses', cell: (o) => addressesShort(o.addresses), numeric: true },
              ],
              d.origins,
            ),
            csvLink(`/api/matrix/cell${qs({ ...base, part: 'origins', format: 'csv' })}`, 'Origins as CSV'),
          ),
        ),
      );
    })
    .catch((err) => fill(holder, errorBox(err)));
}
