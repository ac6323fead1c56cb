/**
 * How long a live portability index build holds the main thread (what /metrics and /healthz
 * wait behind in `run`): the longest event-loop stall (the longest gap between the ticks of a 1 ms timer)
 * while DailyIndexer builds, on the main thread (`worker: false`, as before) and on its worker,
 * interleaved in one process. Per round a fresh registry object (its first build also pays the
 * registry's segment build: on the main thread, or in the worker, which loads the registry from
 * its files; its ASN table is built beforehand, as the classifier has in `run`), then two more
 * builds (warm).
 *
 * Input: the RIB dump bview.20020722.2337.gz after updates.20020722.2238.gz of ../shared/data
 * with the 2013/2014 RIR files and the default geo database; skipped without the data.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DailyIndexer } from '../analyzer/accounting/daily.js';
import { DEFAULT_FILTERS } from '../analyzer/models/accounting.js';
import { tableFromSource } from '../analyzer/accounting/from-files.js';
import { openGeo } from '../analyzer/geo/index.js';
import { loadRegistry } from '../analyzer/registry/index.js';
import type { RouteEvent } from '../collector/models/route-event.js';
import { FileSource } from '../collector/sources/index.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { makeTmpDir } from '../test/helpers/tmp.js';
import { report } from './report.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Starts a 1 ms timer; the returned function stops it and gives the longest gap between its ticks (ms). */
function probe(): () => number {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  return () => {
    clearInterval(timer);
    return Math.max(longest, performance.now() - last);
  };
}

async function main(): Promise<void> {
  if (!hasSharedData) {
    process.stdout.write('metrics-latency-index: skipped, ../shared/data not found\n');
    return;
  }
  const rirDir = join(makeTmpDir('bench-index-stall'), 'rir');
  mkdirSync(rirDir);
  for (const rir of ['afrinic', 'apnic', 'lacnic', 'ripencc']) symlinkSync(sharedData('rir', '2014-07-01', `delegated-${rir}-latest.gz`), join(rirDir, `delegated-${rir}-latest.gz`));
  symlinkSync(sharedData('rir', '2013-08-13', 'delegated-arin-latest.gz'), join(rirDir, 'delegated-arin-latest.gz'));
  const files = ['updates.20020722.2238.gz', 'bview.20020722.2337.gz'].map((f) => sharedData('mrt', 'bgpdump-testdata', f));
  const { state, latest } = await tableFromSource(new FileSource(files));
  const geo = await openGeo();
  const noon = (latest ?? 0) - ((latest ?? 0) % 86_400) + 43_200;
  const stalls: Record<'main' | 'worker', { first: number[]; warm: number[] }> = { main: { first: [], warm: [] }, worker: { first: [], warm: [] } };

  for (let round = 0; round < ROUNDS; round++) {
    for (const where of round % 2 ? (['worker', 'main'] as const) : (['main', 'worker'] as const)) {
      const registry = await loadRegistry({ rirDir });
      registry.asn(0); // in `run` the classifier has built the ASN table before any build
      const indexer = new DailyIndexer({ table: state, analysis: () => ({ registry, geo }), filters: DEFAULT_FILTERS, write: async () => {}, sourceName: 'bench', provisionalSeconds: 60, worker: where === 'worker' });
      indexer.beforeEvent({ timestamp: noon } as RouteEvent);
      for (let b = 0; b < 3; b++) {
        await new Promise((r) => setTimeout(r, 50));
        const stop = probe();
        indexer.beforeEvent({ timestamp: noon + 61 * (b + 1) } as RouteEvent); // a provisional build
        await indexer.flush();
        await new Promise((r) => setTimeout(r, 20));
        stalls[where][b === 0 ? 'first' : 'warm'].push(stop());
      }
      await indexer.close();
    }
  }
  process.stdout.write(`input: ${state.size().pairs.toLocaleString('en-US')} routes (updates.20020722.2238 + bview.20020722.2337), ${ROUNDS} rounds interleaved\n`);
  const min = (v: number[]) => Math.min(...v);
  const max = (v: number[]) => Math.max(...v);
  for (const where of ['main', 'worker'] as const) {
    report(`longest stall, build on ${where}`, { first_min_ms: min(stalls[where].first), first_max_ms: max(stalls[where].first), warm_min_ms: min(stalls[where].warm), warm_max_ms: max(stalls[where].warm) });
  }
  report('worker ÷ main (min)', { first: min(stalls.worker.first) / min(stalls.main.first), warm: min(stalls.worker.warm) / min(stalls.main.warm) });
}

main().catch((err: unknown) => {
  process.stderr.write(`metrics-latency-index: ${(err as Error).stack}\n`);
  process.exitCode = 1;
});
