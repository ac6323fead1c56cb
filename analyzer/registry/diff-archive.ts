/**
 * The daily registry change stream (`portolan run`): after each registry update, the archive's
 * two newest dates are diffed and the events stored in registry_changes. Each RIR's side is its
 * newest archived file on or before the date, so a RIR that published nothing new that day
 * compares a file with itself and adds no events.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { archiveDates } from './archive.js';
import { writeRegistryChanges } from './changes-store.js';
import { diffRegistries } from './diff.js';
import { loadDiffSnapshot } from './diff-load.js';

export interface ArchiveDiffResult {
  from: string;
  to: string;
  events: number;
  /** RIRs present on one side only (left out of the comparison). */
  leftOut: string[];
}

/** The archive's two newest dates, or null when it holds fewer than two. */
export function newestArchivedPair(archive: string): { from: string; to: string } | null {
  const dates = archiveDates(archive);
  return dates.length < 2 ? null : { from: dates[dates.length - 2], to: dates[dates.length - 1] };
}

/**
 * Diffs the archive's two newest dates and stores the events (a pair stored before is replaced:
 * the latest run wins). Null when there is nothing to compare yet, or when `skipTo` is the
 * newest date (already diffed by this process).
 */
export async function diffNewestArchived(archive: string, client: ClickHouseClient, opts: { skipTo?: string | null } = {}): Promise<ArchiveDiffResult | null> {
  const pair = newestArchivedPair(archive);
  if (!pair || pair.to === opts.skipTo) return null;
  const [a, b] = await Promise.all([loadDiffSnapshot(archive, pair.from), loadDiffSnapshot(archive, pair.to)]);
  const result = diffRegistries(a, b);
  const events = await writeRegistryChanges(client, pair.from, pair.to, result.events);
  return { ...pair, events, leftOut: result.leftOut.map((l) => l.rir) };
}
