/**
 * The one retry loop of the project: tries an operation a bounded number of times with capped
 * exponential backoff (no jitter), and stops at the first error the caller calls permanent.
 * Never throws; the result says how it ended, and each caller decides what follows (the store
 * writer spools or rejects the batch, alert delivery dead-letters the alert).
 *
 * Not p-retry: it does not retry a TypeError unless it looks like a network error, and turns a
 * thrown non-Error into a TypeError of its own; both callers retry whatever is not permanent
 * and keep the error as thrown.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export type RetryResult<T> =
  | { ok: true; value: T; attempts: number }
  /** `error` is the last error (undefined when no attempt was made); `permanent` when `isPermanent` ended the tries. */
  | { ok: false; error: unknown; attempts: number; permanent: boolean };

export interface RetryHooks {
  /** An error no retry can help with: the tries end at it. */
  isPermanent?(err: unknown): boolean;
  /** After each failed attempt (1-based), with the wait before the next one, or null when none follows. */
  onFailure?(err: unknown, attempt: number, delayMs: number | null): void;
}

/** Delay after failed attempt `n` (n ≥ 1): initial · 2^(n-1), capped. */
export const backoffDelay = (policy: RetryPolicy, attempt: number): number => Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function retry<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<RetryResult<T>> {
  let error: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      return { ok: true, value: await operation(attempt), attempts: attempt };
    } catch (err) {
      error = err;
      const permanent = hooks.isPermanent?.(err) ?? false;
      const delay = permanent || attempt >= policy.attempts ? null : backoffDelay(policy, attempt);
      hooks.onFailure?.(err, attempt, delay);
      if (permanent) return { ok: false, error, attempts: attempt, permanent };
      if (delay !== null) await sleep(delay);
    }
  }
  return { ok: false, error, attempts: policy.attempts, permanent: false };
}
