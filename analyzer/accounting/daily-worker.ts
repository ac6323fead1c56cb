/**
 * The live portability index computed on a worker thread, so `portolan run`'s main thread (the
 * pipeline, /metrics, /healthz, the API) is not held for the seconds a build takes. The main
 * thread copies only what moves: the routing state's (prefix, origin, peers) triples, taken
 * synchronously before the next event is applied. What does not move is named, not sent: the
 * registry by its files, which the worker loads and keeps per version (building the registered
 * segments on the main thread, or encoding them to send, held it 0.3-0.6 s at the first build
 * of a version), and the geo database, which the worker opens from the same file. The worker
 * runs the same routedPrefixes and computePortabilityIndex as a build on the main thread, so
 * the index is the same.
 */
import { parentPort, workerData, type Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../common/worker.js';
import type { PortabilityIndex, RoutedFilters } from '../models/accounting.js';
import type { RegistryFileInfo } from '../models/registry.js';
import { loadRegistry, type RegistryIndex } from '../registry/index.js';
import type { GeoDatabaseInfo } from '../models/geo.js';
import { GeoDatabase, openGeo } from '../geo/index.js';
import { openAgreement, type AgreementSpec, type AgreementWalk } from '../geo/agreement.js';
import type { RegisteredSpace } from './account.js';
import type { GeoWalk } from './placement.js';
import { computePortabilityIndex, type IndexInput } from './portability.js';
import type { RouteTable } from './routed.js';

/** A routing state's announced (prefix, origin) pairs with their peer counts, as they stood. */
export interface RouteSnapshot {
  /** Prefix texts joined by '\n' (one string clones as a copy of bytes, not 100k objects). */
  prefixes: string;
  origins: Uint32Array;
  peers: Uint32Array;
}

/** Copies the state's routes now (synchronous: the state must not move meanwhile). */
export function snapshotRoutes(table: RouteTable, pairs: number): RouteSnapshot {
  const texts: string[] = [];
  let origins = new Uint32Array(Math.max(16, pairs));
  let peers = new Uint32Array(origins.length);
  let n = 0;
  table.forEachRoute((prefix, origin, count) => {
    if (n === origins.length) {
      // The pair count was a hint; grow if the table held more.
      const o = new Uint32Array(n * 2);
      o.set(origins);
      origins = o;
      const p = new Uint32Array(n * 2);
      p.set(peers);
      peers = p;
    }
    texts.push(prefix);
    origins[n] = origin;
    peers[n++] = count;
  });
  return { prefixes: texts.join('\n'), origins: origins.slice(0, n), peers: peers.slice(0, n) };
}

/** The snapshot read back as a routing state. */
export function snapshotTable(s: RouteSnapshot): RouteTable {
  const texts = s.prefixes === '' ? [] : s.prefixes.split('\n');
  return {
    forEachRoute(cb) {
      for (let i = 0; i < texts.length; i++) cb(texts[i], s.origins[i], s.peers[i]);
    },
  };
}

/** What a build needs besides the routes. */
export interface BuildRequest {
  snapshot: RouteSnapshot;
  registry: RegisteredSpace & { files(): RegistryFileInfo[] };
  geo: GeoWalk;
  filters: RoutedFilters;
  date: string;
  snapshotAt: number;
  source: IndexInput['source'];
  /** `run --confirmed`: the agreement walk over the independent geo databases (IndexInput.agreement). */
  agreement?: AgreementWalk;
}

/** The build on the calling thread, from a snapshot (the fallback, and the reference). */
export function buildHere(req: BuildRequest): PortabilityIndex {
  return computePortabilityIndex({ ...req, table: snapshotTable(req.snapshot) });
}

/** Whether a worker can load the same data: a geo database file that is still there, and a registry read from delegated files. */
export function workerCanUse(req: Pick<BuildRequest, 'geo' | 'registry'>): boolean {
  return req.geo instanceof GeoDatabase && !!req.geo.info().path && req.registry.files().some((f) => f.rir !== 'iana');
}

// ---- messages ----

/** The registry the main thread uses, named by its files: the worker loads the same files itself. */
interface RegistryMessage {
  kind: 'registry';
  version: number;
  files: RegistryFileInfo[];
}

interface BuildMessage {
  kind: 'build';
  id: number;
  version: number;
  snapshot: RouteSnapshot;
  geo: GeoDatabaseInfo;
  filters: RoutedFilters;
  date: string;
  snapshotAt: number;
  source: IndexInput['source'];
  /** The agreement walk's databases, opened by the worker (kept while they stay the same). */
  agreement?: AgreementSpec;
}

type Reply = { id: number; index: PortabilityIndex } | { id: number; error: string };

/** What identifies a loaded file's content: a file replaced on disk since gives another line. */
const fileIdentity = (f: RegistryFileInfo): string => JSON.stringify([f.rir, f.path, f.version, f.serial, f.date, f.extended, f.records, f.skipped]);

/**
 * One worker per indexer, started at its first build and kept (idle, not holding the process
 * open) for the next: it holds the registry and geo data between builds.
 */
export class IndexWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (i: PortabilityIndex) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  /** Registry objects seen, numbered; the worker holds the segments of `sentVersion`. */
  private readonly versions = new WeakMap<object, number>();
  private nextVersion = 1;
  private sentVersion = 0;

  /** Builds one index on the worker. Rejects when the worker fails (the caller builds it here then). */
  async build(req: BuildRequest): Promise<PortabilityIndex> {
    const worker = this.start();
    let version = this.versions.get(req.registry);
    if (version === undefined) this.versions.set(req.registry, (version = this.nextVersion++));
    if (version !== this.sentVersion) {
      worker.postMessage({ kind: 'registry', version, files: req.registry.files() } satisfies RegistryMessage);
      this.sentVersion = version;
    }
    const id = this.nextId++;
    const message: BuildMessage = {
      kind: 'build',
      id,
      version,
      snapshot: req.snapshot,
      geo: req.geo.info(),
      filters: req.filters,
      date: req.date,
      snapshotAt: req.snapshotAt,
      source: req.source,
      agreement: req.agreement?.spec(),
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref(); // a build in flight keeps the process alive until it is answered
      worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const data = { dailyIndexWorker: true };
    const worker = startModuleWorker(import.meta.url, data);
    worker.unref();
    worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (!this.pending.size) worker.unref();
      if ('error' in r) p.reject(new Error(r.error));
      else p.resolve(r.index);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      this.sentVersion = 0; // a new worker starts empty
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the index worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

// ---- the worker side ----

/**
 * The main thread's registry, loaded here from its files (the registry and its segments are
 * built on this thread, not the main one). A file replaced on disk since the main thread loaded
 * it is an error: the build then runs on the main thread, with the registry it holds.
 */
async function loadSameRegistry(files: RegistryFileInfo[]): Promise<RegistryIndex> {
  const registry = await loadRegistry({ files: files.map((f) => f.path) });
  const want = files.map(fileIdentity).sort();
  const got = registry.files().map(fileIdentity).sort();
  if (want.join('\n') !== got.join('\n')) throw new Error('registry files changed on disk since the main thread loaded them');
  registry.registeredColumns(4);
  registry.registeredColumns(6);
  return registry;
}

function serve(): void {
  const port = parentPort!;
  let registry: { version: number; loaded: Promise<RegistryIndex> } | null = null;
  let geo: { info: GeoDatabaseInfo; db: GeoDatabase } | null = null;
  let agreement: { key: string; walk: AgreementWalk } | null = null;
  port.on('message', (m: RegistryMessage | BuildMessage) => {
    if (m.kind === 'registry') {
      const loaded = loadSameRegistry(m.files);
      loaded.catch(() => undefined); // reported by the builds that wait for it
      registry = { version: m.version, loaded };
      return;
    }
    void build(m).then(
      (index) => port.postMessage({ id: m.id, index } satisfies Reply),
      (err: unknown) => port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies Reply),
    );
  });

  async function build(m: BuildMessage): Promise<PortabilityIndex> {
    if (!registry || registry.version !== m.version) throw new Error(`the index worker holds registry version ${registry?.version ?? 'none'}, not ${m.version}`);
    const reg = await registry.loaded;
    if (!geo || geo.info.path !== m.geo.path || geo.info.buildEpoch !== m.geo.buildEpoch) {
      const db = await openGeo(m.geo.path);
      const info = db.info();
      // The file may have been replaced since the main thread opened it: then it is not the same data.
      if (info.buildEpoch !== m.geo.buildEpoch || info.databaseType !== m.geo.databaseType) throw new Error(`geo database ${m.geo.path} changed on disk since it was loaded`);
      geo = { info: m.geo, db };
    }
    if (m.agreement && agreement?.key !== JSON.stringify(m.agreement)) agreement = { key: JSON.stringify(m.agreement), walk: await openAgreement(m.agreement) };
    const walk = m.agreement ? agreement?.walk : undefined;
    return buildHere({ snapshot: m.snapshot, registry: reg, geo: geo.db, filters: m.filters, date: m.date, snapshotAt: m.snapshotAt, source: m.source, agreement: walk });
  }
}

if (parentPort && (workerData as { dailyIndexWorker?: boolean } | null)?.dailyIndexWorker) serve();
