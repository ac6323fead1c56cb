import type { Rir } from '../../analyzer/models/registry.js';
import type { QueryRunner } from './sql-runner.js';
import type { Row } from './store-port.js';
import type { TimeRange } from './params.js';

/**
 * The dashboard's read queries against the store's tables (analyzer/store/schema.ts):
 * `route_events` (ordered by prefix, time) and `finding_events`. Counts are cast to
 * UInt32 so JSON carries numbers, not quoted 64-bit strings. Times are seconds since 1970.
 */

const MISMATCH = 'notEmpty(kinds)';

/** `AND time >= … AND time < …` for the range's ends that are set (partition pruning works on it). */
function rangeClause(range: TimeRange | undefined, params: Record<string, unknown>): string {
  let out = '';
  if (range?.from !== null && range?.from !== undefined) {
    params.from = range.from;
    out += " AND time >= toDateTime64({from:Float64}, 6, 'UTC')";
  }
  if (range?.to !== null && range?.to !== undefined) {
    params.to = range.to;
    out += " AND time < toDateTime64({to:Float64}, 6, 'UTC')";
  }
  return out;
}

/**
 * The latest classification of every announced prefix (in the range): one row per prefix.
 * The table is ordered by prefix, so this aggregates in order.
 */
function latestPerPrefix(family: 4 | 6, range: TimeRange | undefined, params: Record<string, unknown>): string {
  params.family = family;
  return `SELECT prefix,
      argMax(prefix_rir, time) AS prefix_rir, argMax(usage_region, time) AS usage_region,
      argMax(main_country, time) AS main_country, argMax(registered_cc, time) AS registered_cc,
      argMax(origin_asn, time) AS origin_asn, argMax(kinds, time) AS kinds, argMax(severity, time) AS severity,
      any(addresses) AS addresses, max(time) AS last_time
    FROM route_events
    WHERE elem_type = 'announce' AND classified AND family = {family:UInt8}${rangeClause(range, params)}
    GROUP BY prefix`;
}

export interface Summary {
  events: number;
  announcements: number;
  withdrawals: number;
  prefixes: number;
  origins: number;
  mismatchedPrefixes: number;
  firstTime: number | null;
  lastTime: number | null;
  findingEvents: Row[];
  kinds: Row[];
}

export async function summary(run: QueryRunner): Promise<Summary> {
  const [totals] = await run(`SELECT toUInt32(count()) AS events, toUInt32(countIf(elem_type = 'announce')) AS announcements,
      toUInt32(countIf(elem_type = 'withdraw')) AS withdrawals, toUInt32(uniq(prefix)) AS prefixes,
      toUInt32(uniq(origin_asn)) AS origins, toUInt32(uniqIf(prefix, ${MISMATCH})) AS mismatched_prefixes,
      if(count() = 0, NULL, toUnixTimestamp(min(time))) AS first_time, if(count() = 0, NULL, toUnixTimestamp(max(time))) AS last_time
    FROM route_events`);
  const findingEvents = await run(`SELECT toString(type) AS type, toUInt32(count()) AS events FROM finding_events GROUP BY type ORDER BY type`);
  const kinds = await run(`SELECT kind, toUInt32(uniq(prefix)) AS prefixes, sum(addresses) AS addresses FROM
      (SELECT prefix, argMax(kinds, time) AS kinds, any(addresses) AS addresses FROM route_events WHERE elem_type = 'announce' AND classified GROUP BY prefix)
    ARRAY JOIN kinds AS kind GROUP BY kind ORDER BY prefixes DESC`);
  const t = totals ?? {};
  return {
    events: Number(t.events ?? 0),
    announcements: Number(t.announcements ?? 0),
    withdrawals: Number(t.withdrawals ?? 0),
    prefixes: Number(t.prefixes ?? 0),
    origins: Number(t.origins ?? 0),
    mismatchedPrefixes: Number(t.mismatched_prefixes ?? 0),
    firstTime: t.first_time === null || t.first_time === undefined ? null : Number(t.first_time),
    lastTime: t.last_time === null || t.last_time === undefined ? null : Number(t.last_time),
    findingEvents,
    kinds,
  };
}

