/** Registered holders: the delegated records grouped by the holder's opaque id, and one holder's page. */
import { getJson, qs } from '../api.js';
import { asnLink, countryLink, fill, h, link, note, prefixLink, section } from '../dom.js';
import { addressesShort, compact, integer, percent, rir as rirName } from '../format.js';
import { setUrlParams } from '../url-state.js';
import { RIR_IDS, errorBox, kindsList, loading, rirBadge, select, severityBadge, textInput } from './common.js';
import { csvLink, table } from './table.js';

interface HolderRow {
  holder_id: string;
  rir: string;
  cc: string;
  other_ccs: string;
  records: number;
  ipv4_addresses: number;
  ipv6_48s: number;
  asns: number;
  first_asn: number | null;
  first_date: string | null;
  last_date: string | null;
  name: string | null;
  name_source: string | null;
  announced_prefixes?: number;
  announced_ipv4: number;
  announced_ipv6_48s: number;
  announced_share_ipv4: number | null;
}

const holderLink = (r: { rir: string; holder_id: string }): HTMLElement => link(`/holder/${r.rir}/${encodeURIComponent(r.holder_id)}`, h('code', {}, r.holder_id));
const nameCell = (r: HolderRow): Node | string => (r.name ? h('span', { class: 'as-name', title: `named after ${r.name_source}` }, r.name) : '–');

export function holdersView(main: HTMLElement, _p: string[], query: URLSearchParams): void {
  const rirSel = select('h-rir', 'RIR', [['', 'any'], ...RIR_IDS.map((r) => [r, rirName(r)] as [string, string])], query.get('rir') ?? '');
  const cc = textInput('h-cc', 'Country', 'e.g. SC', query.get('cc') ?? '');
  const text = textInput('h-q', 'Holder id or name', 'e.g. CHINANET', query.get('q') ?? '');
  const form = h('form', { class: 'filters', 'aria-label': 'Holder filters' }, rirSel.wrap, cc.wrap, text.wrap, h('div', { class: 'field buttons' }, h('button', { type: 'submit' }, 'Apply')));
  const holder = h('div', {}, loading());
  main.append(
    h('h1', {}, 'Registered holders'),
    h('p', { class: 'lead' }, 'The RIRs’ delegated-extended files give each record its holder’s opaque id. Here the records are grouped by it: what each holder registered, and how much of it the store saw announced.'),
    form,
    holder,
  );
  const params = () => ({ rir: rirSel.el.value, cc: cc.el.value.trim().toUpperCase(), q: text.el.value.trim() });
  const load = (): void => {
    fill(holder, loading());
    getJson<{ rows: HolderRow[]; total: number; holders: number; names: string; announced_note: string }>(`/api/holders${qs({ ...params(), limit: 200 })}`)
      .then((d) =>
        fill(
          holder,
          h('p', { class: 'note', id: 'holders-count' }, d.rows.length < d.total ? `${integer(d.total)} of ${integer(d.holders)} holders match; listed: the ${integer(d.rows.length)} with the most IPv4 space.` : `${integer(d.total)} of ${integer(d.holders)} holders match.`),
          table(
            'Registered holders',
            [
              { label: 'Holder id (opaque)', cell: (r) => holderLink(r) },
              { label: 'Name', cell: nameCell },
              { label: 'RIR', cell: (r) => rirBadge(r.rir) },
              { label: 'cc', cell: (r) => countryLink(r.cc) },
              { label: 'Records', cell: (r) => integer(r.records), numeric: true, sort: (r) => r.records },
              { label: 'IPv4 registered', cell: (r) => addressesShort(r.ipv4_addresses), numeric: true, sort: (r) => r.ipv4_addresses },
              { label: 'IPv6 /48s', cell: (r) => compact(r.ipv6_48s), numeric: true, sort: (r) => r.ipv6_48s },
              { label: 'ASNs', cell: (r) => integer(r.asns), numeric: true, sort: (r) => r.asns },
              { label: 'IPv4 announced', cell: (r) => addressesShort(r.announced_ipv4), numeric: true, sort: (r) => r.announced_ipv4 },
              { label: 'Announced share', cell: (r) => percent(r.announced_share_ipv4), numeric: true, sort: (r) => r.announced_share_ipv4 ?? -1 },
            ],
            d.rows,
            'no holder matches.',
          ),
          note(d.names),
          note(d.announced_note),
          csvLink(`/api/holders${qs({ ...params(), limit: 5000, format: 'csv' })}`),
        ),
      )
      .catch((err) => fill(holder, errorBox(err)));
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setUrlParams(params());
    load();
  });
  rirSel.el.addEventListener('change', () => form.requestSubmit());
  load();
}

