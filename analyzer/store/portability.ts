/**
 * Writes and reads the portability index (tables portability_daily, portability_flows,
 * portability_contributors, migration 4). A day may be built more than once (a rebuild with
 * newer registry files, a live snapshot and a backfill): every row carries the build's
 * `computed_at`, and readers take the latest build of each day, so nothing is ever updated.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { INDEX_RIRS, type FamilyIndex, type Figures, type Flow, type IndexParams, type IndexRir, type PortabilityIndex, type RirIndex } from '../models/accounting.js';

const FAMILIES = [
  [4, 'ipv4'],
  [6, 'ipv6'],
] as const;
const LISTS = [
  ['holder', 'top_holders'],
  ['origin', 'top_origins'],
  ['country', 'top_countries'],
] as const;

/** ClickHouse DateTime64 text for a time in milliseconds. */
const chTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** Stores one day's index as a new build (computed now); returns the build's time. */
export async function writePortabilityIndex(client: ClickHouseClient, index: PortabilityIndex, computedAt = Date.now()): Promise<number> {
  const base = { date: index.date, computed_at: chTime(computedAt) };
  const daily: Record<string, unknown>[] = [];
  const contributors: Record<string, unknown>[] = [];
  for (const [family, key] of FAMILIES) {
    for (const rir of INDEX_RIRS) {
      const r = index[key][rir];
      daily.push({
        ...base,
        family,
        rir,
        source: index.params.source.kind,
        snapshot_at: chTime(Date.parse(index.params.snapshot_at)),
        routed: r.routed,
        geolocated: r.geolocated,
        in_region: r.in_region,
        out_of_region: r.out_of_region,
        share_out: r.share_out,
        prefixes_routed: r.prefixes.routed,
        prefixes_geolocated: r.prefixes.geolocated,
        prefixes_in_region: r.prefixes.in_region,
        prefixes_out_of_region: r.prefixes.out_of_region,
        origin_same_rir: r.by_origin.same_rir,
        origin_other_rir: r.by_origin.other_rir,
        origin_unknown: r.by_origin.unknown,
        params: JSON.stringify(index.params),
      });
      for (const [list, field] of LISTS) r[field].forEach((c, i) => contributors.push({ ...base, family, rir, list, rank: i + 1, key: c.key, cc: c.cc, out_of_region: c.out_of_region }));
    }
  }
  const flows = index.flows.map((f) => ({ ...base, ...f }));
  // Flows and contributors first: a build is visible once its daily rows land.
  if (flows.length) await client.insert({ table: 'portability_flows', values: flows, format: 'JSONEachRow' });
  const confirmed = index.confirmed?.flows.map((f) => ({ ...base, ...f })) ?? [];
  if (confirmed.length) await client.insert({ table: 'portability_confirmed_flows', values: confirmed, format: 'JSONEachRow' });
  if (contributors.length) await client.insert({ table: 'portability_contributors', values: contributors, format: 'JSONEachRow' });
  await client.insert({ table: 'portability_daily', values: daily, format: 'JSONEachRow' });
  return computedAt;
}

/** A read query with `{name:Type}` parameters returning JSON rows: a client (clientReader) or the dashboard's runner. */
export type ReadQuery = (sql: string, params?: Record<string, unknown>) => Promise<Array<Record<string, unknown>>>;

export function clientReader(client: ClickHouseClient): ReadQuery {
  return async (sql, params = {}) => {
    const rs = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
    return rs.json<Record<string, unknown>>();
  };
}

/** One row of the stored series: a day, a family and a RIR. */
export interface IndexSeriesRow extends Figures {
  date: string;
  family: 4 | 6;
  rir: IndexRir;
  source: 'live' | 'files';
  computed_at: string;
  prefixes: Figures;
  origin_same_rir: number;
  origin_other_rir: number;
  origin_unknown: number;
}

/*
 * Output aliases never reuse a column's name: ClickHouse resolves an alias wherever the name
 * appears, so `toString(date) AS date … WHERE date >= {from:Date}` would compare a String with
 * a Date. Readers take the latest build of each day: portability_daily FINAL keeps the latest
 * computed_at per (date, family, rir), and that build's flows and contributors share it.
 */