/** Registering RIR × usage region: distinct prefixes and their addresses, by each prefix's latest classification. */
export function matrix(run: QueryRunner, family: 4 | 6, range?: TimeRange): Promise<Row[]> {
  const params: Record<string, unknown> = {};
  return run(
    `SELECT if(prefix_rir = '', 'unknown', prefix_rir) AS rir, if(usage_region = '', 'unknown', usage_region) AS region,
       toUInt32(count()) AS prefixes, sum(addresses) AS addresses
     FROM (${latestPerPrefix(family, range, params)}) GROUP BY rir, region ORDER BY rir, region`,
    params,
  );
}

const cellWhere = (rir: Rir | 'unknown', region: Rir | 'unknown', params: Record<string, unknown>): string => {
  params.rir = rir === 'unknown' ? '' : rir;
  params.region = region === 'unknown' ? '' : region;
  return 'prefix_rir = {rir:String} AND usage_region = {region:String}';
};

/** The prefixes behind one matrix cell, largest first. */
export function cellPrefixes(run: QueryRunner, family: 4 | 6, rir: Rir | 'unknown', region: Rir | 'unknown', limit: number, range?: TimeRange): Promise<Row[]> {
  const params: Record<string, unknown> = { limit };
  const inner = latestPerPrefix(family, range, params);
  return run(
    `SELECT prefix, addresses, origin_asn, main_country, registered_cc, severity, kinds, toUnixTimestamp(last_time) AS last_seen
     FROM (${inner}) WHERE ${cellWhere(rir, region, params)} ORDER BY addresses DESC, prefix LIMIT {limit:UInt32}`,
    params,
  );
}

/** Origin ASes behind one matrix cell, by prefixes, with totals for the whole cell. */
export async function cellOrigins(run: QueryRunner, family: 4 | 6, rir: Rir | 'unknown', region: Rir | 'unknown', limit: number, range?: TimeRange): Promise<{ rows: Row[]; totals: Row }> {
  const params: Record<string, unknown> = { limit };
  const inner = latestPerPrefix(family, range, params);
  const rows = await run(
    `SELECT origin_asn, toUInt32(count()) AS prefixes, sum(addresses) AS addresses
     FROM (${inner}) WHERE ${cellWhere(rir, region, params)} AND origin_asn IS NOT NULL
     GROUP BY origin_asn ORDER BY prefixes DESC, addresses DESC LIMIT {limit:UInt32}`,
    params,
  );
  const tp: Record<string, unknown> = {};
  const innerT = latestPerPrefix(family, range, tp);
  const [totals] = await run(
    `SELECT toUInt32(count()) AS prefixes, sum(addresses) AS addresses, toUInt32(uniq(origin_asn)) AS origins FROM (${innerT}) WHERE ${cellWhere(rir, region, tp)}`,
    tp,
  );
  return { rows, totals: totals ?? { prefixes: 0, addresses: 0, origins: 0 } };
}

export type MapView = 'used-here' | 'used-abroad';

/**
 * `used-here`: per usage country, space whose registering RIR is not the RIR of the region it is used in.
 * `used-abroad`: per registered country, its space used outside the registering RIR's region.
 */
export function worldMap(run: QueryRunner, view: MapView, range?: TimeRange): Promise<Row[]> {
  const params: Record<string, unknown> = {};
  const key = view === 'used-here' ? 'main_country' : 'registered_cc';
  return run(
    `SELECT ${key} AS cc, toUInt32(count()) AS prefixes, sum(addresses) AS addresses
     FROM (${latestPerPrefix(4, range, params)})
     WHERE prefix_rir != '' AND usage_region != '' AND prefix_rir != usage_region AND ${key} NOT IN ('', 'ZZ', 'EU', 'AP')
     GROUP BY cc ORDER BY addresses DESC`,
    params,
  );
}

export type TopList = 'origins' | 'prefixes' | 'holders' | 'countries';

