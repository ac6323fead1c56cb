/** The report's data files: the series as flat CSV rows, and the index.json document. */
import type { IndexSeriesRow } from '../store/portability.js';
import type { ReportData } from './types.js';

/** The columns of index.csv, in order (snake_case, as in the models). */
export const SERIES_COLUMNS = [
  'date',
  'family',
  'rir',
  'source',
  'computed_at',
  'routed',
  'geolocated',
  'in_region',
  'out_of_region',
  'share_out',
  'prefixes_routed',
  'prefixes_geolocated',
  'prefixes_in_region',
  'prefixes_out_of_region',
  'prefixes_share_out',
  'origin_same_rir',
  'origin_other_rir',
  'origin_unknown',
  'origin_share_other',
] as const;

export type SeriesCsvRow = Record<(typeof SERIES_COLUMNS)[number], string | number | null>;

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** One flat row per (date, family, RIR): the series row with its prefix figures and origin split spread out. */
export function seriesCsvRows(series: IndexSeriesRow[]): SeriesCsvRow[] {
  return series.map((r) => ({
    date: r.date,
    family: r.family,
    rir: r.rir,
    source: r.source,
    computed_at: r.computed_at,
    routed: r.routed,
    geolocated: r.geolocated,
    in_region: r.in_region,
    out_of_region: r.out_of_region,
    share_out: r.share_out,
    prefixes_routed: r.prefixes.routed,
    prefixes_geolocated: r.prefixes.geolocated,
    prefixes_in_region: r.prefixes.in_region,
    prefixes_out_of_region: r.prefixes.out_of_region,
    prefixes_share_out: r.prefixes.share_out,
    origin_same_rir: r.origin_same_rir,
    origin_other_rir: r.origin_other_rir,
    origin_unknown: r.origin_unknown,
    origin_share_other: ratio(r.origin_other_rir, r.origin_same_rir + r.origin_other_rir),
  }));
}

/** index.json: the series and every day's published index (date, params, ipv4, ipv6). */
export function reportJson(data: ReportData): { generated_at: string; version: string; from: string; to: string; series: IndexSeriesRow[]; days: Record<string, ReportData['days'][number]>; confidence?: ReportData['confidence']; as_names?: ReportData['as_names'] } {
  return {
    generated_at: data.generated_at,
    version: data.version,
    from: data.from,
    to: data.to,
    series: data.series,
    days: Object.fromEntries(data.days.map((d) => [d.date, d])),
    ...(data.confidence ? { confidence: data.confidence } : {}),
    ...(data.as_names ? { as_names: data.as_names } : {}),
  };
}
