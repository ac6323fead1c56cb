import type { Rir } from '../../analyzer/models/registry.js';
import { LATEST_ORDER, ROUTE_EVENTS } from '../../analyzer/store/schema/route-events.js';
import type { QueryRunner, Row } from './query-types.js';
import type { TimeRange } from './params.js';
import { frag, join, param, read, sql, type Fragment } from './sql-fragment.js';
import { coveredSpace } from '../../analyzer/accounting/covered.js';


/**
 * The dashboard's reads of the stored route and finding events and their read models
 * (analyzer/store/schema.ts); the portability index is read in portability-queries.ts, the
 * analysts' named queries live in analyzer/store/queries.ts.
 * Whole-table views read the small read models the materialized views keep (migration 2):
 * `prefix_latest` (latest classification per prefix), `prefix_activity`, `origin_prefixes`;
 * top lists read the mismatch rollups (migration 3: all time, daily, hourly, and per event by
 * time for the partial hours at a range's ends); the prefix page reads `prefix_routes_daily`.
 * Only a from/to on a matrix cell's prefix list scans raw events. The matrix, map and country
 * space figures are the portability index's (portability-queries.ts), not sums of prefix sizes. Reads with FINAL rely on the
 * server's compactor (compactor.ts) keeping those tables merged. Counts are plain 64-bit
 * integers: the runner asks for them unquoted in JSON (sql-runner.ts). Times are seconds since 1970.
 */

/** `AND time >= … AND time < …` for the range's ends that are set (partition pruning works on it). */
function rangeClause(range: TimeRange | undefined): Fragment {
  const ends: Fragment[] = [];
  if (range?.from !== null && range?.from !== undefined) ends.push(sql` AND time >= toDateTime64(${param('from', 'Float64', range.from)}, 6, 'UTC')`);
  if (range?.to !== null && range?.to !== undefined) ends.push(sql` AND time < toDateTime64(${param('to', 'Float64', range.to)}, 6, 'UTC')`);
  return join(ends, '');
}

const hasRange = (range: TimeRange | undefined): boolean => range !== undefined && (range.from !== null || range.to !== null);

/**
 * The latest classification of every announced prefix (in the range): one row per prefix.
 * Without a range it is `prefix_latest` (FINAL: the latest row per prefix wins); with one,
 * the raw events are aggregated (the table is ordered by prefix, so in order).
 */
function latestPerPrefix(family: 4 | 6, range: TimeRange | undefined): Fragment {
  const fam = param('family', 'UInt8', family);
  if (!hasRange(range)) {
    return sql`SELECT prefix, prefix_rir, usage_region, main_country, registered_cc, origin_asn, kinds, severity, addresses, last_time
    FROM prefix_latest FINAL WHERE family = ${fam}`;
  }
  // One argMax over a tuple, as prefix_latest's view: every column from the same (latest) event.
  return sql`SELECT prefix, latest.1 AS prefix_rir, latest.2 AS usage_region, latest.3 AS main_country, latest.4 AS registered_cc,
      latest.5 AS origin_asn, latest.6 AS kinds, latest.7 AS severity, addresses, last_time
    FROM (SELECT prefix, argMax((prefix_rir, usage_region, main_country, registered_cc, origin_asn, kinds, severity), ${LATEST_ORDER}) AS latest,
        any(addresses) AS addresses, max(time) AS last_time
      FROM ${ROUTE_EVENTS}
      WHERE elem_type = 'announce' AND classified AND family = ${fam}${rangeClause(range)}
      GROUP BY prefix)`;
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
  const [[totals], [origins], findingEvents, kinds] = await Promise.all([
    // FINAL leaves one row per prefix (cheap once the compactor has merged the parts), so
    // count() is the exact number of prefixes without a distinct count over strings.
    run(`SELECT sum(events) AS events, sum(announcements) AS announcements, sum(withdrawals) AS withdrawals,
        count() AS prefixes,
        if(count() = 0, NULL, toUnixTimestamp(min(first_time))) AS first_time, if(count() = 0, NULL, toUnixTimestamp(max(last_time))) AS last_time
      FROM prefix_activity FINAL`),
    // Prefixes with at least one mismatched announcement: exactly the prefixes of the small all-time rollup.
    run(`SELECT (SELECT uniqExact(origin_asn) FROM origin_prefixes) AS origins, uniqExact(prefix) AS mismatched_prefixes FROM mismatch_prefix_total`),
    run(`SELECT toString(type) AS type, count() AS events FROM finding_events GROUP BY type ORDER BY type`),
    run(`SELECT kind, groupUniqArray(prefix) AS prefix_list FROM (SELECT prefix, kinds FROM prefix_latest FINAL)
      ARRAY JOIN kinds AS kind GROUP BY kind`),
  ]);
  const t = { ...totals, ...origins };
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
    kinds: kindSpace(kinds),
  };
}

