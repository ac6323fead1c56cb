import type { AsPathSegment, Community, RouteEvent } from '../../collector/models/route-event.js';
import type { Finding } from '../models/finding.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import type { RibSnapshotRow } from '../models/rib-snapshot.js';
import { hash64, hash64Of, hash64Parts } from './hash.js';

/**
 * Model → row conversion. Column names match schema.ts. A row is built once, as its values in
 * the order of the table's column list (what the writer encodes, see batch.ts); the object form
 * (`Row`) is the same values by name. Times are seconds (numbers), ids bigints.
 */

export type Row = Record<string, unknown>;

function segmentText(s: AsPathSegment): string {
  switch (s.type) {
    case 'AS_SEQUENCE':
      return s.asns.join(' ');
    case 'AS_SET':
      return `{${s.asns.join(',')}}`;
    case 'AS_CONFED_SEQUENCE':
      return `(${s.asns.join(' ')})`;
    case 'AS_CONFED_SET':
      return `[${s.asns.join(',')}]`;
  }
  return '';
}

/** The path as bgpdump writes it (segments joined by spaces); every stored event builds it once. */
export function asPathText(path: AsPathSegment[] | undefined): string {
  if (!path || path.length === 0) return '';
  // Most paths are one AS_SEQUENCE: no array of segment texts to join.
  let text = segmentText(path[0]);
  for (let i = 1; i < path.length; i++) text += ` ${segmentText(path[i])}`;
  return text;
}

export function communityText(c: Community): string {
  if (c.type === 'standard') return `${c.asn}:${c.value}`;
  if (c.type === 'large') return `${c.global}:${c.local1}:${c.local2}`;
  return c.hex;
}

/** A time as the ids hash it: seconds with six decimals. */
export const timeText = (seconds: number): string => seconds.toFixed(6);

const NO_STRINGS: string[] = [];

/** Communities as stored, each as text; one shared empty array when there are none. */
export function communityTexts(communities: Community[] | undefined): string[] {
  if (!communities || communities.length === 0) return NO_STRINGS;
  const out = new Array<string>(communities.length);
  for (let i = 0; i < communities.length; i++) out[i] = communityText(communities[i]);
  return out;
}

/**
 * What a route event's id hashes, in order. The time is hashed as text, as it always has been:
 * the same event keeps its id across versions, and a RIB entry's id is the same whether it is
 * stored as a route_events row or in a RIB snapshot.
 */
export function eventIdParts(e: RouteEvent, asPath: string, nextHop: string, communities: readonly string[]): Array<string | number> {
  return [...eventIdHead(e), ...eventIdTail(e, asPath, nextHop, communities.join(' '))];
}

/** The leading parts of eventIdParts: what the elements of one UPDATE share. */
export const eventIdHead = (e: RouteEvent): Array<string | number> => [e.collector, e.peer_ip, e.peer_asn, timeText(e.timestamp), e.elem_type];

/** The rest of eventIdParts, with the communities joined by spaces. */
export const eventIdTail = (e: RouteEvent, asPath: string, nextHop: string, communities: string): Array<string | number> => [
  e.prefix,
  e.path_id ?? 0,
  asPath,
  nextHop,
  communities,
];

/** A 64-bit hash of the parts (fast, non-cryptographic), a UInt64. */
export function stableId(parts: Array<string | number>): bigint {
  return hash64(parts.join('\u0001'));
}

const familyOf = (prefix: string): 4 | 6 => (prefix.includes(':') ? 6 : 4);

const CLASSIFICATION_COLUMNS = [
  'addresses', 'prefix_rir', 'registered_cc', 'holder_id', 'iana_rir', 'legacy', 'origin_rir', 'origin_cc',
  'usage_region', 'main_country', 'share_abroad', 'kinds', 'geo_subkind', 'severity', 'visibility', 'rov', 'rpki_tas', 'geo_confidence', 'geo_agreement',
] as const;

/** The classification columns a RIB snapshot row holds per route instead of once (they grow with the peers seen). */
const PER_ROUTE_CLASSIFICATION: ReadonlySet<string> = new Set(['severity', 'visibility']);

/** The finding as CLASSIFICATION_COLUMNS values; `perRoute` false leaves out PER_ROUTE_CLASSIFICATION's. */
function pushClassification(out: unknown[], f: Finding | null, perRoute = true): void {
  const start = out.length;
  out.push(
    f?.addresses ?? 0,
    f?.prefixRir ?? '',
    f?.registeredCc ?? '',
    f?.holderId ?? '',
    f?.ianaRir ?? '',
    f?.legacy ?? false,
    f?.originRir ?? '',
    f?.originCc ?? '',
    f?.usageRegion ?? '',
    f?.mainCountry ?? '',
    f?.shareAbroad ?? 0,
    f?.kinds ?? [],
    f?.geoSubkind ?? '',
    f?.severity ?? '',
    f?.visibility ?? 0,
    f?.rov ?? '',
    f?.rpkiTas ?? [],
    f?.geoConfidence ?? '',
    f?.geoAgreement ?? null,
  );
  if (!perRoute) out.splice(start + CLASSIFICATION_COLUMNS.indexOf('severity'), 2);
}

