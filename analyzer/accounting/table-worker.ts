/**
 * Reads route files into a routing state on a worker thread, so `index build` loads the
 * registry and geo data on the main thread at the same time (two cores, two jobs). The state
 * stays in the worker, which also picks the routed prefixes (filters, origins, parsing): what
 * comes back is what the accounting reads, columns (IPv4's typed arrays are moved, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startModuleWorker } from '../../common/worker.js';
import type { RoutedFilters } from '../models/accounting.js';
import { routedPrefixes, type NamedRoutedColumns, type RoutedColumns, type RoutedSpace } from './routed.js';
import type { Bound } from './segments.js';

export interface FilesTable {
  routed: RoutedSpace;
  elements: number;
  latest: number | null;
  peers: number;
}

/** Starts reading now; the promise settles when the worker has applied every element. `onProgress` gets the elements read so far. */
export function readTableInWorker(files: string[], filters: RoutedFilters, onProgress?: (elements: number) => void): Promise<FilesTable> {
  const data = { files, filters };
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, data);
    let done = false;
    worker.on('message', (r: FilesTable | { error: string } | { progress: number }) => {
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

const unnamed = <K extends Bound>({ text: _, ...columns }: NamedRoutedColumns<K>): RoutedColumns<K> => columns;

async function work({ files, filters }: { files: string[]; filters: RoutedFilters }): Promise<void> {
  try {
    // The readers load here only: the main thread that starts this worker never uses them (~35 ms of its start-up).
    const [{ FileSource }, { tableFromSource }] = await Promise.all([import('../../collector/sources/file-source.js'), import('./from-files.js')]);
    const { state, elements, latest } = await tableFromSource(new FileSource(files), (progress) => parentPort?.postMessage({ progress }));
    const named = routedPrefixes(state, filters);
    // Without the texts, which the accounting does not read: 112,408 strings took ~50 ms to pass on the 2002 RIB.
    const [v4, v6] = [unnamed(named[4]), unnamed(named[6])];
    const result: FilesTable = { routed: { 4: v4, 6: v6, counts: named.counts }, elements, latest, peers: state.size().peers };
    // The typed arrays move to the main thread without a copy (IPv6 bounds, bigint arrays, are copied).
    const moved = [v4.start as Float64Array, v4.end as Float64Array, v4.length, v4.peers, v4.origin, v4.moas, v6.length, v6.peers, v6.origin, v6.moas];
    parentPort?.postMessage(result, moved.map((x) => x.buffer as ArrayBuffer));
  } catch (err) {
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
}

if (parentPort && (workerData as { files?: string[] } | null)?.files) void work(workerData as { files: string[]; filters: RoutedFilters });