/** Per kind: its prefixes and the space they cover, each address once (IPv4 addresses, IPv6 /48s), most prefixes first. */
function kindSpace(rows: Row[]): Row[] {
  return rows
    .map(({ kind, prefix_list }) => {
      const list = prefix_list as string[];
      const space = coveredSpace(list);
      return { kind, prefixes: list.length, ipv4_addresses: space.ipv4, ipv6_48s: space.ipv6 };
    })
    .sort((a, b) => b.prefixes - a.prefixes || String(a.kind).localeCompare(String(b.kind)));
}

const cellWhere = (rir: Rir | 'unknown', region: Rir | 'unknown'): Fragment =>
  sql`prefix_rir = ${param('rir', 'String', rir === 'unknown' ? '' : rir)} AND usage_region = ${param('region', 'String', region === 'unknown' ? '' : region)}`;

const limitTo = (limit: number): Fragment => sql`LIMIT ${param('limit', 'UInt32', limit)}`;

/** The prefixes behind one matrix cell, largest first. */
export function cellPrefixes(run: QueryRunner, family: 4 | 6, rir: Rir | 'unknown', region: Rir | 'unknown', limit: number, range?: TimeRange): Promise<Row[]> {
  return read(
    run,
    sql`SELECT prefix, addresses, origin_asn, main_country, registered_cc, severity, kinds, toUnixTimestamp(last_time) AS last_seen
     FROM (${latestPerPrefix(family, range)}) WHERE ${cellWhere(rir, region)} ORDER BY addresses DESC, prefix ${limitTo(limit)}`,
  );
}

/** Origin ASes behind one matrix cell, by prefixes, with totals for the whole cell; addresses as in `covering`. */
export async function cellOrigins(run: QueryRunner, family: 4 | 6, rir: Rir | 'unknown', region: Rir | 'unknown', limit: number, range?: TimeRange): Promise<{ rows: Row[]; totals: Row }> {
  const inner = latestPerPrefix(family, range);
  const cell = cellWhere(rir, region);
  const [rows, [totals]] = await Promise.all([
    read(
      run,
      sql`SELECT origin_asn, groupUniqArray(prefix) AS prefix_list
       FROM (${inner}) WHERE ${cell} AND origin_asn IS NOT NULL GROUP BY origin_asn`,
    ),
    read(run, sql`SELECT groupUniqArray(prefix) AS prefix_list, uniq(origin_asn) AS origins FROM (${inner}) WHERE ${cell}`),
  ]);
  const ranked = covering(rows, family).sort((a, b) => b.prefixes - a.prefixes || b.addresses - a.addresses || Number(a.origin_asn) - Number(b.origin_asn));
  return { rows: ranked.slice(0, limit), totals: totals ? covering([totals], family)[0] : { prefixes: 0, addresses: 0, origins: 0 } };
}

/**
 * Rows with a `prefix_list` (a key's distinct prefixes) → `prefixes` (how many) and `addresses`:
 * the space they cover, each address once (a /24 inside an announced /16 adds nothing), in the
 * index's units (IPv4 addresses, IPv6 /48s): exact interval arithmetic, not a sum of prefix sizes.
 */
function covering(rows: Row[], family: 4 | 6): Array<Row & { prefixes: number; addresses: number }> {
  return rows.map(({ prefix_list, ...r }) => {
    const list = prefix_list as string[];
    const space = coveredSpace(list);
    return { ...r, prefixes: list.length, addresses: family === 4 ? space.ipv4 : space.ipv6 };
  });
}

export type TopList = 'origins' | 'prefixes' | 'holders' | 'countries';

const HOUR = 3600;
const DAY = 86400;

