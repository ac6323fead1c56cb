/** Reads what a report shows from the store: the series over the period and each day's index. */
import type { ClickHouseClient } from '@clickhouse/client';
import { packageVersion } from '../../common/paths.js';
import { publicIndex } from '../accounting/portability.js';
import { clientReader, readIndexSeries, readPortabilityIndex } from '../store/portability.js';
import type { PublicIndex, ReportData } from './types.js';

/** The period's data, or null when no index is stored in it. `from`/`to` are inclusive days (either may be absent). */
export async function loadReportData(client: ClickHouseClient, range: { from?: string; to?: string }, now = new Date()): Promise<ReportData | null> {
  const run = clientReader(client);
  const series = await readIndexSeries(run, range);
  if (!series.length) return null;
  const dates = [...new Set(series.map((r) => r.date))].sort();
  const days: PublicIndex[] = [];
  for (const date of dates) {
    const day = await readPortabilityIndex(run, date);
    if (day) days.push(publicIndex(day));
  }
  return { generated_at: now.toISOString(), version: packageVersion(), from: dates[0], to: dates[dates.length - 1], series, days };
}
