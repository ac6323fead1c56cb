/**
 * The data a report is rendered from: the stored series over the period and each day's index
 * as stored (latest build). Loading is ./load.ts; rendering (pure) is ./html.ts and ./series.ts.
 */
import type { GeoAgreementFilter, IndexRir, PublishedIndex } from '../models/accounting.js';
import type { IndexSeriesRow } from '../store/portability.js';

/** A day's index as published (`index build --json`): date, params, ipv4, ipv6; no flows. */
export type PublicIndex = PublishedIndex;

export interface ReportData {
  /** When the report was made (ISO 8601, UTC). */
  generated_at: string;
  /** Portolan's version. */
  version: string;
  /** First and last stored day in the report (YYYY-MM-DD). */
  from: string;
  to: string;
  /** The series: one row per (date, family, RIR), latest build of each day, ordered by date, family, RIR. */
  series: IndexSeriesRow[];
  /** Every day's index in the period, oldest first; the last one is the day the tables describe. */
  days: PublicIndex[];
  /** The geolocation databases compared over the last day's routed space; null/absent when not loaded. */
  confidence?: ReportConfidence | null;
  /** Names of the origin ASes shown, by AS number (`--as-names` / asn.txt in the cache); absent without a list. */
  as_names?: Record<string, { name: string; cc: string | null }>;
}

/** The report's series family key. */
export type FamilyKey = 'ipv4' | 'ipv6';

/** The confidence section's figures for one RIR or country (confidence.ts computes them). */
export interface AgreementRow {
  /** Routed space the primary database places in a country with a region. */
  geolocated: number;
  /** Of it, placed in the same region by every independent database. */
  agreed: number;
  /** agreed / geolocated; null when nothing is geolocated. */
  share: number | null;
}

export interface ReportConfidence {
  date: string;
  /** The databases, their versions, and the rule; null when the day has no confirmed count. */
  geo_agreement: GeoAgreementFilter | null;
  by_rir: Record<FamilyKey, Record<IndexRir, AgreementRow>>;
  /** Countries (the primary's) with the most geolocated space the databases do not agree on, per family, largest first. */
  top_disagreeing: Record<FamilyKey, Array<AgreementRow & { cc: string; disagreed: number }>>;
}
