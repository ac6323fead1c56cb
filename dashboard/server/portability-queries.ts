import type { IndexParams } from '../../analyzer/models/accounting.js';
import type { Rir } from '../../analyzer/models/registry.js';
import type { QueryRunner, Row } from './query-types.js';
import { param, read, sql, type Fragment } from './sql-fragment.js';

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
  /** What the build's confirmed-only count counts (index build --confirmed); null when it has none. */
  geo_agreement: IndexParams['geo_agreement'] | null;
  /** Stored days, newest first. */
  dates: string[];
  /** Set when no index is stored: what to run. */
  message?: string;
}

export const NO_INDEX_MESSAGE = 'No index yet: run `portolan index build FILE…` or let `portolan run` pass a UTC midnight.';

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

/** ClickHouse DateTime text ('2002-07-22 23:37:00.000', UTC) as ISO 8601. */
const isoTime = (t: string): string => (t.includes('T') ? t : `${t.replace(' ', 'T')}Z`);

export function metaOf(build: IndexBuild | null, dates: string[]): IndexMeta {
  if (!build) return { date: null, computed_at: null, snapshot_at: null, filters: null, registry: null, geo: null, units: null, source: null, geo_agreement: null, dates, message: NO_INDEX_MESSAGE };
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
    geo_agreement: p.geo_agreement ?? null,
    dates,
  };
}

/**
 * Which count of a build: every geolocated address (the geo database's), or only those the
 * independent databases agree on (portability_confirmed_flows, migration 9; `--confirmed`).
 */
export type GeoScope = 'all' | 'confirmed';
const FLOW_TABLES: Record<GeoScope, Fragment> = { all: sql`portability_flows`, confirmed: sql`portability_confirmed_flows` };

/**
 * One build's flows of one family, with plain String columns under names that no output alias
 * of the queries below reuses (ClickHouse resolves aliases everywhere in a query).
 */
function buildFlows(build: IndexBuild, family: 4 | 6, scope: GeoScope = 'all'): Fragment {
  return sql`(SELECT toString(rir) AS f_rir, toString(registered_cc) AS f_reg_cc, toString(country) AS f_country, toString(usage_region) AS f_region, addresses AS f_space
    FROM ${FLOW_TABLES[scope]}
    WHERE date = ${param('date', 'Date', build.date)} AND computed_at = toDateTime64(${param('computed_at', 'String', build.computed_at)}, 3, 'UTC') AND family = ${param('family', 'UInt8', family)})`;
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
export function matrixCells(run: QueryRunner, build: IndexBuild, family: 4 | 6, scope: GeoScope = 'all'): Promise<Row[]> {
  return read(
    run,
    sql`SELECT ${RIR_KEY} AS rir, ${REGION_KEY} AS region, sum(f_space) AS addresses
     FROM ${buildFlows(build, family, scope)}
     GROUP BY rir, region ORDER BY rir, region`,
  );
}

/** One matrix cell of the accounting: its routed space and the usage countries behind it. */
export async function matrixCell(run: QueryRunner, build: IndexBuild, family: 4 | 6, rir: Rir | 'unknown', region: Rir | 'unknown', limit: number, scope: GeoScope = 'all'): Promise<{ addresses: number; countries: Row[] }> {
  const from = sql`${buildFlows(build, family, scope)} WHERE ${RIR_KEY} = ${param('cellRir', 'String', rir)} AND ${REGION_KEY} = ${param('cellRegion', 'String', region)}`;
  const [[total], countries] = await Promise.all([
    read(run, sql`SELECT sum(f_space) AS addresses FROM ${from}`),
    read(run, sql`SELECT f_country AS country, sum(f_space) AS addresses FROM ${from} GROUP BY country ORDER BY addresses DESC, country LIMIT ${param('limit', 'UInt32', limit)}`),
  ]);
  return { addresses: Number(total?.addresses ?? 0), countries };
}

export type IndexMapView = 'used-here' | 'used-abroad';

/**
 * `used-here`: per usage country, routed space used there that an RIR of another region registered.
 * `used-abroad`: per registered country (of the registering record), its space used outside
 * the registering RIR's region.
 */
export function mapCountries(run: QueryRunner, build: IndexBuild, view: IndexMapView, family: 4 | 6, scope: GeoScope = 'all'): Promise<Row[]> {
  const key = view === 'used-here' ? 'f_country' : 'f_reg_cc';
  return read(
    run,
    sql`SELECT ${key} AS cc, sum(f_space) AS addresses
     FROM ${buildFlows(build, family, scope)} WHERE ${OUT_OF_REGION} AND ${key} NOT IN ${NOT_A_COUNTRY}
     GROUP BY cc ORDER BY addresses DESC, cc`,
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
  const at = param('cc', 'String', cc);
  const flows = buildFlows(build, family);
  const [usedHereByRir, registeredHereUsedIn, [totals]] = await Promise.all([
    read(
      run,
      sql`SELECT ${RIR_KEY} AS rir, sum(f_space) AS addresses, sumIf(f_space, ${OUT_OF_REGION}) AS out_of_region
       FROM ${flows} WHERE f_country = ${at}
       GROUP BY rir ORDER BY addresses DESC, rir`,
    ),
    read(
      run,
      sql`SELECT f_country AS country, ${REGION_KEY} AS region, sum(f_space) AS addresses, sumIf(f_space, ${OUT_OF_REGION}) AS out_of_region
       FROM ${flows} WHERE f_reg_cc = ${at} AND f_country != ${at} AND f_country != 'ZZ'
       GROUP BY country, region ORDER BY addresses DESC, country LIMIT ${param('limit', 'UInt32', limit)}`,
    ),
    read(
      run,
      sql`SELECT sumIf(f_space, f_country = ${at}) AS used_here, sumIf(f_space, f_country = ${at} AND ${OUT_OF_REGION}) AS used_here_other_rir,
         sumIf(f_space, f_reg_cc = ${at}) AS registered_here, sumIf(f_space, f_reg_cc = ${at} AND ${OUT_OF_REGION}) AS registered_here_used_abroad
       FROM ${flows} WHERE f_country = ${at} OR f_reg_cc = ${at}`,
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
