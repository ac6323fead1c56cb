import { coveredSpace } from '../../analyzer/accounting/covered.js';
import { ROUTE_EVENTS } from '../../analyzer/store/schema/route-events.js';
import type { QueryRunner, Row } from './query-types.js';

/**
 * The series the history charts draw (prefix, ASN and country pages). Each reads by primary
 * key or a small table: route_events, rib_snapshots and prefix_routes_daily are ordered by prefix first,
 * origin_prefixes by origin AS, portability_* by date.
 */

/** Buckets a timeline is cut into at most (wide enough to read on a page, a few hundred rows to read). */
const MAX_BUCKETS = 120;
/** Bucket sizes a timeline may use (seconds): readable steps from a minute to a day. */
const STEPS = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86400];

/** The smallest step that cuts the span into at most MAX_BUCKETS buckets (a day when none does). */
export function bucketFor(spanSeconds: number): number {
  return STEPS.find((s) => spanSeconds / s <= MAX_BUCKETS) ?? 86400;
}

export interface PrefixTimeline {
  /** Seconds per bucket; 86400 reads the per-day table (spans longer than the finest steps allow). */
  bucket: number;
  /** First and last announcement (seconds), null when the store never saw one. */
  from: number | null;
  to: number | null;
  /** Per bucket and origin: announcements and the peers that sent them. */
  origins: Row[];
  /** Per bucket: distinct peers announcing the prefix (any origin) — its visibility. */
  visibility: Row[];
  /** The registry of each origin AS, as classified when announced ('' unknown). */
  originRirs: Row[];
  /** Finding events in time order (start, end, origin change), for the finding periods. */
  findings: Row[];
}

/**
 * A prefix's origins, visibility and findings over time. Spans up to 120 six-hour buckets use
 * route_events (exact peers per bucket); longer ones the per-day table.
 */
export async function prefixTimeline(run: QueryRunner, prefix: string): Promise<PrefixTimeline> {
  const p = { prefix };
  const [span] = await run(
    `SELECT toUnixTimestamp(min(first_time)) AS first, toUnixTimestamp(max(last_time)) AS last
     FROM prefix_routes_daily WHERE prefix = {prefix:String} AND elem_type = 'announce' HAVING count() > 0`,
    p,
  );
  const [findings, originRirs] = await Promise.all([
    run(
      `SELECT toUnixTimestamp(time) AS time, toString(type) AS type, reason, origin_asn, kinds, severity
       FROM finding_events WHERE prefix = {prefix:String} ORDER BY time, type LIMIT 5000`,
      p,
    ),
    run(
      `SELECT origin_asn, argMax(origin_rir, time) AS origin_rir
       FROM ${ROUTE_EVENTS} WHERE prefix = {prefix:String} AND elem_type = 'announce' AND origin_asn IS NOT NULL
       GROUP BY origin_asn ORDER BY origin_asn LIMIT 200`,
      p,
    ),
  ]);
  if (!span) return { bucket: 3600, from: null, to: null, origins: [], visibility: [], originRirs, findings };
  const from = Number(span.first);
  const to = Number(span.last);
  const bucket = bucketFor(Math.max(to - from, 1));
  const daily = bucket >= 86400;
  const q = { ...p, bucket };
  const [origins, visibility] = daily
    ? await Promise.all([
        run(
          `SELECT toUnixTimestamp(toDateTime(day, 'UTC')) AS t, origin_asn, sum(events) AS events, uniqExact(peer_ip) AS peers
           FROM prefix_routes_daily WHERE prefix = {prefix:String} AND elem_type = 'announce' AND origin_known = 1
           GROUP BY t, origin_asn ORDER BY t, origin_asn`,
          q,
        ),
        run(
          `SELECT toUnixTimestamp(toDateTime(day, 'UTC')) AS t, uniqExact(peer_ip) AS peers
           FROM prefix_routes_daily WHERE prefix = {prefix:String} AND elem_type = 'announce' GROUP BY t ORDER BY t`,
          q,
        ),
      ])
    : await Promise.all([
        run(
          `SELECT intDiv(toUnixTimestamp(time), {bucket:UInt32}) * {bucket:UInt32} AS t, origin_asn, count() AS events, uniqExact(peer_ip) AS peers
           FROM ${ROUTE_EVENTS} WHERE prefix = {prefix:String} AND elem_type = 'announce' AND origin_asn IS NOT NULL
           GROUP BY t, origin_asn ORDER BY t, origin_asn`,
          q,
        ),
        run(
          `SELECT intDiv(toUnixTimestamp(time), {bucket:UInt32}) * {bucket:UInt32} AS t, uniqExact(peer_ip) AS peers
           FROM ${ROUTE_EVENTS} WHERE prefix = {prefix:String} AND elem_type = 'announce' GROUP BY t ORDER BY t`,
          q,
        ),
      ]);
  return { bucket, from, to, origins, visibility, originRirs, findings };
}

/**
 * An AS's announced space per day by the registering RIR of the prefixes (each prefix's latest
 * classification), from the stored events: IPv4 in addresses, IPv6 in /48s, each address once per
 * (day, RIR) row (the union of the row's prefixes: a /24 inside an announced /16 adds nothing).
 */
export async function asnSpaceOverTime(run: QueryRunner, asn: number): Promise<Row[]> {
  const rows = await run(
    `SELECT toString(d.day) AS day, d.family AS family, if(l.prefix_rir = '', 'unknown', l.prefix_rir) AS rir, groupUniqArray(d.prefix) AS prefix_list
     FROM (SELECT DISTINCT day, prefix, if(position(prefix, ':') > 0, 6, 4) AS family FROM prefix_routes_daily
           WHERE prefix IN (SELECT prefix FROM origin_prefixes WHERE origin_asn = {asn:UInt32})
             AND origin_asn = {asn:UInt32} AND origin_known = 1 AND elem_type = 'announce') AS d
     INNER JOIN (SELECT prefix, prefix_rir FROM prefix_latest FINAL
                 WHERE prefix IN (SELECT prefix FROM origin_prefixes WHERE origin_asn = {asn:UInt32})) AS l ON l.prefix = d.prefix
     GROUP BY day, family, rir ORDER BY day, family, rir LIMIT 20000`,
    { asn },
  );
  return rows.map(({ prefix_list, ...r }) => {
    const list = prefix_list as string[];
    const space = coveredSpace(list);
    return { ...r, prefixes: list.length, space: Number(r.family) === 6 ? space.ipv6 : space.ipv4 };
  });
}

/**
 * Routed space used in a country per day by registering RIR, from the portability index (each
 * day's latest build; each address once): IPv4 addresses or IPv6 /48s.
 */
export function countrySpaceOverTime(run: QueryRunner, cc: string, family: 4 | 6): Promise<Row[]> {
  return run(
    `SELECT toString(f.date) AS day, f.rir AS rir, sum(f.addresses) AS space
     FROM portability_flows AS f
     INNER JOIN (SELECT date, max(computed_at) AS built FROM portability_daily FINAL WHERE family = {family:UInt8} GROUP BY date) AS b
       ON f.date = b.date AND f.computed_at = b.built
     WHERE f.family = {family:UInt8} AND f.country = {cc:String}
     GROUP BY day, rir ORDER BY day, rir LIMIT 20000`,
    { cc, family },
  );
}
