import { getJson, qs } from '../api.js';
import { countryLink, fill, h, link, section } from '../dom.js';
import { addressesShort, compact, integer, rir } from '../format.js';
import { errorBox, loading, rirBadge, RIR_IDS, select, textInput } from './common.js';
import { csvLink, table } from './table.js';
import { navigate } from '../router.js';

interface ChangeRow {
  from_date: string;
  to_date: string;
  kind: string;
  family: 'ipv4' | 'ipv6' | 'asn';
  start: string;
  end: string;
  addresses: number;
  from_rir: string;
  to_rir: string;
  from_cc: string;
  to_cc: string;
  from_holder: string;
  to_holder: string;
  transfer: string;
  transfer_date: string | null;
  transfer_type: string;
  link: string | null;
  first_cidr: string | null;
  cidrs: number | null;
  /** Routing before and after ('' when routed on neither side). */
  from_routing: string;
  to_routing: string;
  from_origins: number[];
  to_origins: number[];
  from_countries: string[];
  to_countries: string[];
  routing_summary: string;
}
interface StaleFile {
  from_date: string;
  to_date: string;
  rir: string;
  from_file_date: string | null;
  to_file_date: string | null;
  from_age_days: number | null;
  to_age_days: number | null;
  stale_from: boolean;
  stale_to: boolean;
  max_age_days: number;
}
interface ChangesAnswer {
  rows: ChangeRow[];
  stored_events: number;
  kinds: string[];
  stale_files: StaleFile[];
  note: string | null;
}
interface YearFlows {
  year: number;
  matrix: Record<string, Record<string, number>>;
  net: Record<string, { in: number; out: number; net: number }>;
}
interface FlowsAnswer {
  family: 'ipv4' | 'ipv6';
  unit: string;
  rirs: string[];
  years: YearFlows[];
  stored_events: number;
  note: string | null;
}

const KIND_OPTIONS: Array<[string, string]> = [['', 'any kind'], ...['added', 'removed', 'moved', 'status-changed', 'cc-changed', 'holder-changed', 'date-changed'].map((k): [string, string] => [k, k])];
const RIR_OPTIONS: Array<[string, string]> = [['', 'any RIR'], ...RIR_IDS.map((r): [string, string] => [r, rir(r)])];

const size = (n: number, family: string): string => (family === 'asn' ? `${integer(n)} ASN${n === 1 ? '' : 's'}` : family === 'ipv6' ? `${compact(n)} /48s` : addressesShort(n));

/** The range, linked to the page of its first CIDR (IP) or first AS; a range of several CIDRs says so. */
function rangeCell(r: ChangeRow): Node {
  const text = r.family === 'asn' ? (r.start === r.end ? `AS${r.start}` : `AS${r.start}–AS${r.end}`) : r.cidrs === 1 && r.first_cidr ? r.first_cidr : `${r.start} – ${r.end}`;
  if (!r.link) return document.createTextNode(text);
  const a = link(r.link, text);
  if (r.cidrs && r.cidrs > 1) a.title = `${r.cidrs} CIDRs; the link opens the first, ${r.first_cidr}`;
  return a;
}

const pair = (a: string, b: string, cell: (v: string) => Node): Node => (a === b ? cell(a) : h('span', { class: 'pair' }, a ? cell(a) : '–', ' → ', b ? cell(b) : '–'));

function transferCell(r: ChangeRow): string {
  if (!r.transfer) return '';
  return r.transfer === 'logged' ? `logged ${r.transfer_date ?? ''}${r.transfer_type ? ` (${r.transfer_type})` : ''}` : 'unlogged';
}

/** The routing sentence, with the origin ASes linked. */
function routingCell(r: ChangeRow): Node | string {
  if (!r.routing_summary) return '';
  const origins = [...new Set([...(r.from_origins ?? []), ...(r.to_origins ?? [])])];
  return h('span', { class: 'routing' }, r.routing_summary, origins.length ? h('span', { class: 'origins' }, ' (', origins.flatMap((o, i) => [i ? ', ' : '', link(`/asn/${o}`, `AS${o}`)]), ')') : '');
}

