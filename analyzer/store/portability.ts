/**
 * Writes and reads the portability index (tables portability_daily, portability_flows,
 * portability_contributors, migration 4). A day may be built more than once (a rebuild with
 * newer registry files, a live snapshot and a backfill): every row carries the build's
 * `computed_at`, and readers take the latest build of each day, so nothing is ever updated.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { INDEX_RIRS, type Contributor, type Figures, type IndexParams, type IndexRir, type PortabilityIndex, type RirIndex } from '../models/accounting.js';

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
  if (contributors.length) await client.insert({ table: 'portability_contributors', values: contributors, format: 'JSONEachRow' });
  await client.insert({ table: 'portability_daily', values: daily, format: 'JSONEachRow' });
  return computedAt;
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

interface DailyRow {
  /** The date as text (an alias apart from the column, so WHERE compares the Date). */
  day: string;
  family: number;
  rir: string;
  source: string;
  computed_at: string;
  routed: number;
  geolocated: number;
  in_region: number;
  out_of_region: number;
  share_out: number | null;
  prefixes_routed: number;
  prefixes_geolocated: number;
  prefixes_in_region: number;
  prefixes_out_of_region: number;
  origin_same_rir: number;
  origin_other_rir: number;
  origin_unknown: number;
  params: string;
}

const DAILY_COLUMNS =
  'toString(date) AS day, family, toString(rir) AS rir, toString(source) AS source, toString(computed_at) AS computed_at, routed, geolocated, in_region, out_of_region, share_out, prefixes_routed, prefixes_geolocated, prefixes_in_region, prefixes_out_of_region, origin_same_rir, origin_other_rir, origin_unknown';


/** The latest build of each day in [from, to] (inclusive YYYY-MM-DD; either may be null). */
export async function readIndexSeries(client: ClickHouseClient, range: { from?: string | null; to?: string | null } = {}): Promise<IndexSeriesRow[]> {
  const rows = await query<DailyRow>(
    client,
    `SELECT ${DAILY_COLUMNS} FROM portability_daily FINAL
     WHERE date >= {from:Date} AND date <= {to:Date} ORDER BY date, family, rir SETTINGS output_format_json_quote_64bit_integers = 0`,
    { from: range.from ?? '1970-01-01', to: range.to ?? '2149-06-06' },
  );
  return rows.map(toSeriesRow);
}

/** The stored days, newest first. */
export async function readIndexDates(client: ClickHouseClient): Promise<string[]> {
  const rows = await query<{ date: string }>(client, 'SELECT DISTINCT toString(date) AS date FROM portability_daily ORDER BY date DESC', {});
  return rows.map((r) => r.date);
}

/** One day's whole index as stored (its latest build), or null when the day has none. */
export async function readPortabilityIndex(client: ClickHouseClient, date: string): Promise<PortabilityIndex | null> {
  const daily = await query<DailyRow>(client, `SELECT ${DAILY_COLUMNS}, params FROM portability_daily FINAL WHERE date = {date:Date} SETTINGS output_format_json_quote_64bit_integers = 0`, { date });
  if (!daily.length) return null;
  const build = { date, computed_at: daily[0].computed_at };
  const where = 'date = {date:Date} AND computed_at = toDateTime64({computed_at:String}, 3, \'UTC\')';
  const [contributors, flows] = await Promise.all([
    query<{ family: number; rir: string; list: string; key: string; cc: string; out_of_region: number }>(
      client,
      `SELECT family, toString(rir) AS rir, toString(list) AS list, key, toString(cc) AS cc, out_of_region FROM portability_contributors WHERE ${where} ORDER BY family, rir, list, rank`,
      build,
    ),
    query<{ family: number; rir: string; registered_cc: string; country: string; usage_region: string; origin_rir: string; addresses: number }>(
      client,
      `SELECT family, toString(rir) AS rir, toString(registered_cc) AS registered_cc, toString(country) AS country, toString(usage_region) AS usage_region, toString(origin_rir) AS origin_rir, addresses
       FROM portability_flows WHERE ${where} ORDER BY family, rir, registered_cc, country, origin_rir`,
      build,
    ),
  ]);
  const index = { date, params: JSON.parse(daily[0].params) as IndexParams, ipv4: {}, ipv6: {}, flows: [] } as unknown as PortabilityIndex;
  for (const row of daily) {
    const s = toSeriesRow(row);
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
    const field = LISTS.find(([list]) => list === c.list)?.[1];
    const r = index[c.family === 4 ? 'ipv4' : 'ipv6'][c.rir as IndexRir];
    if (field && r) r[field].push({ key: c.key, cc: c.cc, out_of_region: c.out_of_region } satisfies Contributor);
  }
  index.flows = flows.map((f) => ({ ...f, family: f.family as 4 | 6, rir: f.rir as IndexRir, usage_region: f.usage_region as never, origin_rir: f.origin_rir as never }));
  return index;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function toSeriesRow(r: DailyRow): IndexSeriesRow {
  const prefixes: Figures = {
    routed: Number(r.prefixes_routed),
    geolocated: Number(r.prefixes_geolocated),
    in_region: Number(r.prefixes_in_region),
    out_of_region: Number(r.prefixes_out_of_region),
    share_out: ratio(Number(r.prefixes_out_of_region), Number(r.prefixes_in_region) + Number(r.prefixes_out_of_region)),
  };
  return {
    date: r.day,
    family: Number(r.family) as 4 | 6,
    rir: r.rir as IndexRir,
    source: r.source as 'live' | 'files',
    computed_at: r.computed_at,
    routed: r.routed,
    geolocated: r.geolocated,
    in_region: r.in_region,
    out_of_region: r.out_of_region,
    share_out: r.share_out,
    prefixes,
    origin_same_rir: r.origin_same_rir,
    origin_other_rir: r.origin_other_rir,
    origin_unknown: r.origin_unknown,
  };
}

async function query<T>(client: ClickHouseClient, sql: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}
