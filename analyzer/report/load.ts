/** Reads what a report shows from the store: the series over the period and each day's index. */
import type { ClickHouseClient } from '@clickhouse/client';
import { packageVersion } from '../../common/paths.js';
import { publicIndex } from '../accounting/portability.js';
import { clientReader, readIndexSeries, readPortabilityIndex } from '../store/portability.js';
import { readConfirmedFlows } from '../store/portability-confirmed.js';
import { confidenceOf } from './confidence.js';
import type { PublicIndex, ReportData } from './types.js';

/** The period's data, or null when no index is stored in it. `from`/`to` are inclusive days (either may be absent). */
export async function loadReportData(client: ClickHouseClient, range: { from?: string; to?: string }, now = new Date()): Promise<ReportData | null> {
  const run = clientReader(client);
  const series = await readIndexSeries(run, range);
  if (!series.length) return null;
  const dates = [...new Set(series.map((r) => r.date))].sort();
  const days: PublicIndex[] = [];
  let confidence: ReportData['confidence'] = null;
  for (const date of dates) {
    const day = await readPortabilityIndex(run, date);
    if (!day) continue;
    days.push(publicIndex(day));
    // The confidence section describes the last day: its plain flows against its confirmed ones.
    if (date === dates[dates.length - 1]) {
      const agreement = day.params.geo_agreement ?? null;
      confidence = confidenceOf(date, agreement, day.flows, agreement ? await readConfirmedFlows(run, date) : []);
    }
  }
  return { generated_at: now.toISOString(), version: packageVersion(), from: dates[0], to: dates[dates.length - 1], series, days, confidence };
}
