import { getJson, qs } from '../api.js';
import { asnLink, countryLink, h, link, prefixLink, fill } from '../dom.js';
import { addressesShort, integer, percent, rir } from '../format.js';
import { confidenceNote, confidenceOf, confidenceSelect, daySelect, emptyIndex, indexLine, space, withQuery, type IndexMeta } from '../index-meta.js';
import { navigate } from '../router.js';
import { errorBox, kindsList, loading, severityBadge } from './common.js';
import { csvLink, table } from './table.js';

interface Cell {
  rir: string;
  region: string;
  addresses: number;
}
interface Matrix extends IndexMeta {
  family: 4 | 6;
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
  const family: 4 | 6 = query.get('family') === '6' ? 6 : 4;
  const date = query.get('date');
  const confidence = confidenceOf(query);
  const holder = h('div', {}, loading());
  const line = h('p', { class: 'index-line', id: 'index-line' }, '');
  const famSel = h('select', { id: 'm-family' }, h('option', { value: '4', selected: family === 4 }, 'IPv4'), h('option', { value: '6', selected: family === 6 }, 'IPv6'));
  const controls = h(
    'div',
    { class: 'filters' },
    h('div', { class: 'field' }, h('label', { for: 'm-family' }, 'Family'), famSel),
    confidenceSelect(confidence, (picked) => navigate(withQuery({ confidence: picked }))),
  );
  main.append(
    h('h1', {}, 'Flow matrix'),
    line,
    h(
      'p',
      { class: 'lead' },
      'Where registered space is used, from the portability index of one day: rows are the registering RIR, columns the region where the geo database places each routed address (every address counted once). Off-diagonal cells are space used outside the registering RIR’s region; click one for the countries and the announced prefixes behind it.',
    ),
    controls,
    holder,
  );
  famSel.addEventListener('change', () => navigate(withQuery({ family: famSel.value === '6' ? 6 : null })));
  getJson<Matrix>(`/api/matrix${qs({ family, date, confidence })}`)
    .then((d) => {
      fill(line, indexLine(d, family).textContent ?? '');
      if (!d.date) line.hidden = true; // the empty state below says it
      const sel = daySelect(d, (picked) => navigate(withQuery({ date: picked })));
      if (sel) controls.append(sel);
      if (!d.date) return fill(holder, emptyIndex());
      const note = confidenceNote(d);
      if (note && !d.confirmed_available) return fill(holder, note);
      const cellOf = (r: string, g: string): Cell | undefined => d.cells.find((c) => c.rir === r && c.region === g);
      const offMax = Math.max(0, ...d.cells.filter((c) => c.rir !== c.region).map((c) => c.addresses));
      const diagMax = Math.max(0, ...d.cells.filter((c) => c.rir === c.region).map((c) => c.addresses));
      const rowTotal = (r: string): number => d.cells.filter((c) => c.rir === r).reduce((a, c) => a + c.addresses, 0);
      const rows = d.rirs.map((r) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, rir(r)),
          d.regions.map((g) => {
            const v = cellOf(r, g)?.addresses ?? 0;
            const diag = r === g;
            const { bg, fg } = shade(v, diag ? diagMax : offMax, diag);
            const a = link(`/matrix/${r}/${g}${qs({ family: family === 6 ? 6 : null, date: d.date, confidence })}`, space(v, family));
            a.setAttribute('aria-label', `${rir(r)} registered, used in ${rir(g)}: ${space(v, family)}`);
            a.className = 'cell-link';
            const total = rowTotal(r);
            const td = h('td', { class: `cell${diag ? ' diag' : ''}`, 'data-rir': r, 'data-region': g, 'data-value': v, title: total > 0 ? `${percent(v / total)} of ${rir(r)}’s routed space` : null }, a);
            td.style.background = bg;
            td.style.color = fg;
            a.style.color = fg;
            return td;
          }),
          h('td', { class: 'num total' }, space(rowTotal(r), family)),
        ),
      );
      fill(
        holder,
        note ?? '',
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'matrix', id: 'flow-matrix' },
            h('caption', {}, `Routed IPv${family} space (${family === 4 ? 'addresses' : '/48s'}) by registering RIR (rows) and usage region (columns), ${d.date}`),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Registered by ↓ / used in →'), d.regions.map((g) => h('th', { scope: 'col' }, rir(g))), h('th', { scope: 'col' }, 'Routed'))),
            h('tbody', {}, rows),
          ),
        ),
        h(
          'p',
          { class: 'note' },
          `Colour: log scale; in-region cells (diagonal) in grey. Row "unknown": space no RIR has delegated; column "unknown": not placed by the geo database, or in a country with no RIR region${confidence ? ', or where the databases do not agree' : ''}.`,
        ),
        csvLink(`/api/matrix${qs({ family, date: d.date, confidence, format: 'csv' })}`),
      );
    })
    .catch((err) => fill(holder, errorBox(err)));
}

