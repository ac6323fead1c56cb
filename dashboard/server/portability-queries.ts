import type { FamilyIndex, Flow, IndexParams, IndexRir, PortabilityIndex, RirIndex } from '../../analyzer/models/accounting.js';
import type { IndexSeriesRow } from '../../analyzer/store/portability.js';
import type { Rir } from '../../analyzer/models/registry.js';
import type { QueryRunner } from './sql-runner.js';
import type { Row } from './store-port.js';

/**
 * The dashboard's reads of the portability index (migration 4: portability_daily,
 * portability_flows; analyzer/store/portability.ts writes them). Each day may have several
 * builds; `portability_daily FINAL` keeps the latest `computed_at` per (date, family, rir), and
 * the flows of that build carry the same date and computed_at. A build becomes visible when its
 * daily rows land (they are written last), so the build is always chosen from portability_daily.
 *
 * Flows count routed space once per address (IPv4 addresses, IPv6 /48s): the matrix, map and
 * country figures here are sums of flows, never sums of prefix sizes.
 */

/** What the index of one day describes: the build read and its measurement parameters. */
export interface IndexBuild {
  date: string;
  computed_at: string;
  snapshot_at: string;
  params: IndexParams;
}

/** The metadata every index-backed response carries, so the UI can say what it shows. */
export interface IndexMeta {
  date: string | null;
  computed_at: string | null;
  snapshot_at: string | null;
  filters: IndexParams['filters'] | null;
  registry: IndexParams['registry'] | null;
  geo: IndexParams['geo'] | null;
  units: IndexParams['units'] | null;
  source: IndexParams['source']['kind'] | null;
  /** Stored days, newest first. */
  dates: string[];
  /** Set when no index is stored: what to run. */
  message?: string;
}

export const NO_INDEX_MESSAGE = 'No index yet: run `portolan index build FILE…` or let `portolan run` pass a UTC midnight.';

/*
 * Output aliases never reuse a column's name here: ClickHouse resolves an alias wherever the
 * name appears in the query, so `toString(date) AS date … WHERE date = {date:Date}` compares a
 * String with a Date and fails (readIndexSeries and readPortabilityIndex of
 * analyzer/store/portability.ts do that; the dashboard reads through the functions below).
 */

/** The stored days, newest first. */
export async function indexDates(run: QueryRunner): Promise<string[]> {
  const rows = await run('SELECT DISTINCT toString(date) AS day FROM portability_daily ORDER BY day DESC');
  return rows.map((r) => String(r.day));
}

/** The latest build of a day, or null when the day has none. */
export async function latestBuild(run: QueryRunner, date: string): Promise<IndexBuild | null> {
  const [row] = await run(
    `SELECT toString(date) AS day, toString(computed_at) AS built, toString(snapshot_at) AS snapshot, params
     FROM portability_daily FINAL WHERE date = {date:Date} ORDER BY computed_at DESC LIMIT 1`,
    { date },
  );
  if (!row) return null;
  return { date: String(row.day), computed_at: String(row.built), snapshot_at: isoTime(String(row.snapshot)), params: JSON.parse(String(row.params)) as IndexParams };
}

