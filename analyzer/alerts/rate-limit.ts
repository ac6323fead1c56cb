import type { Alert, SuppressedSummary } from './alert.js';

const SAMPLES = 10;

/**
 * A channel's rate limit: at most `max` alerts per sliding `periodSeconds`. Alerts over the limit
 * are not sent but counted; the summary rides on the next alert let through (or on a summary alert).
 */
export class RateLimiter {
  private sent: number[] = [];
  private held: { count: number; since: number; samples: string[]; rules: Set<string> } | null = null;

  constructor(private readonly limit: { max: number; periodSeconds: number } | null, private readonly now: () => number = Date.now) {}

  /** The alert to send (with any pending overflow summary attached), or null when it is held back. */
  admit(alert: Alert): Alert | null {
    if (!this.take()) {
      this.held ??= { count: 0, since: this.now(), samples: [], rules: new Set() };
      this.held.count++;
      if (this.held.samples.length < SAMPLES) this.held.samples.push(alert.title);
      this.held.rules.add(alert.rule);
      return null;
    }
    const summary = this.drainSummary();
    return summary ? { ...alert, suppressed: summary } : alert;
  }

  /** Alerts held back and not yet reported. */
  heldCount(): number {
    return this.held?.count ?? 0;
  }

  /** When the window has room again (or `force`), takes the pending overflow summary for a standalone alert. */
  takeSummary(force = false): SuppressedSummary | null {
    if (!this.held) return null;
    if (!force && !this.take()) return null;
    return this.drainSummary();
  }

  private drainSummary(): SuppressedSummary | null {
    if (!this.held) return null;
    const h = this.held;
    this.held = null;
    return { count: h.count, since: new Date(h.since).toISOString(), samples: h.samples, rules: [...h.rules] };
  }

  private take(): boolean {
    if (!this.limit) return true;
    const now = this.now();
    const from = now - this.limit.periodSeconds * 1000;
    while (this.sent.length && this.sent[0] <= from) this.sent.shift();
    if (this.sent.length >= this.limit.max) return false;
    this.sent.push(now);
    return true;
  }
}
