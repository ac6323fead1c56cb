import { getJson, qs } from '../api.js';
import { asnLink, countryLink, h, link, prefixLink, fill } from '../dom.js';
import { addressesShort, integer, time } from '../format.js';
import { errorBox, loading, rirBadge, select, storeEmptyNote } from './common.js';
import { csvLink, table, type Column } from './table.js';
import { setUrlParams } from '../url-state.js';

type Row = Record<string, unknown> & { prefixes?: number; addresses?: number; events?: number; last_seen?: string | number };
const LISTS = {
  origins: 'Origin ASes',
  prefixes: 'Prefixes',
  holders: 'Registered holders',
  countries: 'Countries',
} as const;
type ListName = keyof typeof LISTS;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

const SPACE_NOTE = 'Addresses (IPv6: /48s) count each address once per row: a prefix inside another of the same row adds nothing.';

const FAMILIES: Array<[string, string]> = [
  ['4', 'IPv4 (addresses)'],
  ['6', 'IPv6 (/48s)'],
];

function columnsFor(list: ListName, family: string): Column<Row>[] {
  // Each row's space counts every address once (the union of its prefixes), in the family's unit (SPACE_NOTE).
  const spaceCell = (r: Row) => (family === '6' ? integer(num(r.addresses)) : addressesShort(num(r.addresses)));
  const tail: Column<Row>[] = [
    { label: 'Prefixes', cell: (r) => integer(num(r.prefixes)), numeric: true, sort: (r) => num(r.prefixes) },
    { label: family === '6' ? '/48s' : 'Addresses', cell: spaceCell, numeric: true, sort: (r) => num(r.addresses) },
    { label: 'Events', cell: (r) => integer(num(r.events)), numeric: true, sort: (r) => num(r.events) },
    { label: 'Last seen', cell: (r) => time(r.last_seen as string) },
  ];
  switch (list) {
    case 'origins':
      return [{ label: 'Origin AS', cell: (r) => asnLink(r.origin_asn as number, r.as_name as string | null | undefined, r.as_cc as string | null | undefined) }, ...tail];
    case 'prefixes':
      return [
        { label: 'Prefix', cell: (r) => prefixLink(String(r.prefix)) },
        { label: 'Registered by', cell: (r) => rirBadge(r.prefix_rir as string) },
        { label: 'Used in', cell: (r) => countryLink(r.main_country as string) },
        ...tail.filter((c) => c.label !== 'Prefixes'),
      ];
    case 'holders':
      return [
        { label: 'Holder id (opaque)', cell: (r) => link(`/holder/${String(r.prefix_rir)}/${encodeURIComponent(String(r.holder_id))}`, h('code', {}, String(r.holder_id))) },
        { label: 'RIR', cell: (r) => rirBadge(r.prefix_rir as string) },
        { label: 'Registered cc', cell: (r) => countryLink(r.registered_cc as string) },
        ...tail,
      ];
    case 'countries':
      return [{ label: 'Usage country', cell: (r) => countryLink(r.country as string) }, ...tail];
  }
}

const RANGES: Array<[string, string]> = [
  ['', 'all time'],
  ['1h', 'last hour'],
  ['24h', 'last 24 hours'],
  ['7d', 'last 7 days'],
  ['30d', 'last 30 days'],
];

/** `2024-03-01T10:00Z` (or seconds since 1970) → `2024-03-01T10:00`, what a datetime-local field holds; '' when unreadable. */
function localInput(v: string): string {
  if (!v) return '';
  const ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 16) : '';
}

export function topView(main: HTMLElement, _p: string[], query: URLSearchParams): void {
  const list: ListName = (Object.keys(LISTS) as ListName[]).includes(query.get('list') as ListName) ? (query.get('list') as ListName) : 'origins';
  // From the URL: a preset range (1h, 24h…) selects it; a time fills the from/to fields.
  const qFrom = query.get('from') ?? '';
  const preset = RANGES.some(([v]) => v === qFrom);
  const range = select('t-range', 'Time range (finding time)', RANGES, preset ? qFrom : '');
  const from = h('input', { id: 't-from', type: 'datetime-local', value: preset ? '' : localInput(qFrom) });
  const to = h('input', { id: 't-to', type: 'datetime-local', value: localInput(query.get('to') ?? '') });
  const family = select('t-family', 'Family', FAMILIES, query.get('family') === '6' ? '6' : '4');
  const apply = h('button', { type: 'submit' }, 'Apply');
  const holder = h('div', {}, loading());
  const tabs = h(
    'div',
    { class: 'tabs', role: 'group', 'aria-label': 'List' },
    (Object.keys(LISTS) as ListName[]).map((k) => {
      const a = link(`/top${qs({ list: k, from: query.get('from'), to: query.get('to'), family: query.get('family') })}`, LISTS[k]);
      if (k === list) a.setAttribute('aria-current', 'true');
      return a;
    }),
  );
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Time range' },
    family.wrap,
    range.wrap,
    h('div', { class: 'field' }, h('label', { for: 't-from' }, 'or from (UTC)'), from),
    h('div', { class: 'field' }, h('label', { for: 't-to' }, 'to (UTC)'), to),
    h('div', { class: 'field buttons' }, apply),
  );
  main.append(h('h1', {}, `Top ${list === 'origins' ? 'origin ASes' : LISTS[list].toLowerCase()}`), tabs, form, holder);
  const params = (): Record<string, string> => {
    const p: Record<string, string> = { list, family: family.el.value };
    if (from.value) p.from = `${from.value}Z`;
    else if (range.el.value) p.from = range.el.value;
    if (to.value) p.to = `${to.value}Z`;
    return p;
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    // Keeps the other state of the URL (sorts) and sets the range.
    const p = params();
    setUrlParams({ list: p.list, family: p.family === '4' ? null : p.family, from: p.from ?? null, to: p.to ?? null });
    load();
  });
  // A preset range replaces a custom one (the custom fields win otherwise); a custom time unsets the preset.
  range.el.addEventListener('change', () => {
    from.value = '';
    to.value = '';
    form.requestSubmit();
  });
  for (const el of [from, to]) el.addEventListener('change', () => (range.el.value = ''));
  family.el.addEventListener('change', () => form.requestSubmit());
  const load = (): void => {
    const { list: _l, ...p } = params();
    fill(holder, loading());
    getJson<{ rows: Row[] }>(`/api/top/${list}${qs({ ...p, limit: 50 })}`)
      .then(async (d) => fill(holder, d.rows.length ? null : await storeEmptyNote(), table(LISTS[list], columnsFor(list, p.family), d.rows, 'none in this time range.'), h('p', { class: 'note' }, SPACE_NOTE), csvLink(`/api/top/${list}${qs({ ...p, limit: 1000, format: 'csv' })}`)))
      .catch((err) => fill(holder, errorBox(err)));
  };
  load();
}
