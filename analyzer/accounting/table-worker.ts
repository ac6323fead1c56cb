/**
 * Reads route files into a routing state on a worker thread, so `index build` loads the
 * registry and geo data on the main thread at the same time (two cores, two jobs). The state
 * stays in the worker, which also picks the routed prefixes (filters, origins, parsing): what
 * comes back is what the accounting reads, IPv4 in transferred columns.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startModuleWorker } from '../../common/worker.js';
import type { PrefixFilterCounts, RoutedFilters } from '../models/accounting.js';
import { routedPrefixes, type RoutedPrefix, type RoutedPrefixes } from './routed.js';

/** IPv4 routed prefixes as columns (typed arrays move to the main thread without a copy). */
interface Ipv4Columns {
  text: string[];
  start: Float64Array;
  length: Uint8Array;
  peers: Uint32Array;
  origin: Uint32Array;
  moas: Uint8Array;
}

interface WorkerResult {
  ipv4: Ipv4Columns;
  ipv6: Array<RoutedPrefix<bigint>>;
  counts: { ipv4: PrefixFilterCounts; ipv6: PrefixFilterCounts };
  elements: number;
  latest: number | null;
  peerCount: number;
}

export interface FilesTable {
  routed: RoutedPrefixes;
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
    worker.on('message', (r: WorkerResult | { error: string } | { progress: number }) => {
      if ('progress' in r) {
        onProgress?.(r.progress);
        return;
      }
      done = true;
      if ('error' in r) reject(new Error(r.error));
      else resolve({ routed: { 4: fromColumns(r.ipv4), 6: r.ipv6, counts: r.counts }, elements: r.elements, latest: r.latest, peers: r.peerCount });
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

function toColumns(list: ReadonlyArray<RoutedPrefix<number>>): Ipv4Columns {
  const c: Ipv4Columns = { text: [], start: new Float64Array(list.length), length: new Uint8Array(list.length), peers: new Uint32Array(list.length), origin: new Uint32Array(list.length), moas: new Uint8Array(list.length) };
  list.forEach((p, i) => {
    c.text.push(p.text);
    c.start[i] = p.start;
    c.length[i] = p.length;
    c.peers[i] = p.peers;
    c.origin[i] = p.origin;
    c.moas[i] = p.moas ? 1 : 0;
  });
  return c;
}

function fromColumns(c: Ipv4Columns): Array<RoutedPrefix<number>> {
  const out: Array<RoutedPrefix<number>> = new Array(c.text.length);
  for (let i = 0; i < out.length; i++) {
    const start = c.start[i];
    out[i] = { text: c.text[i], start, end: start + 2 ** (32 - c.length[i]) - 1, length: c.length[i], peers: c.peers[i], origin: c.origin[i], moas: c.moas[i] === 1 };
  }
  return out;
}

async function work({ files, filters }: { files: string[]; filters: RoutedFilters }): Promise<void> {
  try {
    // The readers load here only: the main thread that starts this worker never uses them (~35 ms of its start-up).
    const [{ FileSource }, { tableFromSource }] = await Promise.all([import('../../collector/sources/file-source.js'), import('./from-files.js')]);
    const { state, elements, latest } = await tableFromSource(new FileSource(files), (progress) => parentPort?.postMessage({ progress }));
    const routed = routedPrefixes(state, filters);
    const ipv4 = toColumns(routed[4]);
    const result: WorkerResult = { ipv4, ipv6: routed[6], counts: routed.counts, elements, latest, peerCount: state.size().peers };
    parentPort?.postMessage(result, [ipv4.start.buffer, ipv4.length.buffer, ipv4.peers.buffer, ipv4.origin.buffer, ipv4.moas.buffer] as ArrayBuffer[]);
  } catch (err) {
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
}

if (parentPort && (workerData as { files?: string[] } | null)?.files) void work(workerData as { files: string[]; filters: RoutedFilters });
