/**
 * Loads VRPs on a worker thread: reading, parsing (a 700k-VRP JSON export is one large
 * JSON.parse) and building the sorted index all happen there, and the finished index's arrays
 * are transferred back, so a long-running job's refresh does not hold the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startModuleWorker } from '../../common/worker.js';
import { loadVrps, VrpLoadError, type VrpLoadOptions } from './load.js';
import { VrpIndex, type VrpIndexData } from './vrp-index.js';

interface Job {
  rpkiSources: string[];
  now: number;
}

type Reply = { data: VrpIndexData } | { error: string; loadError: boolean };

/** loadVrps on a worker; the same errors (VrpLoadError for a file that cannot be used). */
export function loadVrpsInWorker(sources: readonly string[], opts: VrpLoadOptions = {}): Promise<VrpIndex> {
  const job: Job = { rpkiSources: [...sources], now: opts.now ?? Date.now() / 1000 };
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, job);
    let done = false;
    worker.once('message', (r: Reply) => {
      done = true;
      if ('error' in r) reject(r.loadError ? new VrpLoadError(r.error) : new Error(r.error));
      else resolve(VrpIndex.fromTransfer(r.data));
    });
    worker.once('error', (err) => {
      done = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`the RPKI loader stopped (exit code ${code}) before it finished`));
    });
  });
}

async function work(job: Job): Promise<void> {
  try {
    const index = await loadVrps(job.rpkiSources, { now: job.now });
    const { data, transfer } = index.toTransfer();
    parentPort?.postMessage({ data } satisfies Reply, transfer);
  } catch (err) {
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err), loadError: err instanceof VrpLoadError } satisfies Reply);
  }
}

if (parentPort && (workerData as Partial<Job> | null)?.rpkiSources) void work(workerData as Job);
