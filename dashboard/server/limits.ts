import type { IncomingMessage } from 'node:http';
import { DEFAULT_QUERY_MEMORY_BYTES, DEFAULT_RESULT_BYTES, parseByteSize } from '../../analyzer/store/readonly.js';
import { HttpError } from './http.js';
import type { DashboardDeps } from './types.js';

/** Limits of the SQL console (POST /api/sql). The dashboard's own queries are not counted. */
export interface ConsoleLimits {
  /** max_memory_usage per console query, bytes (default 1 GiB); a request may ask for less, never more. */
  maxMemoryBytes: number;
  /** max_result_bytes per console query (default 256 MiB). */
  maxResultBytes: number;
  /** Console queries running at once (default 2); more are refused with 429 and Retry-After. */
  maxConcurrent: number;
  /** Per remote address: queries per minute (default 30), as a token bucket … */
  ratePerMinute: number;
  /** … of this size (default 10): a burst of queries, then the steady rate. */
  burst: number;
}

export const DEFAULT_CONSOLE_LIMITS: ConsoleLimits = {
  maxMemoryBytes: DEFAULT_QUERY_MEMORY_BYTES,
  maxResultBytes: DEFAULT_RESULT_BYTES,
  maxConcurrent: 2,
  ratePerMinute: 30,
  burst: 10,
};

/** 429 Too Many Requests with a Retry-After (seconds). */
export class TooManyRequests extends HttpError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'too-many-requests', message, { 'retry-after': String(retryAfterSeconds) });
  }
}

/** Token buckets per key (the remote address); the map is bounded, full buckets are forgotten first. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes a token for `key`: 0 when allowed, else the seconds until the next token. */
  take(key: string): number {
    const t = this.now();
    const rate = this.perMinute / 60_000; // tokens per ms
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + (t - b.at) * rate);
    b.at = t;
    this.buckets.delete(key);
    this.buckets.set(key, b); // most recent last
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }
}

/** The console's gate: a rate limit per client, then at most N queries at once. */
export class ConsoleGate {
  private running = 0;
  readonly rate: RateLimiter;
  constructor(readonly limits: ConsoleLimits) {
    this.rate = new RateLimiter(limits.ratePerMinute, limits.burst);
  }

  get inFlight(): number {
    return this.running;
  }

  /** Runs `fn` when the client is within its rate and a slot is free; else throws TooManyRequests. */
  async run<T>(client: string, fn: () => Promise<T>): Promise<T> {
    const wait = this.rate.take(client);
    if (wait > 0) throw new TooManyRequests(`too many console queries from ${client}: at most ${this.limits.ratePerMinute} a minute (bursts of ${this.limits.burst}); retry in ${wait} s`, wait);
    if (this.running >= this.limits.maxConcurrent) {
      throw new TooManyRequests(`the SQL console is busy: ${this.running} queries are running, at most ${this.limits.maxConcurrent} at once; retry shortly`, 1);
    }
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
    }
  }
}

const gates = new WeakMap<DashboardDeps, ConsoleGate>();

export function setConsoleLimits(deps: DashboardDeps, limits: Partial<ConsoleLimits> = {}): ConsoleGate {
  const merged = { ...DEFAULT_CONSOLE_LIMITS, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) } as ConsoleLimits;
  for (const [k, v] of Object.entries(merged)) if (!(Number.isFinite(v) && v > 0)) throw new Error(`console limit ${k} must be positive, not ${v}`);
  const gate = new ConsoleGate(merged);
  gates.set(deps, gate);
  return gate;
}

export function consoleGate(deps: DashboardDeps): ConsoleGate {
  return gates.get(deps) ?? setConsoleLimits(deps);
}

/** The client's address for rate limiting (the socket's peer; proxies' headers are not trusted). */
export const clientAddress = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';

/** The console limits from the command-line flags (--query-memory, --console-queries, --console-rate); throws a message naming the flag. */
export function consoleLimitsFromFlags(flags: { queryMemory?: string; consoleQueries?: string; consoleRate?: string }): Partial<ConsoleLimits> {
  const whole = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number of at least 1, not ${JSON.stringify(v)}`);
    return n;
  };
  let maxMemoryBytes: number | undefined;
  try {
    maxMemoryBytes = flags.queryMemory === undefined ? undefined : parseByteSize(flags.queryMemory);
  } catch (err) {
    throw new Error(`--query-memory: ${(err as Error).message}`);
  }
  return { maxMemoryBytes, maxConcurrent: whole(flags.consoleQueries, '--console-queries'), ratePerMinute: whole(flags.consoleRate, '--console-rate') };
}