/** Top lists of mismatched announcements (any kind, or the given kinds) over a time range. */
export function top(run: QueryRunner, list: TopList, range: TimeRange, limit: number, kinds: string[]): Promise<Row[]> {
  const params: Record<string, unknown> = { limit };
  let where = `elem_type = 'announce' AND classified${rangeClause(range, params)}`;
  if (kinds.length) {
    params.kinds = kinds;
    where += ' AND hasAny(kinds, {kinds:Array(String)})';
  } else where += ` AND ${MISMATCH}`;
  const tail = `toUInt32(count()) AS events, toUnixTimestamp(max(time)) AS last_seen`;
  // Addresses of distinct prefixes: the inner query reduces to one row per (key, prefix).
  const byKey = (keyExpr: string, keyName: string, extraWhere = ''): string =>
    `SELECT ${keyName}, toUInt32(count()) AS prefixes, sum(addresses) AS addresses, toUInt32(sum(events)) AS events, max(last_seen) AS last_seen
     FROM (SELECT ${keyExpr} AS ${keyName}, prefix, any(addresses) AS addresses, ${tail}
           FROM route_events WHERE ${where}${extraWhere} GROUP BY ${keyName}, prefix)
     GROUP BY ${keyName} ORDER BY addresses DESC, prefixes DESC LIMIT {limit:UInt32}`;
  switch (list) {
    case 'origins':
      return run(byKey('assumeNotNull(origin_asn)', 'origin_asn', ' AND origin_asn IS NOT NULL'), params);
    case 'countries':
      return run(byKey('main_country', 'country', " AND main_country != ''"), params);
    case 'holders':
      return run(
        `SELECT holder_id, any(prefix_rir) AS prefix_rir, any(registered_cc) AS registered_cc, toUInt32(count()) AS prefixes, sum(addresses) AS addresses, toUInt32(sum(events)) AS events, max(last_seen) AS last_seen
         FROM (SELECT holder_id, prefix, any(prefix_rir) AS prefix_rir, any(registered_cc) AS registered_cc, any(addresses) AS addresses, ${tail}
               FROM route_events WHERE ${where} AND holder_id != '' GROUP BY holder_id, prefix)
         GROUP BY holder_id ORDER BY addresses DESC, prefixes DESC LIMIT {limit:UInt32}`,
        params,
      );
    case 'prefixes':
      return run(
        `SELECT prefix, argMax(prefix_rir, time) AS prefix_rir, argMax(main_country, time) AS main_country, any(addresses) AS addresses, ${tail}
         FROM route_events WHERE ${where} GROUP BY prefix ORDER BY addresses DESC, events DESC LIMIT {limit:UInt32}`,
        params,
      );
  }
}

export interface PrefixHistory {
  seen: Row | null;
  origins: Row[];
  originsOverTime: Row[];
  paths: Row[];
  findings: Row[];
}

/** Everything the store knows about one prefix (primary-key lookups: the table is ordered by prefix). */
export async function prefixHistory(run: QueryRunner, prefix: string, limit: number): Promise<PrefixHistory> {
  const p = { prefix, limit };
  const [seen] = await run(
    `SELECT toUInt32(count()) AS events, toUnixTimestamp(min(time)) AS first_seen, toUnixTimestamp(max(time)) AS last_seen, toUInt32(uniq(peer_ip)) AS peers
     FROM route_events WHERE prefix = {prefix:String} HAVING count() > 0`,
    p,
  );
  const origins = await run(
    `SELECT origin_asn, toUInt32(count()) AS events, toUnixTimestamp(min(time)) AS first_seen, toUnixTimestamp(max(time)) AS last_seen
     FROM route_events WHERE prefix = {prefix:String} AND elem_type = 'announce' AND origin_asn IS NOT NULL
     GROUP BY origin_asn ORDER BY last_seen DESC LIMIT {limit:UInt32}`,
    p,
  );
  const originsOverTime = await run(
    `SELECT toUnixTimestamp(toStartOfDay(time)) AS bucket, origin_asn, toUInt32(count()) AS events
     FROM route_events WHERE prefix = {prefix:String} AND elem_type = 'announce' AND origin_asn IS NOT NULL
     GROUP BY bucket, origin_asn ORDER BY bucket DESC, events DESC LIMIT {limit:UInt32}`,
    p,
  );
  const paths = await run(
    `SELECT as_path, toUInt32(count()) AS events, toUnixTimestamp(max(time)) AS last_seen
     FROM route_events WHERE prefix = {prefix:String} AND elem_type = 'announce'
     GROUP BY as_path ORDER BY events DESC, last_seen DESC LIMIT {limit:UInt32}`,
    p,
  );
  const findings = await findingsWhere(run, 'prefix = {prefix:String}', p);
  return { seen: seen ?? null, origins, originsOverTime, paths, findings };
}

