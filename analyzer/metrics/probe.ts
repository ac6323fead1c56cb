/** Gathers the `/healthz` inputs from the live parts: a store ping and the source's stats. */
import type { SourceStats } from '../../collector/sources/source.js';
import { pingWithin, type HealthInput } from './health.js';
import { feedConnected } from './metrics.js';

export interface HealthProbe {
  /** The store's ping (e.g. `() => store.ping()`); absent when there is no store. */
  ping?: () => Promise<boolean>;
  /** The source's stats; absent when there is no live feed (`serve`). */
  source?: () => SourceStats;
  /** Lag above this is unhealthy; default 300 s. A source whose own lag watch is off (threshold 0) has none here either. */
  maxLagSeconds?: number;
  pingTimeoutMs?: number;
  /**
   * When the store last answered (ms since 1970): the writer's last insert (`metrics.lastInsertAt`),
   * or before any, the open and migrations at start. An answer within `recentAnswerMs` (default
   * 10 s) stands for the store without a ping: under a saturating load the ping waits behind the
   * inserts (the embedded store runs one query at a time), so /healthz would take seconds (0.8 s
   * behind the first 50,000-row insert of a replay) and a slow ping would read as an outage.
   */
  lastStoreAnswerAt?: () => number | null;
  recentAnswerMs?: number;
}

export const DEFAULT_MAX_LAG_SECONDS = 300;

/**
 * Feed checks apply only to live sources (those that report `connected`); file replays have none.
 * A live source that reports `lagThresholdSec: 0` (the RIS Live client of `run --replay ws://…`)
 * has no lag watch: its lag is reported but never makes the process unhealthy, as the README says.
 */
function answeredRecently(p: HealthProbe): boolean {
  const at = p.lastStoreAnswerAt?.();
  return typeof at === 'number' && Date.now() - at <= (p.recentAnswerMs ?? 10_000);
}

export async function probeHealth(p: HealthProbe): Promise<HealthInput> {
  const stats = p.source?.();
  const connected = stats ? feedConnected(stats) : undefined;
  const live = connected !== undefined;
  const lagWatch = stats?.detail?.lagThresholdSec !== 0;
  return {
    storeReachable: p.ping ? answeredRecently(p) || (await pingWithin(p.ping, p.pingTimeoutMs)) : null,
    feedConnected: live ? connected : null,
    lagSeconds: live && connected && typeof stats?.lagSeconds === 'number' ? stats.lagSeconds : null,
    maxLagSeconds: lagWatch ? (p.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS) : null,
  };
}