const DAILY_COLUMNS = `toString(date) AS day, family AS fam, toString(rir) AS registry, toString(source) AS src, toString(computed_at) AS built,
  routed, geolocated, in_region, out_of_region, share_out, prefixes_routed, prefixes_geolocated, prefixes_in_region, prefixes_out_of_region,
  origin_same_rir, origin_other_rir, origin_unknown`;

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function seriesRow(r: Row): IndexSeriesRow {
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

/** The stored series: the latest build of each day in [from, to] (inclusive; null = open), per family and RIR. */
export async function indexSeries(run: QueryRunner, range: { from: string | null; to: string | null }): Promise<IndexSeriesRow[]> {
  const rows = await run(
    `SELECT ${DAILY_COLUMNS} FROM portability_daily FINAL
     WHERE date >= {from:Date} AND date <= {to:Date} ORDER BY date, family, rir`,
    { from: range.from ?? '1970-01-01', to: range.to ?? '2149-06-06' },
  );
  return rows.map(seriesRow);
}

/** One day's whole index as stored (its latest build), in the shape of `index build --json`; null when the day has none. */
export async function portabilityIndex(run: QueryRunner, date: string): Promise<PortabilityIndex | null> {
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
  const LIST_FIELD = { holder: 'top_holders', origin: 'top_origins', country: 'top_countries' } as const;
  for (const c of contributors) {
    const r = index[Number(c.fam) === 4 ? 'ipv4' : 'ipv6'][String(c.registry) as IndexRir];
    const field = LIST_FIELD[String(c.which) as keyof typeof LIST_FIELD];
    if (r && field) r[field].push({ key: String(c.k), cc: String(c.code), out_of_region: Number(c.space) });
  }
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

/** ClickHouse DateTime text ('2002-07-22 23:37:00.000', UTC) as ISO 8601. */
const isoTime = (t: string): string => (t.includes('T') ? t : `${t.replace(' ', 'T')}Z`);

export function metaOf(build: IndexBuild | null, dates: string[]): IndexMeta {
  if (!build) return { date: null, computed_at: null, snapshot_at: null, filters: null, registry: null, geo: null, units: null, source: null, dates, message: NO_INDEX_MESSAGE };
  const p = build.params;
  return {
    date: build.date,
    computed_at: build.computed_at,
    snapshot_at: p.snapshot_at ?? build.snapshot_at,
    filters: p.filters,
    registry: p.registry,
    geo: p.geo,
    units: p.units,
    source: p.source?.kind ?? null,
    dates,
  };
}

/**
 * One build's flows of one family, with plain String columns under names that no output alias
 * of the queries below reuses (ClickHouse resolves aliases everywhere in a query).
 */
function buildFlows(build: IndexBuild, family: 4 | 6, params: Record<string, unknown>): string {
  params.date = build.date;
  params.computed_at = build.computed_at;
  params.family = family;
  return `(SELECT toString(rir) AS f_rir, toString(registered_cc) AS f_reg_cc, toString(country) AS f_country, toString(usage_region) AS f_region, addresses AS f_space
    FROM portability_flows
    WHERE date = {date:Date} AND computed_at = toDateTime64({computed_at:String}, 3, 'UTC') AND family = {family:UInt8})`;
}

const FIVE = "('afrinic', 'apnic', 'arin', 'lacnic', 'ripencc')";
/** Row key of the matrix: the five RIRs, and `unknown` for space no RIR has delegated. */
const RIR_KEY = `if(f_rir IN ${FIVE}, f_rir, 'unknown')`;
/** Column key: the usage country's region, `unknown` when not placed (ZZ) or in no region. */
const REGION_KEY = "if(f_region = '' OR f_country = 'ZZ', 'unknown', f_region)";
/** Space registered with one RIR and used in another RIR's region. */
const OUT_OF_REGION = `f_rir IN ${FIVE} AND f_region != '' AND f_country != 'ZZ' AND f_rir != f_region`;
/** Codes that are not one country. */
const NOT_A_COUNTRY = "('', 'ZZ', 'EU', 'AP')";

/** Registering RIR × usage region: routed space per cell (each address once). */
export function matrixCells(run: QueryRunner, build: IndexBuild, family: 4 | 6): Promise<Row[]> {
  const params: Record<string, unknown> = {};
  return run(
    `SELECT ${RIR_KEY} AS rir, ${REGION_KEY} AS region, sum(f_space) AS addresses
     FROM ${buildFlows(build, family, params)}
     GROUP BY rir, region ORDER BY rir, region`,
    params,
  );
}

/** One matrix cell of the accounting: its routed space and the usage countries behind it. */
export async function matrixCell(run: QueryRunner, build: IndexBuild, family: 4 | 6, rir: Rir | 'unknown', region: Rir | 'unknown', limit: number): Promise<{ addresses: number; countries: Row[] }> {
  const params: Record<string, unknown> = { cellRir: rir, cellRegion: region, limit };
  const from = `${buildFlows(build, family, params)} WHERE ${RIR_KEY} = {cellRir:String} AND ${REGION_KEY} = {cellRegion:String}`;
  const [[total], countries] = await Promise.all([
    run(`SELECT sum(f_space) AS addresses FROM ${from}`, params),
    run(`SELECT f_country AS country, sum(f_space) AS addresses FROM ${from} GROUP BY country ORDER BY addresses DESC, country LIMIT {limit:UInt32}`, params),
  ]);
  return { addresses: Number(total?.addresses ?? 0), countries };
}

export type IndexMapView = 'used-here' | 'used-abroad';

/**
 * `used-here`: per usage country, routed space used there that an RIR of another region registered.
 * `used-abroad`: per registered country (of the registering record), its space used outside
 * the registering RIR's region.
 */
export function mapCountries(run: QueryRunner, build: IndexBuild, view: IndexMapView, family: 4 | 6): Promise<Row[]> {
  const params: Record<string, unknown> = {};
  const key = view === 'used-here' ? 'f_country' : 'f_reg_cc';
  return run(
    `SELECT ${key} AS cc, sum(f_space) AS addresses
     FROM ${buildFlows(build, family, params)} WHERE ${OUT_OF_REGION} AND ${key} NOT IN ${NOT_A_COUNTRY}
     GROUP BY cc ORDER BY addresses DESC, cc`,
    params,
  );
}

export interface CountrySpace {
  /** Routed space used in the country, by registering RIR (`unknown`: undelegated). */
  usedHereByRir: Row[];
  /** Space registered to holders in the country, used in other countries. */
  registeredHereUsedIn: Row[];
  /** Totals: used here (all RIRs), of it registered by another region's RIR; registered here, of it used abroad. */
  totals: { used_here: number; used_here_other_rir: number; registered_here: number; registered_here_used_abroad: number };
}

/** A country's two sides in the accounting of one day. */
export async function countrySpace(run: QueryRunner, build: IndexBuild, cc: string, family: 4 | 6, limit: number): Promise<CountrySpace> {
  const p1: Record<string, unknown> = { cc };
  const p2: Record<string, unknown> = { cc, limit };
  const p3: Record<string, unknown> = { cc };
  const [usedHereByRir, registeredHereUsedIn, [totals]] = await Promise.all([
    run(
      `SELECT ${RIR_KEY} AS rir, sum(f_space) AS addresses, sumIf(f_space, ${OUT_OF_REGION}) AS out_of_region
       FROM ${buildFlows(build, family, p1)} WHERE f_country = {cc:String}
       GROUP BY rir ORDER BY addresses DESC, rir`,
      p1,
    ),
    run(
      `SELECT f_country AS country, ${REGION_KEY} AS region, sum(f_space) AS addresses, sumIf(f_space, ${OUT_OF_REGION}) AS out_of_region
       FROM ${buildFlows(build, family, p2)} WHERE f_reg_cc = {cc:String} AND f_country != {cc:String} AND f_country != 'ZZ'
       GROUP BY country, region ORDER BY addresses DESC, country LIMIT {limit:UInt32}`,
      p2,
    ),
    run(
      `SELECT sumIf(f_space, f_country = {cc:String}) AS used_here, sumIf(f_space, f_country = {cc:String} AND ${OUT_OF_REGION}) AS used_here_other_rir,
         sumIf(f_space, f_reg_cc = {cc:String}) AS registered_here, sumIf(f_space, f_reg_cc = {cc:String} AND ${OUT_OF_REGION}) AS registered_here_used_abroad
       FROM ${buildFlows(build, family, p3)} WHERE f_country = {cc:String} OR f_reg_cc = {cc:String}`,
      p3,
    ),
  ]);
  return {
    usedHereByRir,
    registeredHereUsedIn,
    totals: {
      used_here: Number(totals?.used_here ?? 0),
      used_here_other_rir: Number(totals?.used_here_other_rir ?? 0),
      registered_here: Number(totals?.registered_here ?? 0),
      registered_here_used_abroad: Number(totals?.registered_here_used_abroad ?? 0),
    },
  };
}