interface CellDetail extends IndexMeta {
  rir: string;
  region: string;
  family: 4 | 6;
  accounted: { addresses: number; countries: Array<{ country: string; addresses: number }> } | null;
  totals: { prefixes: number; addresses: number; origins: number };
  prefixes: Array<{ prefix: string; addresses: number; origin_asn: number | null; as_name?: string | null; as_cc?: string | null; main_country: string | null; registered_cc: string | null; severity: string; kinds: string[]; last_seen: string | number }>;
  origins: Array<{ origin_asn: number; as_name?: string | null; as_cc?: string | null; prefixes: number; addresses: number }>;
}

export function cellView(main: HTMLElement, params: string[], query: URLSearchParams): void {
  const [r, g] = params;
  const family: 4 | 6 = query.get('family') === '6' ? 6 : 4;
  const date = query.get('date');
  const confidence = confidenceOf(query);
  const holder = h('div', {}, loading());
  const line = h('p', { class: 'index-line', id: 'index-line' }, '');
  main.append(h('p', {}, link(`/matrix${qs({ family: family === 6 ? 6 : null, date, confidence })}`, '← Flow matrix')), h('h1', {}, `Registered by ${rir(r)}, used in ${rir(g)}`), line, holder);
  const base = { rir: r, region: g, family };
  getJson<CellDetail>(`/api/matrix/cell${qs({ ...base, date, confidence })}`)
    .then((d) => {
      fill(line, indexLine(d, family).textContent ?? '');
      if (!d.date) line.hidden = true; // the empty state below says it
      fill(
        holder,
        d.accounted
          ? h(
              'div',
              { class: 'narrow' },
              h('p', { class: 'lead', id: 'cell-accounted' }, `Routed space in this cell on ${d.date}: ${space(d.accounted.addresses, family)} (each address once${confidence ? ', placed only where the geo databases agree' : ''}).`),
              table(
                'Usage countries',
                [
                  { label: 'Country', cell: (c) => countryLink(c.country === 'ZZ' ? null : c.country) },
                  { label: family === 4 ? 'Addresses' : '/48s', cell: (c) => space(c.addresses, family), numeric: true, sort: (c) => Number(c.addresses) },
                ],
                d.accounted.countries,
                'no routed space in this cell.',
              ),
            )
          : emptyIndex(),
        h('h2', { class: 'sub' }, 'Announced prefixes classified into this cell'),
        h(
          'p',
          { class: 'note', id: 'cell-summary' },
          `${integer(d.totals.prefixes)} prefixes, ${integer(d.totals.origins)} origin ASes, by each prefix’s latest classification (not limited to the day above). “Prefix size” is each prefix’s whole size: overlapping prefixes are each counted in full, so these sizes do not add up to the cell’s routed space.`,
        ),
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
                { label: 'Prefix size', cell: (p) => addressesShort(p.addresses), numeric: true, sort: (p) => Number(p.addresses) },
                { label: 'Origin', cell: (p) => asnLink(p.origin_asn, p.as_name, p.as_cc) },
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
                { label: 'Origin', cell: (o) => asnLink(o.origin_asn, o.as_name, o.as_cc) },
                { label: 'Prefixes', cell: (o) => integer(o.prefixes), numeric: true, sort: (o) => Number(o.prefixes) },
                { label: 'Sum of prefix sizes', cell: (o) => addressesShort(o.addresses), numeric: true, sort: (o) => Number(o.addresses) },
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