const isoDay = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);

/**
 * Mismatched announcements in the range, as rows of (key, prefix, addresses, events, last_time)
 * from the coarsest rollup that covers each piece of it: no range is `mismatch_prefix_total`;
 * otherwise whole UTC days come from `mismatch_prefix_daily`, the whole hours beside them from
 * `mismatch_prefix_hourly`, and the partial hours at either end from `mismatch_events` (ordered
 * by time, so only those minutes are read). Any range is answered exactly.
 */
function mismatchedAnnouncements(range: TimeRange, kindFilter: Fragment): Fragment {
  const cols = 'origin_known, origin_asn, main_country, holder_id, prefix_rir, registered_cc, prefix, addresses, events, last_time';
  const { from, to } = range;
  if (from === null && to === null) return sql`SELECT ${cols} FROM mismatch_prefix_total WHERE ${kindFilter}`;
  const parts: Fragment[] = [];
  const piece = (table: string, column: string, type: string, lo: number | string | null, hi: number | string | null): void => {
    const i = parts.length;
    const bound = (name: string, value: number | string): Fragment => {
      const p = param(name, type, value);
      return type === 'Float64' ? sql`toDateTime64(${p}, 6, 'UTC')` : type === 'UInt32' ? sql`toDateTime(${p}, 'UTC')` : p;
    };
    const where = [kindFilter];
    if (lo !== null) where.push(sql`${column} >= ${bound(`lo${i}`, lo)}`);
    if (hi !== null) where.push(sql`${column} < ${bound(`hi${i}`, hi)}`);
    const select = table === 'mismatch_events' ? cols.replace('events, last_time', 'toUInt64(1) AS events, time AS last_time') : cols;
    parts.push(sql`SELECT ${select} FROM ${table} WHERE ${join(where, ' AND ')}`);
  };
  const raw = (lo: number | null, hi: number | null) => piece('mismatch_events', 'time', 'Float64', lo, hi);
  const hourly = (lo: number | null, hi: number | null) => piece('mismatch_prefix_hourly', 'hour', 'UInt32', lo, hi);
  const daily = (lo: number | null, hi: number | null) => piece('mismatch_prefix_daily', 'day', 'Date', lo === null ? null : isoDay(lo), hi === null ? null : isoDay(hi));

  const hFrom = from === null ? null : Math.ceil(from / HOUR) * HOUR;
  const hTo = to === null ? null : Math.floor(to / HOUR) * HOUR;
  if (hFrom !== null && hTo !== null && hFrom >= hTo) {
    raw(from, to); // less than one whole hour
    return join(parts, '\n     UNION ALL\n     ');
  }
  const dFrom = hFrom === null ? null : Math.ceil(hFrom / DAY) * DAY;
  const dTo = hTo === null ? null : Math.floor(hTo / DAY) * DAY;
  if (dFrom !== null && dTo !== null && dFrom >= dTo) {
    hourly(hFrom, hTo); // no whole day
  } else {
    daily(dFrom, dTo);
    if (hFrom !== null && hFrom < dFrom!) hourly(hFrom, dFrom);
    if (hTo !== null && dTo! < hTo) hourly(dTo, hTo);
  }
  if (from !== null && from < hFrom!) raw(from, hFrom);
  if (to !== null && hTo! < to) raw(hTo, to);
  return join(parts, '\n     UNION ALL\n     ');
}

/**
 * Top lists of mismatched announcements (any kind, or the given kinds) of one family over a
 * time range, ranked by the space their prefixes cover, each address once per key (a /24 inside
 * an announced /16 adds nothing): IPv4 addresses, IPv6 /48s. The store gives each key's distinct
 * prefixes; the union is exact interval arithmetic here (analyzer/accounting/covered.ts).
 */
