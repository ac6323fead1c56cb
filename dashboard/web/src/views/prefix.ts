import { getJson } from '../api.js';
import { asnLink, countryLink, h, link, prefixLink, section, note, fill } from '../dom.js';
import { addresses, integer, percent, rir, time } from '../format.js';
import { errorBox, kindsList, loading, rirBadge, severityBadge } from './common.js';
import { table } from './table.js';
import { prefixTimeline, type TimelineData } from '../charts/prefix-timeline.js';

export interface RecordOverlap {
  record: { rir: string; cc: string; start: string; value: number; date: string | null; status: string; opaqueId: string | null };
  cidr: string;
  share: number;
}
export interface Registration {
  records: RecordOverlap[];
  coverage: string;
  rir: string | null;
  mixed: boolean;
  iana: { block: string; rir: string | null; designation: string; status: string; date: string | null; note: string | null } | null;
  transfers: Array<{ resource: string; fromRir: string; toRir: string; date: string }>;
}
interface Finding {
  kinds: string[];
  severity: string;
  why: string;
  usageRegion: string | null;
  mainCountry: string | null;
  shareAbroad: number;
  originRir?: string | null;
}
interface PrefixPage {
  prefix: string;
  family: 4 | 6;
  addresses: number;
  registry: Registration | null;
  notes: string[];
  classification: Finding | null;
  geo: { countries: Array<{ cc: string; addresses: number; share: number }>; located: number } | null;
  seen: { events: number; first_seen: string; last_seen: string; peers: number } | null;
  origins: Array<{ origin_asn: number; as_name?: string | null; as_cc?: string | null; events: number; first_seen: string; last_seen: string }>;
  originsOverTime: Array<{ bucket: string; origin_asn: number; as_name?: string | null; as_cc?: string | null; events: number }>;
  paths: Array<{ as_path: string; events: number; last_seen: string }>;
  findings: Array<{ time: string; origin_asn: number | null; as_name?: string | null; as_cc?: string | null; kinds: string[]; severity: string; why: string }>;
  /** With several `--geo` databases: each one's answer, the agreement and confidence; null with one. */
  geoDatabases?: {
    agreement: number;
    confidence: string | null;
    opinions: Array<{ db: string; echo: boolean; mainCountry: string | null; region: string | null; located: number }>;
  } | null;
  /** With `--rpki`: the covering ROAs' trust anchors and each origin's RFC 6811 state; null without. */
  rpki?: { tas: string[]; origins: Array<{ asn: number; rov: string | null }> } | null;
}

export function registrySection(reg: Registration | null, missing: string | undefined): HTMLElement {
  if (!reg) return section('Registry', note(missing ?? 'No registry data.'));
  return section(
    'Registry',
    h('p', {}, 'Registered by ', rirBadge(reg.rir), reg.mixed ? ' (several RIRs)' : '', ` · coverage: ${reg.coverage}`),
    table(
      'Delegation records',
      [
        { label: 'Record', cell: (r) => r.cidr },
        { label: 'RIR', cell: (r) => rir(r.record.rir) },
        { label: 'cc', cell: (r) => countryLink(r.record.cc) },
        { label: 'Status', cell: (r) => r.record.status },
        { label: 'Date', cell: (r) => r.record.date ?? '–' },
        { label: 'Holder id', cell: (r) => (r.record.opaqueId ? link(`/holder/${r.record.rir}/${encodeURIComponent(r.record.opaqueId)}`, h('code', {}, r.record.opaqueId)) : '–') },
        { label: 'Share', cell: (r) => percent(r.share), numeric: true, sort: (r) => Number(r.share) },
      ],
      reg.records,
      'no allocated or assigned record covers it.',
    ),
    reg.iana ? h('p', {}, `IANA: ${reg.iana.block} — ${reg.iana.designation} (${reg.iana.status}${reg.iana.date ? `, ${reg.iana.date}` : ''})`) : note('No IANA context.'),
    reg.transfers.length ? h('ul', {}, reg.transfers.map((t) => h('li', {}, `Transferred ${t.resource} from ${rir(t.fromRir)} to ${rir(t.toRir)} on ${t.date}`))) : null,
  );
}

