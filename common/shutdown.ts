/**
 * Graceful shutdown. Parts register a closer when they open (`onShutdown('store', () => store.close())`);
 * on SIGINT or SIGTERM the closers run once, newest first (the source stops before the pipeline
 * that drains it, which flushes before the store closes), each step logged, within one time budget.
 * A second signal, or an exhausted budget, forces the exit with a message.
 */
import { endLog, log } from './log.js';

export type Closer = () => unknown | Promise<unknown>;

export interface ShutdownResult {
  reason: string;
  /** Closer names in the order they ran. */
  ran: string[];
  failed: string[];
  /** Closers still running when the budget ran out (and those never started). */
  timedOut: string[];
  ok: boolean;
}

export interface ShutdownOptions {
  /** Budget for all closers together; default $PORTOLAN_SHUTDOWN_TIMEOUT_MS or 30 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export class Shutdown {
  private closers: Array<{ name: string; fn: Closer }> = [];
  private running: Promise<ShutdownResult> | undefined;
  readonly timeoutMs: number;

  constructor(opts: ShutdownOptions = {}) {
    const fromEnv = Number(process.env.PORTOLAN_SHUTDOWN_TIMEOUT_MS);
    this.timeoutMs = opts.timeoutMs ?? (fromEnv > 0 ? fromEnv : DEFAULT_TIMEOUT_MS);
  }

  /** Registers a closer; the returned function unregisters it (for parts closed earlier on their own). */
  add(name: string, fn: Closer): () => void {
    const entry = { name, fn };
    this.closers.push(entry);
    return () => {
      this.closers = this.closers.filter((c) => c !== entry);
    };
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  /** Runs the closers once (later calls get the same result). Never throws. */
  run(reason: string): Promise<ShutdownResult> {
    this.running ??= this.runClosers(reason);
    return this.running;
  }

  private async runClosers(reason: string): Promise<ShutdownResult> {
    const order = [...this.closers].reverse();
    const result: ShutdownResult = { reason, ran: [], failed: [], timedOut: [], ok: true };
    const deadline = Date.now() + this.timeoutMs;
    log.info({ reason, closers: order.map((c) => c.name), timeoutMs: this.timeoutMs }, 'shutting down');
    for (let i = 0; i < order.length; i++) {
      const { name, fn } = order[i];
      const left = deadline - Date.now();
      if (left <= 0) {
        result.timedOut.push(...order.slice(i).map((c) => c.name));
        break;
      }
      const t0 = Date.now();
      result.ran.push(name);
      const outcome = await withTimeout(fn, left);
      if (outcome === 'timeout') {
        log.error({ closer: name, timeoutMs: this.timeoutMs }, 'shutdown step did not finish within the budget');
        result.timedOut.push(...order.slice(i).map((c) => c.name));
        break;
      }
      if (outcome instanceof Error) {
        result.failed.push(name);
        log.error({ closer: name, err: outcome.message }, 'shutdown step failed');
      } else log.info({ closer: name, ms: Date.now() - t0 }, 'closed');
    }
    result.ok = result.failed.length === 0 && result.timedOut.length === 0;
    log.info({ reason, ok: result.ok, failed: result.failed, timedOut: result.timedOut }, 'shutdown complete');
    return result;
  }
}

async function withTimeout(fn: Closer, ms: number): Promise<'done' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const work = (async () => {
    try {
      await fn();
      return 'done' as const;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  })();
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The process-wide instance behind `onShutdown` / `shutdownNow`. */
const processShutdown = new Shutdown();
let signalsInstalled = false;

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (processShutdown.started) {
        process.stderr.write(`portolan: second ${signal} received, exiting now without waiting for the shutdown to finish\n`);
        process.exit(SIGNAL_EXIT[signal]);
      }
      void processShutdown.run(signal).then((r) => exitAfter(r));
    });
  }
}

function exitAfter(r: ShutdownResult): void {
  if (!r.ok) process.stderr.write(`portolan: shutdown incomplete (failed: ${r.failed.join(', ') || 'none'}; timed out: ${r.timedOut.join(', ') || 'none'})\n`);
  // Exit explicitly: a closed part may still hold a handle (a socket in TIME_WAIT, a timer). The
  // logger's stream is ended first: a line still being written on libuv's threads (the last
  // ones, "shutdown complete" among them) would be cut by the exit (see exit-now.ts).
  void endLog().finally(() => process.exit(r.ok ? 0 : 1));
}

/**
 * Registers a closer run on SIGINT/SIGTERM (newest first). Installs the signal handlers on first
 * use. Returns a function that unregisters the closer.
 */
export function onShutdown(name: string, fn: Closer): () => void {
  installSignalHandlers();
  return processShutdown.add(name, fn);
}

/**
 * Runs the registered closers now, as a signal would, but does not exit: for commands that end on
 * their own (an ingest that finished) and for tests. Runs once; later calls and signals share it.
 */
export function shutdownNow(reason = 'requested'): Promise<ShutdownResult> {
  return processShutdown.run(reason);
}