function findingsWhere(run: QueryRunner, where: string, params: Record<string, unknown>): Promise<Row[]> {
  return run(
    `SELECT toUnixTimestamp(time) AS time, toString(type) AS type, reason, prefix, origin_asn, kinds, severity, why, prefix_rir, usage_region, main_country
     FROM finding_events WHERE ${where} ORDER BY time DESC LIMIT {limit:UInt32}`,
    params,
  );
}

/** Announced prefixes among the candidates (the prefixes that can contain an address), most specific first. */
export function coveringPrefixes(run: QueryRunner, candidates: string[]): Promise<Row[]> {
  return run(
    `SELECT prefix, argMax(origin_asn, time) AS origin_asn, toUnixTimestamp(max(time)) AS last_seen, any(prefix_length) AS len
     FROM route_events WHERE prefix IN {candidates:Array(String)} AND elem_type = 'announce'
     GROUP BY prefix ORDER BY len DESC`,
    { candidates },
  );
}

export interface AsnHistory {
  seen: Row | null;
  prefixes: Row[];
  findings: Row[];
}

export async function asnHistory(run: QueryRunner, asn: number, limit: number): Promise<AsnHistory> {
  const p = { asn, limit };
  const [seen] = await run(
    `SELECT toUInt32(count()) AS events, toUInt32(uniq(prefix)) AS prefixes, toUnixTimestamp(min(time)) AS first_seen, toUnixTimestamp(max(time)) AS last_seen
     FROM route_events WHERE origin_asn = {asn:UInt32} HAVING count() > 0`,
    p,
  );
  const prefixes = await run(
    `SELECT prefix, argMax(prefix_rir, time) AS prefix_rir, argMax(usage_region, time) AS usage_region, argMax(main_country, time) AS main_country,
       argMax(kinds, time) AS kinds, argMax(severity, time) AS severity, any(addresses) AS addresses, toUInt32(count()) AS events, toUnixTimestamp(max(time)) AS last_seen
     FROM route_events WHERE origin_asn = {asn:UInt32} AND elem_type = 'announce'
     GROUP BY prefix ORDER BY addresses DESC, prefix LIMIT {limit:UInt32}`,
    p,
  );
  const findings = await findingsWhere(run, 'origin_asn = {asn:UInt32}', p);
  return { seen: seen ?? null, prefixes, findings };
}

export interface CountryHistory {
  usedHere: Row[];
  usedHereByRir: Row[];
  registeredHereUsedIn: Row[];
  findings: Row[];
}

/** A country's two sides: foreign-registered space used there, and where its own registered space is used. */
export async function countryHistory(run: QueryRunner, cc: string, limit: number): Promise<CountryHistory> {
  const p1: Record<string, unknown> = { cc, limit };
  const inner1 = latestPerPrefix(4, undefined, p1);
  const usedHere = await run(
    `SELECT prefix, prefix_rir, registered_cc, origin_asn, kinds, severity, addresses FROM (${inner1})
     WHERE main_country = {cc:String} AND prefix_rir != '' AND prefix_rir != usage_region ORDER BY addresses DESC, prefix LIMIT {limit:UInt32}`,
    p1,
  );
  const p2: Record<string, unknown> = { cc };
  const inner2 = latestPerPrefix(4, undefined, p2);
  const usedHereByRir = await run(
    `SELECT if(prefix_rir = '', 'unknown', prefix_rir) AS rir, toUInt32(count()) AS prefixes, sum(addresses) AS addresses
     FROM (${inner2}) WHERE main_country = {cc:String} GROUP BY rir ORDER BY addresses DESC`,
    p2,
  );
  const p3: Record<string, unknown> = { cc, limit };
  const inner3 = latestPerPrefix(4, undefined, p3);
  const registeredHereUsedIn = await run(
    `SELECT main_country AS country, if(usage_region = '', 'unknown', usage_region) AS region, toUInt32(count()) AS prefixes, sum(addresses) AS addresses
     FROM (${inner3}) WHERE registered_cc = {cc:String} AND main_country != {cc:String} AND main_country != ''
     GROUP BY country, region ORDER BY addresses DESC LIMIT {limit:UInt32}`,
    p3,
  );
  const findings = await findingsWhere(run, '(main_country = {cc:String} OR registered_cc = {cc:String})', { cc, limit });
  return { usedHere, usedHereByRir, registeredHereUsedIn, findings };
}
