import { getJson } from '../api.js';
import { asnLink, countryLink, h, prefixLink, section, fill } from '../dom.js';
import { addressesShort, integer, rir } from '../format.js';
import { errorBox, kindsList, loading, rirBadge, severityBadge } from './common.js';
import { table } from './table.js';
import { findingsTimeline, type FindingRow } from './findings.js';

interface CountryPage {
  cc: string;
  usedHere: Array<{ prefix: string; prefix_rir: string; registered_cc: string; origin_asn: number | null; kinds: string[]; severity: string; addresses: number }>;
  usedHereByRir: Array<{ rir: string; prefixes: number; addresses: number }>;
  registeredHereUsedIn: Array<{ country: string; region: string; prefixes: number; addresses: number }>;
  findings: FindingRow[];
}

export function countryView(main: HTMLElement, params: string[]): void {
  const cc = params[0].toUpperCase();
  const holder = h('div', {}, loading());
  main.append(h('h1', { id: 'page-title' }, `Country ${cc}`), holder);
  getJson<CountryPage>(`/api/country/${cc}`)
    .then((d) =>
      fill(holder, 
        h(
          'div',
          { class: 'two-col' },
          section(
            `Space used in ${cc}, by registering RIR`,
            table(
              'Registering RIR',
              [
                { label: 'RIR', cell: (r) => rirBadge(r.rir) },
                { label: 'Prefixes', cell: (r) => integer(r.prefixes), numeric: true },
                { label: 'Addresses', cell: (r) => addressesShort(r.addresses), numeric: true },
              ],
              d.usedHereByRir,
            ),
          ),
          section(
            `Space registered in ${cc}, used elsewhere`,
            table(
              'Usage country',
              [
                { label: 'Country', cell: (r) => countryLink(r.country) },
                { label: 'Region', cell: (r) => rir(r.region) },
                { label: 'Prefixes', cell: (r) => integer(r.prefixes), numeric: true },
                { label: 'Addresses', cell: (r) => addressesShort(r.addresses), numeric: true },
              ],
              d.registeredHereUsedIn,
            ),
          ),
        ),
        section(
          `Used in ${cc}, registered by an RIR of another region`,
          table(
            'Prefixes, largest first',
            [
              { label: 'Prefix', cell: (r) => prefixLink(r.prefix) },
              { label: 'Registered by', cell: (r) => rirBadge(r.prefix_rir) },
              { label: 'Registered cc', cell: (r) => countryLink(r.registered_cc) },
              { label: 'Origin', cell: (r) => asnLink(r.origin_asn) },
              { label: 'Addresses', cell: (r) => addressesShort(r.addresses), numeric: true },
              { label: 'Kinds', cell: (r) => kindsList(r.kinds) },
              { label: 'Severity', cell: (r) => severityBadge(r.severity) },
            ],
            d.usedHere,
          ),
        ),
        findingsTimeline(d.findings),
      ),
    )
    .catch((err) => fill(holder, errorBox(err)));
}
