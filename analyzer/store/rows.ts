import { createHash } from 'node:crypto';
import type { AsPathSegment, Community, RouteEvent } from '../../collector/models/route-event.js';
import type { Finding } from '../models/finding.js';
import type { LifecycleEvent } from '../models/lifecycle.js';

/**
 * Model → row conversion for JSONEachRow inserts. Column names match schema.ts. Times are
 * sent as text with six decimals (a bare JSON number would be read as ticks, not seconds).
 */

export type Row = Record<string, unknown>;

export function asPathText(path: AsPathSegment[] | undefined): string {
  if (!path) return '';
  return path
    .map((s) => {
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
    })
    .join(' ');
}

export function communityText(c: Community): string {
  if (c.type === 'standard') return `${c.asn}:${c.value}`;
  if (c.type === 'large') return `${c.global}:${c.local1}:${c.local2}`;
  return c.hex;
}

const timeText = (seconds: number): string => seconds.toFixed(6);

/** First 64 bits of SHA-1 over the parts, as a decimal string (UInt64). */
export function stableId(parts: Array<string | number>): string {
  const digest = createHash('sha1').update(parts.join('\u0001')).digest();
  return digest.readBigUInt64BE(0).toString();
}

const familyOf = (prefix: string): 4 | 6 => (prefix.includes(':') ? 6 : 4);

function classificationColumns(f: Finding | null): Row {
  return {
    addresses: f?.addresses ?? 0,
    prefix_rir: f?.prefixRir ?? '',
    registered_cc: f?.registeredCc ?? '',
    holder_id: f?.holderId ?? '',
    iana_rir: f?.ianaRir ?? '',
    legacy: f?.legacy ?? false,
    origin_rir: f?.originRir ?? '',
    origin_cc: f?.originCc ?? '',
    usage_region: f?.usageRegion ?? '',
    main_country: f?.mainCountry ?? '',
    share_abroad: f?.shareAbroad ?? 0,
    kinds: f?.kinds ?? [],
    geo_subkind: f?.geoSubkind ?? '',
    severity: f?.severity ?? '',
    visibility: f?.visibility ?? 0,
  };
}

/** A route event and its classification (null for withdrawals or when not classified). */
export function routeEventRow(e: RouteEvent, finding: Finding | null): Row {
  const asPath = asPathText(e.as_path);
  const communities = (e.communities ?? []).map(communityText);
  const time = timeText(e.timestamp);
  const origins = e.origin_asns ?? [];
  const originAsn = e.elem_type === 'announce' && origins.length ? Math.min(...origins) : null;
  const slash = e.prefix.indexOf('/');
  return {
    event_id: stableId([e.collector, e.peer_ip, e.peer_asn, time, e.elem_type, e.prefix, e.path_id ?? 0, asPath, e.next_hop ?? '', communities.join(' ')]),
    time,
    collector: e.collector,
    peer_ip: e.peer_ip,
    peer_asn: e.peer_asn,
    elem_type: e.elem_type,
    prefix: e.prefix,
    family: familyOf(e.prefix),
    prefix_length: Number(e.prefix.slice(slash + 1)),
    path_id: e.path_id ?? 0,
    as_path: asPath,
    origin_asn: originAsn,
    origin_asns: e.elem_type === 'announce' ? origins : [],
    next_hop: e.next_hop ?? '',
    communities,
    classified: finding !== null,
    ...classificationColumns(finding),
  };
}

export function lifecycleRow(ev: LifecycleEvent): Row {
  const f = ev.finding;
  const time = timeText(ev.time);
  const reason = ev.type === 'finding-ended' ? ev.reason : '';
  const prefix = ev.type === 'origin-changed' ? ev.prefix : f.prefix;
  const previous = ev.type === 'origin-changed' ? ev.previousOriginAsns : [];
  return {
    event_id: stableId([ev.type, time, prefix, reason, f.originAsns.join(','), previous.join(','), f.kinds.join(',')]),
    time,
    type: ev.type,
    reason,
    prefix,
    family: f.family ?? familyOf(prefix),
    origin_asn: f.originAsn,
    origin_asns: f.originAsns,
    previous_origin_asns: previous,
    ...classificationColumns(f),
    geo_countries: f.geo.map((g) => g.cc),
    geo_shares: f.geo.map((g) => g.share),
    why: f.why,
  };
}
