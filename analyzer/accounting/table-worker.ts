/**
 * Reads route files on a worker thread, so `index build` loads the registry and geo data on the
 * main thread at the same time (two cores, two jobs). The worker picks the routed prefixes
 * (routedFromFiles: filters, origins); what comes back is what the accounting reads, columns
 * (IPv4's typed arrays are moved, not copied).
 */
import { parentPort, workerData, type Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../common/worker.js';
import type { RoutedFilters } from '../models/accounting.js';
import type { RoutedTable } from './routed.js';

/** A reader started before its job (prestartTableReader), for the next readTableInWorker to take. */
let prestarted: { worker: Worker; failed: boolean } | undefined;

const startReader = (): Worker => startModuleWorker(import.meta.url, { reader: true });

/**
 * Starts the reader's thread before the files are known, so that its start-up (a thread, then
 * the reader's modules: ~120 ms) overlaps the caller's own (the CLI's modules). Until a job
 * comes it does not keep the process alive.
 */
export function prestartTableReader(): void {
  if (prestarted) return;
  const entry = { worker: startReader(), failed: false };
  entry.worker.unref();
  entry.worker.once('error', () => (entry.failed = true));
  entry.worker.once('exit', () => (entry.failed = true));
  prestarted = entry;
}

/** Starts reading now; the promise settles when the worker has applied every element. `onProgress` gets the elements read so far. */
export function readTableInWorker(files: string[], filters: RoutedFilters, onProgress?: (elements: number) => void): Promise<RoutedTable> {
  const worker = prestarted && !prestarted.failed ? prestarted.worker : startReader();
  prestarted = undefined;
  worker.ref();
  const job: ReaderJob = { files, filters };
  worker.postMessage(job);
  return new Promise((resolve, reject) => {
    let done = false;
    worker.on('message', (r: RoutedTable | { error: string } | { progress: number }) => {
      if ('progress' in r) {
        onProgress?.(r.progress);
        return;
      }
      done = true;
      if ('error' in r) reject(new Error(r.error));
      else resolve(r);
    });
    worker.once('error', (err) => {
      done = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`the route-file reader stopped (exit code ${code}) before it finished`));
    });
  });
}

interface ReaderJob {
  files: string[];
  filters: RoutedFilters;
}

/** The readers, loaded in the worker only: the main thread never uses them (~70 ms of module loading). */
const readerModules = () => import('./from-files.js');

async function work({ files, filters }: ReaderJob, modules: ReturnType<typeof readerModules>): Promise<void> {
  try {
    const { routedFromFiles } = await modules;
    const result: RoutedTable = await routedFromFiles(files, filters, (progress) => parentPort?.postMessage({ progress }));
    const { 4: v4, 6: v6 } = result.routed;
    // The typed arrays move to the main thread without a copy (IPv6 bounds, bigint arrays, are copied).
    const moved = [v4.start as Float64Array, v4.end as Float64Array, v4.length, v4.peers, v4.origin, v4.moas, v6.length, v6.peers, v6.origin, v6.moas];
    parentPort?.postMessage(result, moved.map((x) => x.buffer as ArrayBuffer));
  } catch (err) {
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
}

if (parentPort && (workerData as { reader?: boolean } | null)?.reader) {
  // Loading starts now, before the job comes.
  const modules = readerModules();
  modules.catch(() => {}); // a failure is reported with the job
  parentPort.once('message', (job: ReaderJob) => void work(job, modules));
}