/** Stored diffs that compared a file older than the max age: their changes since that file are missing. */
function staleBox(files: StaleFile[]): HTMLElement | string {
  if (!files.length) return '';
  const line = (f: StaleFile): string => {
    const sides: string[] = [];
    if (f.stale_from) sides.push(`its file for ${f.from_date} is from ${f.from_file_date} (${f.from_age_days} days older)`);
    if (f.stale_to) sides.push(`its file for ${f.to_date} is from ${f.to_file_date} (${f.to_age_days} days older)`);
    return `${f.from_date} → ${f.to_date}: ${rir(f.rir)}: ${sides.join('; ')}`;
  };
  return h(
    'div',
    { class: 'empty-index stale-files', role: 'status' },
    h('strong', {}, 'Stale registry files. '),
    `These diffs compared a file more than ${files[0].max_age_days} days older than its snapshot, so that RIR's later changes are not in them (run portolan registry update, or import the missing days):`,
    h('ul', {}, files.map((f) => h('li', {}, line(f)))),
  );
}

/** IPv4 addresses with their /16s; IPv6 /48s as a plain count. */
const amountOf = (unit: string) => (unit === 'addresses' ? addressesShort : compact);

function flowMatrix(y: YearFlows, rirs: string[], unit: string): HTMLElement {
  const amount = amountOf(unit);
  const val = (f: string, t: string): number => y.matrix[f]?.[t] ?? 0;
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'matrix flows', 'data-year': y.year },
      h('caption', {}, `${y.year}: moved space (${unit}), from (rows) → to (columns)`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'from \\ to'), rirs.map((r) => h('th', { scope: 'col' }, rir(r))))),
      h(
        'tbody',
        {},
        rirs.map((f) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, rir(f)),
            rirs.map((t) => {
              const v = val(f, t);
              return h('td', { class: 'num', 'data-from': f, 'data-to': t, 'data-value': v }, f === t ? '' : v ? amount(v) : '·');
            }),
          ),
        ),
      ),
    ),
  );
}

function netTable(years: YearFlows[], rirs: string[], unit: string): HTMLElement {
  const amount = amountOf(unit);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'net-flows' },
      h('caption', {}, `Net flow per RIR and year (moved in − moved out, ${unit})`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Year'), rirs.map((r) => h('th', { scope: 'col', class: 'num' }, rir(r))))),
      h(
        'tbody',
        {},
        years.map((y) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, String(y.year)),
            rirs.map((r) => {
              const n = y.net[r] ?? { in: 0, out: 0, net: 0 };
              return h('td', { class: 'num', 'data-rir': r, 'data-net': n.net, title: `in ${amount(n.in)}, out ${amount(n.out)}` }, n.net === 0 ? '0' : `${n.net > 0 ? '+' : '−'}${amount(Math.abs(n.net))}`);
            }),
          ),
        ),
      ),
    ),
  );
}