export function prefixView(main: HTMLElement, params: string[]): void {
  const prefix = params[0];
  const holder = h('div', {}, loading());
  main.append(h('h1', { id: 'page-title' }, `Prefix ${prefix}`), holder);
  // The timeline loads on its own: the page shows without waiting for it.
  const history = section('History', loading());
  history.id = 'prefix-history';
  getJson<TimelineData>(`/api/history/prefix/${prefix}`)
    .then((t) => fill(history, h('h2', {}, 'History'), prefixTimeline(t)))
    .catch((err) => fill(history, h('h2', {}, 'History'), errorBox(err)));
  getJson<PrefixPage>(`/api/prefix/${prefix}`)
    .then((d) => {
      const c = d.classification;
      fill(holder, 
        h('p', { class: 'lead' }, `${addresses(d.addresses, d.family)}.`, d.seen ? ` Seen in ${integer(d.seen.events)} route events from ${time(d.seen.first_seen)} to ${time(d.seen.last_seen)}.` : ' Not seen in the store.'),
        d.notes.length ? h('ul', { class: 'notes' }, d.notes.map((n) => h('li', {}, n))) : null,
        history,
        c
          ? section(
              'Classification now',
              h('p', {}, kindsList(c.kinds), ' ', severityBadge(c.severity)),
              h('p', { class: 'why' }, c.why),
              d.rpki ? h('p', { id: 'prefix-rpki' }, d.rpki.tas.length ? `RPKI: ROAs cover it under ${d.rpki.tas.join(', ')}` : 'RPKI: no ROA covers it') : null,
              h('p', {}, 'Usage region ', rirBadge(c.usageRegion), ' · main country ', countryLink(c.mainCountry), ` · share abroad ${percent(c.shareAbroad)}`),
            )
          : null,
        h(
          'div',
          { class: 'two-col' },
          registrySection(d.registry, undefined),
          section(
            'Geolocation',
            d.geo
              ? table(
                  `Countries (${percent(d.geo.located)} located)`,
                  [
                    { label: 'Country', cell: (r) => countryLink(r.cc === 'ZZ' ? null : r.cc) },
                    { label: 'Addresses', cell: (r) => addresses(r.addresses, d.family), numeric: true, sort: (r) => Number(r.addresses) },
                    { label: 'Share', cell: (r) => percent(r.share), numeric: true, sort: (r) => Number(r.share) },
                  ],
                  d.geo.countries.slice(0, 15),
                )
              : note('No geolocation database loaded.'),
            d.geoDatabases
              ? table(
                  `Databases side by side (agreement ${percent(d.geoDatabases.agreement)}${d.geoDatabases.confidence ? `, ${d.geoDatabases.confidence}` : ''})`,
                  [
                    { label: 'Database', cell: (r) => (r.echo ? `${r.db} (registry echo, not counted)` : r.db) },
                    { label: 'Main country', cell: (r) => countryLink(r.mainCountry) },
                    { label: 'Region', cell: (r) => rirBadge(r.region) },
                    { label: 'Located', cell: (r) => percent(r.located), numeric: true, sort: (r) => Number(r.located) },
                  ],
                  d.geoDatabases.opinions,
                )
              : null,
          ),
        ),
        section(
          'Origins',
          table(
            'Origin ASes seen',
            [
              { label: 'Origin', cell: (r) => asnLink(r.origin_asn, r.as_name, r.as_cc) },
              { label: 'Events', cell: (r) => integer(r.events), numeric: true, sort: (r) => Number(r.events) },
              { label: 'First seen', cell: (r) => time(r.first_seen) },
              { label: 'Last seen', cell: (r) => time(r.last_seen) },
              ...(d.rpki ? [{ label: 'RPKI', cell: (r: PrefixPage['origins'][number]) => d.rpki!.origins.find((o) => o.asn === Number(r.origin_asn))?.rov ?? '–' }] : []),
            ],
            d.origins,
          ),
          table(
            'Origins over time (per day)',
            [
              { label: 'Day', cell: (r) => time(r.bucket).slice(0, 10) },
              { label: 'Origin', cell: (r) => asnLink(r.origin_asn, r.as_name, r.as_cc) },
              { label: 'Events', cell: (r) => integer(r.events), numeric: true, sort: (r) => Number(r.events) },
            ],
            d.originsOverTime,
          ),
        ),
        section(
          'AS paths seen',
          table(
            'Most frequent AS paths',
            [
              { label: 'AS path', cell: (r) => h('code', {}, r.as_path) },
              { label: 'Events', cell: (r) => integer(r.events), numeric: true, sort: (r) => Number(r.events) },
              { label: 'Last seen', cell: (r) => time(r.last_seen) },
            ],
            d.paths,
          ),
        ),
        section(
          'Findings timeline',
          table(
            'Findings, newest first',
            [
              { label: 'Time (UTC)', cell: (r) => time(r.time) },
              { label: 'Origin', cell: (r) => asnLink(r.origin_asn, r.as_name, r.as_cc) },
              { label: 'Kinds', cell: (r) => kindsList(r.kinds) },
              { label: 'Severity', cell: (r) => severityBadge(r.severity) },
              { label: 'Why', cell: (r) => r.why },
            ],
            d.findings,
          ),
        ),
      );
    })
    .catch((err) => fill(holder, errorBox(err)));
}

interface IpPage {
  ip: string;
  family: 4 | 6;
  country: string | null;
  registry: Registration | null;
  notes: string[];
  prefixes: Array<{ prefix: string; origin_asn: number | null; as_name?: string | null; as_cc?: string | null; last_seen: string }>;
}

export function ipView(main: HTMLElement, params: string[]): void {
  const ip = params[0];
  const holder = h('div', {}, loading());
  main.append(h('h1', { id: 'page-title' }, `Address ${ip}`), holder);
  getJson<IpPage>(`/api/ip/${ip}`)
    .then((d) =>
      fill(holder, 
        h('p', { class: 'lead' }, 'Geolocated in ', countryLink(d.country), '.'),
        d.notes.length ? h('ul', { class: 'notes' }, d.notes.map((n) => h('li', {}, n))) : null,
        section(
          'Announced prefixes covering it',
          table(
            'Most specific first',
            [
              { label: 'Prefix', cell: (r) => prefixLink(r.prefix) },
              { label: 'Origin', cell: (r) => asnLink(r.origin_asn, r.as_name, r.as_cc) },
              { label: 'Last seen', cell: (r) => time(r.last_seen) },
            ],
            d.prefixes,
            'no announced prefix in the store covers this address.',
          ),
        ),
        registrySection(d.registry, undefined),
        d.prefixes[0] ? h('p', {}, link(`/prefix/${d.prefixes[0].prefix}`, `Go to ${d.prefixes[0].prefix} →`)) : null,
      ),
    )
    .catch((err) => fill(holder, errorBox(err)));
}
