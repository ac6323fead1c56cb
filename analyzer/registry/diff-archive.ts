/**
 * The daily registry change stream (`portolan run`): after each registry update, the archive's
 * two newest dates are diffed and the events stored in registry_changes. Each RIR's side is its
 * newest archived file on or before the date, so a RIR that published nothing new that day
 * compares a file with itself and adds no events.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { log } from '../../common/log.js';
import type { RoutedChange, RoutedChanges } from '../models/change-routing.js';
import type { RegistryChange } from '../models/registry.js';
import { archiveDates } from './archive.js';
import { storeDiff } from './changes-store.js';
import { diffRegistries } from './diff.js';
import { loadDiffSnapshot } from './diff-load.js';
import { DEFAULT_MAX_AGE_DAYS } from '../../common/defaults.js';
import { fileAges, staleWarning } from './file-age.js';
import { ParseCache } from './parse-cache.js';

export interface ArchiveDiffResult {
  from: string;
  to: string;
  events: number;
  /** RIRs present on one side only (left out of the comparison). */
  leftOut: string[];
  /** Events stored with their routing (routed on either side). */
  routed: number;
  /** The stale-file warning (a RIR's file older than the max age), or null. */
  stale: string | null;
}

export interface ArchiveDiffOptions {
  /** The newest date this process already diffed: skipped. */
  skipTo?: string | null;
  /** Files older than this many days than their snapshot are stale (a warning; stored for the dashboard). */
  maxAgeDays?: number;
  /** Joins the events with the store's routing (analyzer/change-routing); without it, no routing is stored. */
  routeChanges?: (client: ClickHouseClient, fromDate: string, toDate: string, events: readonly RegistryChange[]) => Promise<RoutedChanges>;
  /** Gets the stored events with their routing (the alerts' registry-change rules). */
  onChanges?: (changes: RoutedChange[]) => void;
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
export async function diffNewestArchived(archive: string, client: ClickHouseClient, opts: ArchiveDiffOptions = {}): Promise<ArchiveDiffResult | null> {
  const pair = newestArchivedPair(archive);
  if (!pair || pair.to === opts.skipTo) return null;
  const maxAgeDays = opts.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  // One cache for both sides: a RIR that published nothing new has one file on both, parsed once.
  const cache = new ParseCache();
  const [a, b] = await Promise.all([loadDiffSnapshot(archive, pair.from, cache), loadDiffSnapshot(archive, pair.to, cache)]);
  const result = diffRegistries(a, b);
  const ages = fileAges(a, b, pair.from, pair.to, result.compared, maxAgeDays);
  const stale = staleWarning(ages, pair.from, pair.to, maxAgeDays);
  if (stale) log.warn({ from: pair.from, to: pair.to }, stale);
  const routed = opts.routeChanges ? await opts.routeChanges(client, pair.from, pair.to, result.events) : null;
  const n = await storeDiff(client, { fromDate: pair.from, toDate: pair.to, events: result.events, routed, ages, maxAgeDays });
  opts.onChanges?.(result.events.map((e, i) => ({ ...e, from_date: pair.from, to_date: pair.to, routing: routed?.routing[i] ?? null })));
  return { ...pair, events: n.events, leftOut: result.leftOut.map((l) => l.rir), routed: n.routed, stale };
}
