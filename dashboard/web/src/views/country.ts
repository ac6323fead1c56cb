import { getJson, qs } from '../api.js';
import { asnLink, countryLink, h, note, prefixLink, section, fill } from '../dom.js';
import { addressesShort, percent, rir } from '../format.js';
import { daySelect, emptyIndex, indexLine, space, withQuery, type IndexMeta } from '../index-meta.js';
import { navigate } from '../router.js';
import { errorBox, kindsList, loading, rirBadge, severityBadge } from './common.js';
import { table } from './table.js';
import { findingsTimeline, type FindingRow } from './findings.js';
import { stackedDays, type DayRow } from '../charts/stacked-days.js';

interface CountryPage extends IndexMeta {
  cc: string;
  usedHere: Array<{ prefix: string; prefix_rir: string; registered_cc: string; origin_asn: number | null; as_name?: string | null; as_cc?: string | null; kinds: string[]; severity: string; addresses: number }>;
  usedHereByRir: Array<{ rir: string; addresses: number; out_of_region: number }>;
  registeredHereUsedIn: Array<{ country: string; region: string; addresses: number; out_of_region: number }>;
  totals: { used_here: number; used_here_other_rir: number; registered_here: number; registered_here_used_abroad: number } | null;
  findings: FindingRow[];
}

export function countryView(main: HTMLElement, params: string[], query: URLSearchParams): void {
  const cc = params[0].toUpperCase();
  const date = query.get('date');
  const holder = h('div', {}, loading());
  const line = h('p', { class: 'index-line', id: 'index-line' }, '');
  const controls = h('div', { class: 'filters' });
  main.append(h('h1', { id: 'page-title' }, `Country ${cc}`), line, controls, holder);
  const family: 4 | 6 = query.get('family') === '6' ? 6 : 4;
  // The chart's family, in the URL like the day.
  const famSel = h('select', { id: 'c-family' }, h('option', { value: '4', selected: family === 4 }, 'IPv4'), h('option', { value: '6', selected: family === 6 }, 'IPv6'));
  famSel.addEventListener('change', () => navigate(withQuery({ family: famSel.value === '6' ? 6 : null })));
  const title = `Space used in ${cc} by registering RIR over time (IPv${family})`;
  const history = section(title, loading());
  history.id = 'country-history';
  getJson<{ rows: DayRow[]; unit: string; message?: string }>(`/api/history/country/${cc}${qs({ family: family === 6 ? 6 : null })}`)
    .then((r) =>
      fill(
        history,
        h('h2', {}, title),
        h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'c-family' }, 'Family'), famSel)),
        r.rows.length
          ? [note('Routed space the geolocation database places in the country, each address once, from each day’s portability index.'), stackedDays('country-history-chart', title, r.rows, r.unit)]
          : note(r.message ?? 'No index for this country yet.'),
      ),
    )
    .catch((err) => fill(history, h('h2', {}, title), errorBox(err)));
  getJson<CountryPage>(`/api/country/${cc}${qs({ date })}`)
    .then((d) => {
      fill(line, indexLine(d, 4).textContent ?? '');
      if (!d.date) line.hidden = true; // the empty state below says it
      const sel = daySelect(d, (picked) => navigate(withQuery({ date: picked })));
      if (sel) controls.append(sel);
      const t = d.totals;
      fill(
        holder,
        d.date && t
          ? h(
              'div',
              {},
              h(
                'p',
                { class: 'lead', id: 'country-totals' },
                `Routed space used in ${cc}: ${space(t.used_here, 4)}, of it ${space(t.used_here_other_rir, 4)} (${t.used_here > 0 ? percent(t.used_here_other_rir / t.used_here) : '–'}) registered by an RIR of another region. Registered to holders in ${cc}: ${space(t.registered_here, 4)}, of it ${space(t.registered_here_used_abroad, 4)} used outside the registering RIR’s region.`,
              ),
              h(
                'div',
                { class: 'two-col' },
                section(
                  `Space used in ${cc}, by registering RIR`,
                  table(
                    'Registering RIR',
                    [
                      { label: 'RIR', cell: (r) => rirBadge(r.rir) },
                      { label: 'Addresses', cell: (r) => space(r.addresses, 4), numeric: true, sort: (r) => Number(r.addresses) },
                      { label: 'Share', cell: (r) => (t.used_here > 0 ? percent(r.addresses / t.used_here) : '–'), numeric: true },
                    ],
                    d.usedHereByRir,
                    'none on this day.',
                  ),
                ),
                section(
                  `Space registered in ${cc}, used elsewhere`,
                  table(
                    'Usage country',
                    [
                      { label: 'Country', cell: (r) => countryLink(r.country) },
                      { label: 'Region', cell: (r) => rir(r.region) },
                      { label: 'Addresses', cell: (r) => space(r.addresses, 4), numeric: true, sort: (r) => Number(r.addresses) },
                      { label: 'Out of RIR region', cell: (r) => space(r.out_of_region, 4), numeric: true, sort: (r) => Number(r.out_of_region) },
                    ],
                    d.registeredHereUsedIn,
                    'none on this day.',
                  ),
                ),
              ),
            )
          : emptyIndex(),
        history,
        section(
          `Announced prefixes used in ${cc}, registered by an RIR of another region`,
          h('p', { class: 'note' }, 'By each prefix’s latest classification; “Prefix size” is the whole prefix (overlapping prefixes are each counted in full).'),
          table(
            'Prefixes, largest first',
            [
              { label: 'Prefix', cell: (r) => prefixLink(r.prefix) },
              { label: 'Registered by', cell: (r) => rirBadge(r.prefix_rir) },
              { label: 'Registered cc', cell: (r) => countryLink(r.registered_cc) },
              { label: 'Origin', cell: (r) => asnLink(r.origin_asn, r.as_name, r.as_cc) },
              { label: 'Prefix size', cell: (r) => addressesShort(r.addresses), numeric: true, sort: (r) => Number(r.addresses) },
              { label: 'Kinds', cell: (r) => kindsList(r.kinds) },
              { label: 'Severity', cell: (r) => severityBadge(r.severity) },
            ],
            d.usedHere,
          ),
        ),
        findingsTimeline(d.findings),
      );
    })
    .catch((err) => fill(holder, errorBox(err)));
}