/** Columns of `route_events` the writer fills, in the order of `routeEventValues`. */
export const ROUTE_EVENT_COLUMNS: readonly string[] = [
  'event_id', 'time', 'collector', 'peer_ip', 'peer_asn', 'elem_type', 'prefix', 'family', 'prefix_length', 'path_id',
  'as_path', 'origin_asn', 'origin_asns', 'next_hop', 'communities', 'classified', ...CLASSIFICATION_COLUMNS,
];

/** Columns of `rib_snapshots` the writer fills, in the order of `ribSnapshotValues`. */
export const RIB_SNAPSHOT_COLUMNS: readonly string[] = [
  'event_id', 'time', 'collector', 'prefix', 'family', 'prefix_length', 'origin_asn', 'origin_asns',
  'route_event_id', 'route_peer_ip', 'route_peer_asn', 'route_path_id', 'route_as_path', 'route_next_hop', 'route_communities',
  'route_severity', 'route_visibility', 'classified', ...CLASSIFICATION_COLUMNS.filter((c) => !PER_ROUTE_CLASSIFICATION.has(c)),
];

/** Columns of `finding_events` the writer fills, in the order of `lifecycleValues`. */
export const LIFECYCLE_COLUMNS: readonly string[] = [
  'event_id', 'time', 'type', 'reason', 'prefix', 'family', 'origin_asn', 'origin_asns', 'previous_origin_asns',
  ...CLASSIFICATION_COLUMNS, 'geo_countries', 'geo_shares', 'why', 'geo_databases', 'geo_database_countries', 'geo_database_echo',
];

function smallest(values: number[]): number {
  let m = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] < m) m = values[i];
  return m;
}

/** A route event and its classification (null for withdrawals or when not classified), as ROUTE_EVENT_COLUMNS values. */
export function routeEventValues(e: RouteEvent, finding: Finding | null): unknown[] {
  const asPath = asPathText(e.as_path);
  const communities = communityTexts(e.communities);
  const origins = e.origin_asns ?? [];
  const announce = e.elem_type === 'announce';
  const slash = e.prefix.indexOf('/');
  const pathId = e.path_id ?? 0;
  const nextHop = e.next_hop ?? '';
  const out: unknown[] = [
    hash64Parts(eventIdParts(e, asPath, nextHop, communities)),
    e.timestamp,
    e.collector,
    e.peer_ip,
    e.peer_asn,
    e.elem_type,
    e.prefix,
    familyOf(e.prefix),
    Number(e.prefix.slice(slash + 1)),
    pathId,
    asPath,
    announce && origins.length ? smallest(origins) : null,
    announce ? origins : [],
    nextHop,
    communities,
    finding !== null,
  ];
  pushClassification(out, finding);
  return out;
}

/** A RIB snapshot row as RIB_SNAPSHOT_COLUMNS values. */
export function ribSnapshotValues(r: RibSnapshotRow): unknown[] {
  const ids = r.peerIps.map((_, i) => hash64Of(r.eventIdHalves, i));
  const out: unknown[] = [
    ids[0],
    r.time,
    r.collector,
    r.prefix,
    familyOf(r.prefix),
    Number(r.prefix.slice(r.prefix.indexOf('/') + 1)),
    r.originAsns.length ? smallest(r.originAsns) : null,
    r.originAsns,
    ids,
    r.peerIps,
    r.peerAsns,
    r.pathIds,
    r.asPaths,
    r.nextHops,
    r.communities,
    r.severities,
    r.visibilities,
    r.finding !== null,
  ];
  pushClassification(out, r.finding, false);
  return out;
}

/** A lifecycle event as LIFECYCLE_COLUMNS values. */
export function lifecycleValues(ev: LifecycleEvent): unknown[] {
  const f = ev.finding;
  const time = timeText(ev.time);
  const reason = ev.type === 'finding-ended' ? ev.reason : '';
  const prefix = ev.type === 'origin-changed' ? ev.prefix : f.prefix;
  const previous = ev.type === 'origin-changed' ? ev.previousOriginAsns : [];
  const out: unknown[] = [
    stableId([ev.type, time, prefix, reason, f.originAsns.join(','), previous.join(','), f.kinds.join(',')]),
    ev.time,
    ev.type,
    reason,
    prefix,
    f.family ?? familyOf(prefix),
    f.originAsn,
    f.originAsns,
    previous,
  ];
  pushClassification(out, f);
  out.push(
    f.geo.map((g) => g.cc),
    f.geo.map((g) => g.share),
    f.why,
    f.geoAnswers?.map((a) => a.db) ?? [],
    f.geoAnswers?.map((a) => a.cc ?? '') ?? [],
    f.geoAnswers?.map((a) => a.echo) ?? [],
  );
  return out;
}

const byName = (columns: readonly string[], values: unknown[]): Row => {
  const row: Row = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]] = values[i];
  return row;
};

/** `routeEventValues` by column name. */
export const routeEventRow = (e: RouteEvent, finding: Finding | null): Row => byName(ROUTE_EVENT_COLUMNS, routeEventValues(e, finding));

/** `lifecycleValues` by column name. */
export const lifecycleRow = (ev: LifecycleEvent): Row => byName(LIFECYCLE_COLUMNS, lifecycleValues(ev));
