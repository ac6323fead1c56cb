/**
 * The routing snapshot a registry diff is joined with, read from the store (ROUTING_RULE): at the
 * end of a snapshot's UTC day, each (prefix, peer, path id)'s last route event; announced ones
 * form the table, filtered as the portability index filters routed space (accounting/routed.ts).
 * Only prefixes that can touch the changed ranges are read: those overlapping an IP range, and
 * those originated by an ASN of an ASN range.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { ROUTE_EVENTS } from '../store/schema/route-events.js';
import { queryRows } from '../store/sql.js';
import { parsePrefix, parseIp, prefixEnd, type Family } from '../../common/ip.js';
import { DEFAULT_FILTERS } from '../models/accounting.js';
import { routedPrefixes } from '../accounting/routed.js';
import type { RoutedFilters } from '../models/accounting.js';
import type { RoutingMoment } from '../models/change-routing.js';
import type { RegistryChange } from '../models/registry.js';
import type { RoutedRoute, RoutingSnapshot } from './join.js';

const DAY = 86_400;
const TIME_T = "DateTime64(6, 'UTC')";
const CHUNK = 5_000;

/** Seconds of the start of a YYYY-MM-DD UTC day. */
const dayStart = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 1000;

type Interval = [bigint, bigint];

/** Sorted, merged intervals. */
function merged(xs: Interval[]): Interval[] {
  xs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Interval[] = [];
  for (const x of xs) {
    const last = out[out.length - 1];
    if (last && x[0] <= last[1] + 1n) {
      if (x[1] > last[1]) last[1] = x[1];
    } else out.push([x[0], x[1]]);
  }
  return out;
}

function overlaps(list: Interval[], first: bigint, last: bigint): boolean {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid][0] <= last) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && list[lo - 1][1] >= first;
}

/** The changed ranges, per family, merged. */
function targetsOf(events: readonly Pick<RegistryChange, 'family' | 'start' | 'end'>[]): { 4: Interval[]; 6: Interval[]; asn: Interval[] } {
  const t: { 4: Interval[]; 6: Interval[]; asn: Interval[] } = { 4: [], 6: [], asn: [] };
  for (const e of events) {
    if (e.family === 'asn') t.asn.push([BigInt(e.start), BigInt(e.end)]);
    else {
      const a = parseIp(e.start);
      const b = parseIp(e.end);
      if (a && b && a.family === b.family) t[a.family].push([a.value, b.value]);
    }
  }
  return { 4: merged(t[4]), 6: merged(t[6]), asn: merged(t.asn) };
}

/** Whether the store holds route events of the UTC day `date`. */
export async function routingKnown(client: ClickHouseClient, date: string): Promise<boolean> {
  const s = dayStart(date);
  const r = await queryRows<{ one: number }>(client, `SELECT 1 AS one FROM ${ROUTE_EVENTS} WHERE time >= {s:${TIME_T}} AND time < {e:${TIME_T}} LIMIT 1`, { s: String(s), e: String(s + DAY) });
  return r.length > 0;
}

/**
 * The routing snapshot at the end of `date` (UTC), for the ranges of `events`. Not known (no
 * routes) when the store has no route events of that day.
 */
export async function routingSnapshotAt(client: ClickHouseClient, date: string, events: readonly Pick<RegistryChange, 'family' | 'start' | 'end'>[], filters: RoutedFilters = DEFAULT_FILTERS): Promise<RoutingSnapshot> {
  const end = dayStart(date) + DAY;
  const moment: RoutingMoment = { date, at: new Date(end * 1000).toISOString(), known: await routingKnown(client, date) };
  if (!moment.known || !events.length) return { moment, routes: [] };
  const targets = targetsOf(events);
  const endParam = String(end);

  // Candidate prefixes: seen before the moment and overlapping an IP range, or originated by an ASN of an ASN range.
  const candidates = new Set<string>();
  if (targets[4].length || targets[6].length) {
    const seen = await queryRows<{ prefix: string }>(client, `SELECT prefix FROM prefix_activity GROUP BY family, prefix HAVING min(first_time) < {end:${TIME_T}}`, { end: endParam });
    for (const { prefix } of seen) {
      const p = parsePrefix(prefix);
      if (p && overlaps(targets[p.family], p.start, prefixEnd(p))) candidates.add(prefix);
    }
  }
  if (targets.asn.length) {
    // Only the ASNs of the changed ranges (origin_prefixes is sorted by origin AS).
    const seen = await queryRows<{ prefix: string }>(
      client,
      `SELECT prefix FROM origin_prefixes
       WHERE arrayExists((lo, hi) -> origin_asn >= lo AND origin_asn <= hi, {lo:Array(UInt32)}, {hi:Array(UInt32)})
       GROUP BY origin_asn, prefix HAVING min(first_time) < {end:${TIME_T}}`,
      { end: endParam, lo: targets.asn.map((r) => Number(r[0])), hi: targets.asn.map((r) => Number(r[1])) },
    );
    for (const { prefix } of seen) candidates.add(prefix);
  }

  // Each (prefix, peer, path id)'s last event before the moment; the announced ones, per (prefix, origin).
  type Cls = { peers: Set<string>; time: number; originRir: string; usageRegion: string; country: string };
  const byRoute = new Map<string, Map<number, Cls>>();
  const list = [...candidates];
  for (let i = 0; i < list.length; i += CHUNK) {
    const got = await queryRows<{ prefix: string; peer_ip: string; last: [string, number | string, string, string, string]; t: number | string }>(
      client,
      `SELECT prefix, peer_ip, argMax(tuple(toString(elem_type), ifNull(origin_asn, 0), origin_rir, usage_region, main_country), time) AS last, toFloat64(max(time)) AS t
       FROM ${ROUTE_EVENTS} WHERE prefix IN {prefixes:Array(String)} AND time < {end:${TIME_T}}
       GROUP BY prefix, peer_ip, path_id`,
      { prefixes: list.slice(i, i + CHUNK), end: endParam },
    );
    for (const r of got) {
      const [type, origin, originRir, usageRegion, country] = r.last;
      if (type !== 'announce') continue;
      const asn = Number(origin);
      let origins = byRoute.get(r.prefix);
      if (!origins) byRoute.set(r.prefix, (origins = new Map()));
      let c = origins.get(asn);
      if (!c) origins.set(asn, (c = { peers: new Set(), time: -Infinity, originRir, usageRegion, country }));
      c.peers.add(r.peer_ip);
      if (Number(r.t) > c.time) Object.assign(c, { time: Number(r.t), originRir, usageRegion, country });
    }
  }
  const routed = routedPrefixes({ forEachRoute: (cb) => byRoute.forEach((origins, prefix) => origins.forEach((c, asn) => cb(prefix, asn, c.peers.size))) }, filters);
  const routes: RoutedRoute[] = [];
  for (const family of [4, 6] as Family[]) {
    const r = routed[family];
    for (let i = 0; i < r.text.length; i++) {
      const c = byRoute.get(r.text[i])!.get(r.origin[i])!;
      routes.push({ text: r.text[i], family, start: BigInt(r.start[i]), end: BigInt(r.end[i]), length: r.length[i], origin: r.origin[i], originRir: c.originRir, usageRegion: c.usageRegion, country: c.country });
    }
  }
  return { moment, routes };
}