const DAILY_COLUMNS = `toString(date) AS day, family AS fam, toString(rir) AS registry, toString(source) AS src, toString(computed_at) AS built,
  routed, geolocated, in_region, out_of_region, share_out, prefixes_routed, prefixes_geolocated, prefixes_in_region, prefixes_out_of_region,
  origin_same_rir, origin_other_rir, origin_unknown`;

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function seriesRow(r: Record<string, unknown>): IndexSeriesRow {
  const n = (k: string): number => Number(r[k] ?? 0);
  return {
    date: String(r.day),
    family: n('fam') as 4 | 6,
    rir: String(r.registry) as IndexRir,
    source: String(r.src) as 'live' | 'files',
    computed_at: String(r.built),
    routed: n('routed'),
    geolocated: n('geolocated'),
    in_region: n('in_region'),
    out_of_region: n('out_of_region'),
    share_out: r.share_out === null || r.share_out === undefined ? null : Number(r.share_out),
    prefixes: {
      routed: n('prefixes_routed'),
      geolocated: n('prefixes_geolocated'),
      in_region: n('prefixes_in_region'),
      out_of_region: n('prefixes_out_of_region'),
      share_out: ratio(n('prefixes_out_of_region'), n('prefixes_in_region') + n('prefixes_out_of_region')),
    },
    origin_same_rir: n('origin_same_rir'),
    origin_other_rir: n('origin_other_rir'),
    origin_unknown: n('origin_unknown'),
  };
}

/** The stored days, newest first. */
export async function readIndexDates(run: ReadQuery): Promise<string[]> {
  const rows = await run('SELECT DISTINCT toString(date) AS day FROM portability_daily ORDER BY day DESC');
  return rows.map((r) => String(r.day));
}

/** The latest build of each day in [from, to] (inclusive YYYY-MM-DD; either may be absent), by date, family, RIR. */
export async function readIndexSeries(run: ReadQuery, range: { from?: string | null; to?: string | null } = {}): Promise<IndexSeriesRow[]> {
  const rows = await run(
    `SELECT ${DAILY_COLUMNS} FROM portability_daily FINAL
     WHERE date >= {from:Date} AND date <= {to:Date} ORDER BY date, family, rir`,
    { from: range.from ?? '1970-01-01', to: range.to ?? '2149-06-06' },
  );
  return rows.map(seriesRow);
}

/** One day's whole index as stored (its latest build), in the shape of `index build --json` plus flows; null when the day has none. */
export async function readPortabilityIndex(run: ReadQuery, date: string): Promise<PortabilityIndex | null> {
  const daily = await run(`SELECT ${DAILY_COLUMNS}, params FROM portability_daily FINAL WHERE date = {date:Date} ORDER BY family, rir`, { date });
  if (!daily.length) return null;
  const build = { date, computed_at: String(daily[0].built) };
  const where = "date = {date:Date} AND computed_at = toDateTime64({computed_at:String}, 3, 'UTC')";
  const [contributors, flows] = await Promise.all([
    run(
      `SELECT family AS fam, toString(rir) AS registry, toString(list) AS which, key AS k, toString(cc) AS code, out_of_region AS space
       FROM portability_contributors WHERE ${where} ORDER BY family, rir, list, rank`,
      build,
    ),
    run(
      `SELECT family AS fam, toString(rir) AS registry, toString(registered_cc) AS reg_cc, toString(country) AS used_in, toString(usage_region) AS region,
         toString(origin_rir) AS origin_registry, addresses AS space
       FROM portability_flows WHERE ${where} ORDER BY family, rir, registered_cc, country, origin_rir`,
      build,
    ),
  ]);
  const empty = (): FamilyIndex => ({}) as FamilyIndex;
  const index: PortabilityIndex = { date, params: JSON.parse(String(daily[0].params)) as IndexParams, ipv4: empty(), ipv6: empty(), flows: [] };
  for (const row of daily) {
    const s = seriesRow(row);
    const r: RirIndex = {
      routed: s.routed,
      geolocated: s.geolocated,
      in_region: s.in_region,
      out_of_region: s.out_of_region,
      share_out: s.share_out,
      prefixes: s.prefixes,
      by_origin: { same_rir: s.origin_same_rir, other_rir: s.origin_other_rir, unknown: s.origin_unknown, share_other: ratio(s.origin_other_rir, s.origin_same_rir + s.origin_other_rir) },
      top_holders: [],
      top_origins: [],
      top_countries: [],
    };
    index[s.family === 4 ? 'ipv4' : 'ipv6'][s.rir] = r;
  }
  for (const c of contributors) {
    const r = index[Number(c.fam) === 4 ? 'ipv4' : 'ipv6'][String(c.registry) as IndexRir];
    const field = LISTS.find(([list]) => list === String(c.which))?.[1];
    if (r && field) r[field].push({ key: String(c.k), cc: String(c.code), out_of_region: Number(c.space) });
  }
  for (const key of ['ipv4', 'ipv6'] as const) for (const rir of INDEX_RIRS) if (!index[key][rir]) throw new Error(`the stored index of ${date} has no ${key} row for ${rir}`);
  index.flows = flows.map((f) => ({
    family: Number(f.fam) as 4 | 6,
    rir: String(f.registry) as IndexRir,
    registered_cc: String(f.reg_cc),
    country: String(f.used_in),
    usage_region: String(f.region) as Flow['usage_region'],
    origin_rir: String(f.origin_registry) as Flow['origin_rir'],
    addresses: Number(f.space),
  }));
  return index;
}
