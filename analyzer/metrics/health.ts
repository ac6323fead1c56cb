/**
 * The `/healthz` answer: 200 when every check that applies passes, 503 with the reasons
 * otherwise. A check given as null does not apply (e.g. `serve` has no feed).
 */

export interface HealthInput {
  /** Result of pinging the store (null: no store). */
  storeReachable: boolean | null;
  /** Whether the live feed is connected (null: no live feed, e.g. files or `serve`). */
  feedConnected: boolean | null;
  /** Seconds behind the live feed (null: unknown or no live feed). */
  lagSeconds: number | null;
  /** Lag above this makes the process unhealthy; null: no lag watch (a replay), lag is only reported. */
  maxLagSeconds: number | null;
}

export type CheckState = 'ok' | 'failing' | 'n/a';

export interface HealthBody {
  status: 'ok' | 'unhealthy';
  checks: { store: CheckState; feed: CheckState; lag: CheckState };
  lagSeconds: number | null;
  /** null when there is no lag watch (`run --replay ws://…`): the lag is reported, never failing. */
  maxLagSeconds: number | null;
  /** Whether lag can make the process unhealthy. */
  lagWatch: boolean;
  /** Why the status is unhealthy, one sentence each; empty when ok. */
  reasons: string[];
}

export interface HealthResult {
  httpStatus: 200 | 503;
  body: HealthBody;
}

const state = (v: boolean | null): CheckState => (v === null ? 'n/a' : v ? 'ok' : 'failing');

export function computeHealth(input: HealthInput): HealthResult {
  const reasons: string[] = [];
  if (input.storeReachable === false) reasons.push('store unreachable (ping failed)');
  if (input.feedConnected === false) reasons.push('live feed not connected');
  const lagWatch = input.maxLagSeconds !== null;
  const lagOk = !lagWatch || input.lagSeconds === null || !Number.isFinite(input.lagSeconds) ? null : input.lagSeconds <= (input.maxLagSeconds as number);
  if (lagOk === false) reasons.push(`feed lag ${Math.round(input.lagSeconds as number)} s exceeds ${input.maxLagSeconds} s`);
  return {
    httpStatus: reasons.length ? 503 : 200,
    body: {
      status: reasons.length ? 'unhealthy' : 'ok',
      checks: { store: state(input.storeReachable), feed: state(input.feedConnected), lag: state(lagOk) },
      lagSeconds: input.lagSeconds,
      maxLagSeconds: input.maxLagSeconds,
      lagWatch,
      reasons,
    },
  };
}

/** A store ping that answers false (not hangs) when the store does not reply within `ms`. */
export async function pingWithin(ping: () => Promise<boolean>, ms = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([ping().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
