/**
 * Reads route files into a routing state on a worker thread, so `index build` loads the
 * registry and geo data on the main thread at the same time (two cores, two jobs). The state
 * stays in the worker; what comes back is what the accounting reads: each announced
 * (prefix, origin, peers), in flat arrays.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { FileSource } from '../../collector/sources/file-source.js';
import type { RouteTable } from './routed.js';
import { tableFromSource } from './from-files.js';

interface WorkerResult {
  prefixes: string[];
  origins: Uint32Array;
  peers: Uint32Array;
  elements: number;
  latest: number | null;
  peerCount: number;
}

/** A route table as flat arrays (what the worker sends back). */
export class RouteList implements RouteTable {
  constructor(
    private readonly prefixes: string[],
    private readonly origins: Uint32Array,
    private readonly peers: Uint32Array,
  ) {}

  forEachRoute(cb: (prefix: string, origin: number, peers: number) => void): void {
    for (let i = 0; i < this.prefixes.length; i++) cb(this.prefixes[i], this.origins[i], this.peers[i]);
  }
}

export interface FilesTable {
  table: RouteList;
  elements: number;
  latest: number | null;
  peers: number;
}

/** Starts reading now; the promise settles when the worker has applied every element. `onProgress` gets the elements read so far. */
export function readTableInWorker(files: string[], onProgress?: (elements: number) => void): Promise<FilesTable> {
  const self = new URL(import.meta.url);
  return new Promise((resolve, reject) => {
    const worker = self.pathname.endsWith('.ts')
      ? // From sources (tsx): register the same loader in the worker first (a worker does not inherit it).
        new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(self.href)}); })`, { eval: true, workerData: { files } })
      : new Worker(self, { workerData: { files } });
    let done = false;
    worker.on('message', (r: WorkerResult | { error: string } | { progress: number }) => {
      if ('progress' in r) {
        onProgress?.(r.progress);
        return;
      }
      done = true;
      if ('error' in r) reject(new Error(r.error));
      else resolve({ table: new RouteList(r.prefixes, r.origins, r.peers), elements: r.elements, latest: r.latest, peers: r.peerCount });
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

async function work(files: string[]): Promise<void> {
  try {
    const { state, elements, latest } = await tableFromSource(new FileSource(files), (progress) => parentPort?.postMessage({ progress }));
    const prefixes: string[] = [];
    const origins: number[] = [];
    const peers: number[] = [];
    state.forEachRoute((prefix, origin, n) => {
      prefixes.push(prefix);
      origins.push(origin);
      peers.push(n);
    });
    const result: WorkerResult = { prefixes, origins: Uint32Array.from(origins), peers: Uint32Array.from(peers), elements, latest, peerCount: state.size().peers };
    parentPort?.postMessage(result, [result.origins.buffer as ArrayBuffer, result.peers.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
}

if (parentPort && (workerData as { files?: string[] } | null)?.files) void work((workerData as { files: string[] }).files);
