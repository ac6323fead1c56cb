/**
 * The report's reads of the portability index: the series over a period and one day's whole
 * index, latest build of each day (the same rows and shapes as readIndexSeries and
 * readPortabilityIndex of analyzer/store/portability.ts). Output aliases never reuse a column's
 * name: ClickHouse resolves an alias wherever the name appears, so `toString(date) AS date …
 * WHERE date >= {from:Date}` would compare a String with a Date and fail.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { INDEX_RIRS, type Contributor, type Figures, type IndexParams, type IndexRir, type RirIndex } from '../models/accounting.js';
import type { IndexSeriesRow } from '../store/portability.js';
import type { PublicIndex } from './types.js';

interface DailyRow {
  day: string;
  fam: number;
  registry: string;
  src: string;
  built: string;
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
  params?: string;
}

const DAILY_COLUMNS =
  'toString(date) AS day, family AS fam, toString(rir) AS registry, toString(source) AS src, toString(computed_at) AS built, routed, geolocated, in_region, out_of_region, share_out, ' +
  'prefixes_routed, prefixes_geolocated, prefixes_in_region, prefixes_out_of_region, origin_same_rir, origin_other_rir, origin_unknown';
const SETTINGS = 'SETTINGS output_format_json_quote_64bit_integers = 0';

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

async function query<T>(client: ClickHouseClient, sql: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

function seriesRow(r: DailyRow): IndexSeriesRow {
  const prefixes: Figures = {
    routed: Number(r.prefixes_routed),
    geolocated: Number(r.prefixes_geolocated),
    in_region: Number(r.prefixes_in_region),
    out_of_region: Number(r.prefixes_out_of_region),
    share_out: ratio(Number(r.prefixes_out_of_region), Number(r.prefixes_in_region) + Number(r.prefixes_out_of_region)),
  };
  return {
    date: r.day,
    family: Number(r.fam) as 4 | 6,
    rir: r.registry as IndexRir,
    source: r.src as 'live' | 'files',
    computed_at: r.built,
    routed: Number(r.routed),
    geolocated: Number(r.geolocated),
    in_region: Number(r.in_region),
    out_of_region: Number(r.out_of_region),
    share_out: r.share_out === null ? null : Number(r.share_out),
    prefixes,
    origin_same_rir: Number(r.origin_same_rir),
    origin_other_rir: Number(r.origin_other_rir),
    origin_unknown: Number(r.origin_unknown),
  };
}

/** The latest build of each day in [from, to] (inclusive YYYY-MM-DD; either may be absent), ordered by date, family, RIR. */
export async function readSeries(client: ClickHouseClient, range: { from?: string | null; to?: string | null } = {}): Promise<IndexSeriesRow[]> {
  const rows = await query<DailyRow>(
    client,
    `SELECT ${DAILY_COLUMNS} FROM portability_daily FINAL WHERE date >= {from:Date} AND date <= {to:Date} ORDER BY date, family, rir ${SETTINGS}`,
    { from: range.from ?? '1970-01-01', to: range.to ?? '2149-06-06' },
  );
  return rows.map(seriesRow);
}

const LISTS = { holder: 'top_holders', origin: 'top_origins', country: 'top_countries' } as const;

/** One day's published index (date, params, ipv4, ipv6; no flows) as its latest build stored it, or null. */
export async function readDay(client: ClickHouseClient, date: string): Promise<PublicIndex | null> {
  const daily = await query<DailyRow>(client, `SELECT ${DAILY_COLUMNS}, params FROM portability_daily FINAL WHERE date = {date:Date} ORDER BY family, rir ${SETTINGS}`, { date });
  if (!daily.length) return null;
  const contributors = await query<{ fam: number; registry: string; list: string; key: string; cc: string; out_of_region: number }>(
    client,
    `SELECT family AS fam, toString(rir) AS registry, toString(list) AS list, key, toString(cc) AS cc, out_of_region FROM portability_contributors
     WHERE date = {date:Date} AND computed_at = toDateTime64({built:String}, 3, 'UTC') ORDER BY family, rir, list, rank ${SETTINGS}`,
    { date, built: daily[0].built },
  );
  const index = { date, params: JSON.parse(daily[0].params as string) as IndexParams, ipv4: {}, ipv6: {} } as PublicIndex;
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
    const field = LISTS[c.list as keyof typeof LISTS];
    const r = index[Number(c.fam) === 4 ? 'ipv4' : 'ipv6'][c.registry as IndexRir];
    if (field && r) r[field].push({ key: c.key, cc: c.cc, out_of_region: Number(c.out_of_region) } satisfies Contributor);
  }
  // A day stored before a RIR key existed would lack it; the report needs all of them.
  for (const key of ['ipv4', 'ipv6'] as const) for (const rir of INDEX_RIRS) if (!index[key][rir]) throw new Error(`the stored index of ${date} has no ${key} row for ${rir}`);
  return index;
}