interface HolderPage {
  holder: HolderRow;
  records: Array<{ type: string; start: string; value: number; cc: string; date: string | null; status: string; as_name?: string | null; as_cc?: string | null }>;
  announced: Array<{ prefix: string; origin_asn: number | null; as_name?: string | null; as_cc?: string | null; main_country: string; usage_region: string; kinds: string[]; severity: string; addresses: number }>;
  names: string;
}

export function holderView(main: HTMLElement, params: string[]): void {
  const [r, id] = [params[0], decodeURIComponent(params[1])];
  const holder = h('div', {}, loading());
  const title = h('h1', { id: 'page-title' }, `Holder ${id}`);
  main.append(h('p', {}, link('/holders', '← Registered holders')), title, holder);
  getJson<HolderPage>(`/api/holders/${r}/${encodeURIComponent(id)}`)
    .then((d) => {
      const x = d.holder;
      if (x.name) fill(title, `Holder ${id} `, h('span', { class: 'as-name', title: `named after ${x.name_source}` }, x.name));
      const size = (rec: HolderPage['records'][number]): string =>
        rec.type === 'ipv4' ? addressesShort(rec.value) : rec.type === 'ipv6' ? `/${rec.value}` : `${integer(rec.value)} AS${rec.value === 1 ? '' : 'Ns'}`;
      fill(
        holder,
        h(
          'p',
          { class: 'lead', id: 'holder-summary' },
          `Registered with ${rirName(x.rir)} in ${x.cc}${x.other_ccs ? ` (also ${x.other_ccs})` : ''}: ${integer(x.records)} records, ${addressesShort(x.ipv4_addresses)} IPv4 addresses, ${compact(x.ipv6_48s)} IPv6 /48s, ${integer(x.asns)} ASNs. Announced in the store: ${addressesShort(x.announced_ipv4)} IPv4 addresses (${percent(x.announced_share_ipv4)} of its IPv4 space).`,
        ),
        x.name ? null : note(d.names),
        section(
          'Delegated records',
          table(
            'Records of this holder',
            [
              { label: 'Type', cell: (rec) => rec.type },
              { label: 'Start', cell: (rec) => (rec.type === 'asn' ? asnLink(rec.start, rec.as_name, rec.as_cc) : rec.start) },
              { label: 'Size', cell: (rec) => size(rec), numeric: true, sort: (rec) => (rec.type === 'ipv6' ? 2 ** (64 - rec.value) : rec.value) },
              { label: 'cc', cell: (rec) => countryLink(rec.cc) },
              { label: 'Status', cell: (rec) => rec.status },
              { label: 'Date', cell: (rec) => rec.date ?? '–' },
            ],
            d.records,
          ),
        ),
        section(
          'Announced prefixes in its space',
          table(
            'Announced prefixes (latest classification)',
            [
              { label: 'Prefix', cell: (a) => prefixLink(a.prefix) },
              { label: 'Origin', cell: (a) => asnLink(a.origin_asn, a.as_name, a.as_cc) },
              { label: 'Used in', cell: (a) => countryLink(a.main_country || null) },
              { label: 'Region', cell: (a) => rirBadge(a.usage_region || null) },
              { label: 'Prefix size', cell: (a) => addressesShort(a.addresses), numeric: true, sort: (a) => a.addresses },
              { label: 'Kinds', cell: (a) => kindsList(a.kinds) },
              { label: 'Severity', cell: (a) => severityBadge(a.severity) },
            ],
            d.announced,
            'none of its space is announced in the store.',
          ),
        ),
      );
    })
    .catch((err) => fill(holder, errorBox(err)));
}
