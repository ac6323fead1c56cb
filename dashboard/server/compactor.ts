import { log } from '../../common/log.js';
import type { StorePort } from './store-port.js';

/**
 * Read models the dashboard reads whole with FINAL (ReplacingMergeTree / AggregatingMergeTree).
 * Until their parts merge, FINAL merges them at read time (at 10 M events `prefix_latest` held
 * 585k rows for 293k prefixes: 250–700 ms per matrix cell, map or country page). Merged into
 * one part, FINAL has nothing to merge and the same reads take 10–25 ms.
 */
export const COMPACTED_TABLES = ['prefix_latest', 'prefix_activity', 'origin_prefixes'] as const;

export interface Compactor {
  /** Runs a pass now, or returns the pass already running. Never rejects (failures are logged). */
  runNow(): Promise<void>;
  /** Stops the timer and waits for a running pass (so the store can be closed after it). */
  stop(): Promise<void>;
  /** Passes finished (each table attempted once per pass). */
  readonly passes: number;
}

/**
 * Merges the read models with `OPTIMIZE TABLE … FINAL` once at start and then every `everyMs`
 * (no view on `route_events`, so ingestion pays nothing). Passes never overlap; a failing
 * table is logged and the next one still runs. `everyMs <= 0` runs no timer (runNow still works).
 */
export function startCompactor(store: Pick<StorePort, 'command'>, opts: { everyMs: number; tables?: readonly string[] }): Compactor {
  const command = store.command;
  const tables = opts.tables ?? COMPACTED_TABLES;
  let running: Promise<void> | null = null;
  let passes = 0;
  let stopped = false;

  const pass = async (): Promise<void> => {
    if (!command) return;
    const started = performance.now();
    for (const table of tables) {
      if (stopped) break;
      try {
        await command(`OPTIMIZE TABLE ${table} FINAL`);
      } catch (err) {
        log.warn({ table, err: err instanceof Error ? err.message : String(err) }, 'dashboard: read-model compaction failed; FINAL reads stay slower until the next pass');
      }
    }
    passes++;
    log.debug({ tables, ms: Math.round(performance.now() - started) }, 'dashboard: read models compacted');
  };
  const runNow = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (!running) running = pass().finally(() => (running = null));
    return running;
  };
  if (!command) log.info('dashboard: the store has no command client; read models are not compacted');
  void runNow();
  const timer = opts.everyMs > 0 ? setInterval(() => void runNow(), opts.everyMs) : null;
  timer?.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
    get passes() {
      return passes;
    },
  };
}