export async function top(run: QueryRunner, list: TopList, range: TimeRange, limit: number, kinds: string[], family: 4 | 6 = 4): Promise<Row[]> {
  // Every row of the mismatch rollups has at least one kind.
  const kindFilter = kinds.length ? sql`hasAny(kinds, ${param('kinds', 'Array(String)', kinds)})` : frag('1');
  const source = sql`(${mismatchedAnnouncements(range, kindFilter)})`;
  const ofFamily = frag(family === 6 ? "position(prefix, ':') > 0" : "position(prefix, ':') = 0");
  const tail = 'sum(events) AS events, toUnixTimestamp(max(last_time)) AS last_seen';
  if (list === 'prefixes') {
    return read(
      run,
      sql`SELECT prefix, argMax(prefix_rir, last_time) AS prefix_rir, argMax(main_country, last_time) AS main_country, any(addresses) AS addresses, ${tail}
       FROM ${source} WHERE ${ofFamily} GROUP BY prefix ORDER BY addresses DESC, events DESC ${limitTo(limit)}`,
    ).then((rows) => rows.map((r) => ({ ...r, addresses: family === 4 ? Number(r.addresses) : Number(r.addresses) / 2 ** 80 })));
  }
  const [keyExpr, keyName, where, extra] = {
    origins: ['origin_asn', 'origin_asn', 'origin_known = 1', ''],
    countries: ['main_country', 'country', "main_country != ''", ''],
    holders: ['holder_id', 'holder_id', "holder_id != ''", 'any(prefix_rir) AS prefix_rir, any(registered_cc) AS registered_cc, '],
  }[list];
  const rows = await read(
    run,
    sql`SELECT ${keyExpr} AS ${keyName}, ${extra}groupUniqArray(prefix) AS prefix_list, ${tail}
     FROM ${source} WHERE ${where} AND ${ofFamily} GROUP BY ${keyName}`,
  );
  const ranked = covering(rows, family);
  const key = (r: Row) => String(r[keyName]);
  ranked.sort((x, y) => y.addresses - x.addresses || y.prefixes - x.prefixes || (key(x) < key(y) ? -1 : 1));
  return ranked.slice(0, limit);
}

export interface PrefixHistory {
  seen: Row | null;
  origins: Row[];
  originsOverTime: Row[];
  paths: Row[];
  findings: Row[];
}

/**
 * Everything the store knows about one prefix, from `prefix_routes_daily` (per day, type,
 * origin, AS path and peer): a busy prefix's hundreds of thousands of events are a few
 * hundred rows there, read by primary key.
 */
export async function prefixHistory(run: QueryRunner, prefix: string, limit: number): Promise<PrefixHistory> {
  const p = { prefix, limit };
  const announced = "prefix = {prefix:String} AND elem_type = 'announce'";
  const [[seen], origins, originsOverTime, paths, findings] = await Promise.all([
    run(
      `SELECT sum(events) AS events, toUnixTimestamp(min(first_time)) AS first_seen, toUnixTimestamp(max(last_time)) AS last_seen, uniqExact(peer_ip) AS peers
       FROM prefix_routes_daily WHERE prefix = {prefix:String} HAVING count() > 0`,
      p,
    ),
    run(
      `SELECT origin_asn, sum(events) AS events, toUnixTimestamp(min(first_time)) AS first_seen, toUnixTimestamp(max(last_time)) AS last_seen
       FROM prefix_routes_daily WHERE ${announced} AND origin_known = 1
       GROUP BY origin_asn ORDER BY last_seen DESC, origin_asn LIMIT {limit:UInt32}`,
      p,
    ),
    run(
      `SELECT toUnixTimestamp(toDateTime(day, 'UTC')) AS bucket, origin_asn, sum(events) AS events
       FROM prefix_routes_daily WHERE ${announced} AND origin_known = 1
       GROUP BY bucket, origin_asn ORDER BY bucket DESC, events DESC, origin_asn LIMIT {limit:UInt32}`,
      p,
    ),
    run(
      `SELECT as_path, sum(events) AS events, toUnixTimestamp(max(last_time)) AS last_seen
       FROM prefix_routes_daily WHERE ${announced}
       GROUP BY as_path ORDER BY events DESC, last_seen DESC, as_path LIMIT {limit:UInt32}`,
      p,
    ),
    findingsWhere(run, 'prefix = {prefix:String}', p),
  ]);
  return { seen: seen ?? null, origins, originsOverTime, paths, findings };
}

function findingsWhere(run: QueryRunner, where: string, params: Record<string, unknown>): Promise<Row[]> {
  return run(
    `SELECT toUnixTimestamp(time) AS time, toString(type) AS type, reason, prefix, origin_asn, kinds, severity, why, prefix_rir, usage_region, main_country
     FROM finding_events WHERE ${where} ORDER BY time DESC LIMIT {limit:UInt32}`,
    params,
  );
}