export async function registryChangesView(main: HTMLElement, _p: string[], query: URLSearchParams): Promise<void> {
  const kind = select('rc-kind', 'Kind', KIND_OPTIONS, query.get('kind') ?? '');
  const rirSel = select('rc-rir', 'RIR (either side)', RIR_OPTIONS, query.get('rir') ?? '');
  const cc = textInput('rc-cc', 'Country (either side)', 'e.g. HK', query.get('cc') ?? '');
  const day = (id: string, label: string, value: string | null) => {
    const el = h('input', { id, name: id, type: 'date', value: value ?? '' });
    return { wrap: h('div', { class: 'field' }, h('label', { for: id }, label), el), el };
  };
  const fromDay = day('rc-from', 'Snapshots from', query.get('from'));
  const toDay = day('rc-to', 'to', query.get('to'));
  const routed = select('rc-routed', 'Space', [['', 'all changes'], ['1', 'routed before or after']], query.get('routed') ?? '');
  const family = select('rc-family', 'Flows of', [['4', 'IPv4 addresses'], ['6', 'IPv6 /48s']], query.get('family') ?? '4');
  const form = h('form', { class: 'filters', 'aria-label': 'Filters' }, kind.wrap, rirSel.wrap, cc.wrap, fromDay.wrap, toDay.wrap, routed.wrap, family.wrap, h('div', { class: 'field buttons' }, h('button', { type: 'submit' }, 'Apply')));
  const stale = h('div', {});
  const list = h('div', {}, loading());
  const flows = h('div', {}, loading());
  main.append(
    h('h1', {}, 'Registry changes'),
    h('p', { class: 'note' }, 'What changed between two snapshots of the RIRs’ delegated files: space added, removed, moved between RIRs, or re-registered (status, country, holder, date).'),
    form,
    stale,
    section('Inter-RIR flows', flows),
    section('Latest changes', list),
  );
  const params = (): Record<string, string | null> => ({ kind: kind.el.value || null, rir: rirSel.el.value || null, cc: cc.el.value.trim() || null, from: fromDay.el.value || null, to: toDay.el.value || null, routed: routed.el.value || null, family: family.el.value === '4' ? null : family.el.value });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    navigate(`/registry-changes${qs(params())}`);
  });

  const filter = { kind: query.get('kind'), rir: query.get('rir'), cc: query.get('cc'), from: query.get('from'), to: query.get('to'), routed: query.get('routed'), limit: 200 };
  const [changes, flow] = await Promise.allSettled([
    getJson<ChangesAnswer>(`/api/registry-changes${qs(filter)}`),
    getJson<FlowsAnswer>(`/api/registry-changes/flows${qs({ family: query.get('family') ?? '4' })}`),
  ]);

  if (changes.status === 'rejected') fill(list, errorBox(changes.reason));
  else {
    const c = changes.value;
    fill(stale, staleBox(c.stale_files ?? []));
    if (c.stored_events === 0) fill(list, h('p', { class: 'note empty-state' }, c.note ?? 'No registry changes stored yet.'));
    else
      fill(
        list,
        table(
          `${c.rows.length} change${c.rows.length === 1 ? '' : 's'}, newest snapshot first`,
          [
            { label: 'Snapshots', cell: (r: ChangeRow) => `${r.from_date} → ${r.to_date}` },
            { label: 'Kind', cell: (r) => h('span', { class: `kind change-${r.kind}` }, r.kind) },
            { label: 'Range', cell: rangeCell },
            { label: 'Size', cell: (r) => size(r.addresses, r.family), numeric: true },
            { label: 'RIR', cell: (r) => pair(r.from_rir, r.to_rir, (v) => rirBadge(v)) },
            { label: 'Country', cell: (r) => pair(r.from_cc, r.to_cc, (v) => countryLink(v)) },
            { label: 'Holder', cell: (r) => (r.from_holder || r.to_holder ? pair(r.from_holder, r.to_holder, (v) => h('code', {}, v)) : '') },
            { label: 'Transfer log', cell: transferCell },
            { label: 'Routing before → after', cell: routingCell },
          ],
          c.rows,
          'no change matches these filters.',
        ),
        csvLink(`/api/registry-changes${qs({ ...filter, limit: 10000, format: 'csv' })}`),
      );
  }

  if (flow.status === 'rejected') fill(flows, errorBox(flow.reason));
  else {
    const f = flow.value;
    if (f.stored_events === 0) fill(flows, h('p', { class: 'note empty-state' }, f.note ?? 'No registry changes stored yet.'));
    else if (f.years.length === 0) fill(flows, h('p', { class: 'note' }, `No ${f.family === 'ipv4' ? 'IPv4' : 'IPv6'} space moved between RIRs in the stored diffs.`));
    else
      fill(
        flows,
        netTable(f.years, f.rirs, f.unit),
        [...f.years].reverse().map((y) => flowMatrix(y, f.rirs, f.unit)),
        csvLink(`/api/registry-changes/flows${qs({ family: f.family === 'ipv4' ? '4' : '6', format: 'csv' })}`),
      );
  }
}