/**
 * Announced prefixes among the candidates (the prefixes that can contain an address), most
 * specific first, with the origin and time of their latest classified announcement
 * (`prefix_latest`: one row per prefix, however busy the prefix is).
 */
export function coveringPrefixes(run: QueryRunner, candidates: string[]): Promise<Row[]> {
  const family = candidates.some((c) => c.includes(':')) ? 6 : 4;
  return run(
    `SELECT prefix, origin_asn, toUnixTimestamp(last_time) AS last_seen, toUInt8(splitByChar('/', prefix)[2]) AS len
     FROM prefix_latest FINAL WHERE family = {family:UInt8} AND prefix IN {candidates:Array(String)}
     ORDER BY len DESC`,
    { family, candidates },
  );
}

export interface AsnHistory {
  seen: Row | null;
  prefixes: Row[];
  findings: Row[];
}

/** An origin AS's page from `origin_prefixes` (ordered by origin: a primary-key lookup). */
export async function asnHistory(run: QueryRunner, asn: number, limit: number): Promise<AsnHistory> {
  const p = { asn, limit };
  const [[seen], prefixes, findings] = await Promise.all([
    run(
      `SELECT sum(events) AS events, uniqExact(prefix) AS prefixes, toUnixTimestamp(min(first_time)) AS first_seen, toUnixTimestamp(max(last_time)) AS last_seen
       FROM origin_prefixes WHERE origin_asn = {asn:UInt32} HAVING count() > 0`,
      p,
    ),
    run(
      // The latest by time, then visibility, then event id (latest_max, store migration 18).
      `SELECT prefix, latest.prefix_rir AS prefix_rir, latest.usage_region AS usage_region, latest.main_country AS main_country, latest.kinds AS kinds,
         latest.severity AS severity, latest.addresses AS addresses, events, toUnixTimestamp(last) AS last_seen
       FROM (SELECT prefix, max(latest_max) AS latest, sum(events) AS events, max(last_time) AS last
             FROM origin_prefixes WHERE origin_asn = {asn:UInt32} GROUP BY prefix)
       ORDER BY addresses DESC, prefix LIMIT {limit:UInt32}`,
      p,
    ),
    findingsWhere(run, 'origin_asn = {asn:UInt32}', p),
  ]);
  return { seen: seen ?? null, prefixes, findings };
}

/**
 * The latest stored finding events (newest first), for a first page without a live collector,
 * and the number of stored route events (0: nothing ingested yet).
 */
export async function recentFindings(run: QueryRunner, limit: number): Promise<{ rows: Row[]; storedEvents: number }> {
  const [rows, [count]] = await Promise.all([
    run(
      `SELECT toUnixTimestamp(time) AS time, toString(type) AS type, reason, prefix, origin_asn, kinds, severity, why, prefix_rir, usage_region, main_country
       FROM finding_events ORDER BY time DESC LIMIT {limit:UInt32}`,
      { limit },
    ),
    run(`SELECT count() AS events FROM ${ROUTE_EVENTS}`),
  ]);
  return { rows, storedEvents: Number(count?.events ?? 0) };
}

export interface CountryHistory {
  /** Announced prefixes used in the country (latest classification) registered by an RIR of another region; `addresses` is each prefix's size. */
  usedHere: Row[];
  findings: Row[];
}

/**
 * A country's per-prefix listing and findings. Its space figures (by registering RIR, used
 * abroad) come from the portability index (portability-queries.ts: countrySpace).
 */
export async function countryHistory(run: QueryRunner, cc: string, limit: number): Promise<CountryHistory> {
  const [usedHere, findings] = await Promise.all([
    read(
      run,
      sql`SELECT prefix, prefix_rir, registered_cc, origin_asn, kinds, severity, addresses FROM (${latestPerPrefix(4, undefined)})
       WHERE main_country = ${param('cc', 'String', cc)} AND prefix_rir != '' AND prefix_rir != usage_region ORDER BY addresses DESC, prefix ${limitTo(limit)}`,
    ),
    findingsWhere(run, '(main_country = {cc:String} OR registered_cc = {cc:String})', { cc, limit }),
  ]);
  return { usedHere, findings };
}
