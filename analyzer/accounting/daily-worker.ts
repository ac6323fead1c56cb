/**
 * The live portability index computed on a worker thread, so `portolan run`'s main thread (the
 * pipeline, /metrics, /healthz, the API) is not held for the seconds a build takes. The main
 * thread copies only what moves: the routing state's (prefix, origin, peers) triples, taken
 * synchronously before the next event is applied. What does not move is sent once per version
 * and kept by the worker: the registry's registered segments (as columns and JSON lines built
 * in 20 ms slices on the main thread, as a structured clone of them held it ~0.4 s), and the
 * geo database, which the worker opens from the same file. Every origin's AS registration goes
 * along the first time it is seen. The worker runs the same routedPrefixes and
 * computePortabilityIndex as a build on the main thread, so the index is the same.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { PortabilityIndex, RoutedFilters } from '../models/accounting.js';
import type { AsnRegistration, DelegationRecord, RegisteredSegment, RegistryFileInfo } from '../models/registry.js';
import type { GeoDatabaseInfo } from '../models/geo.js';
import { GeoDatabase, openGeo } from '../geo/index.js';
import { openAgreement, type AgreementSpec, type AgreementWalk } from '../geo/agreement.js';
import type { GeoWalk, RegisteredSpace } from './account.js';
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

/** Whether a worker can open the same geo database: a database file that is still there. */
export function workerCanUse(geo: GeoWalk): boolean {
  return geo instanceof GeoDatabase && !!geo.info().path;
}

// ---- messages ----

interface SegmentColumns {
  /** IPv4: the bounds; IPv6: the high and low 64 bits of each bound. */
  first: Float64Array | { hi: BigUint64Array; lo: BigUint64Array };
  last: Float64Array | { hi: BigUint64Array; lo: BigUint64Array };
  conflict: Uint8Array;
  /** Index into the records (JSON lines), shared across families. */
  record: Uint32Array;
}

interface RegistryMessage {
  kind: 'registry';
  version: number;
  v4: SegmentColumns;
  v6: SegmentColumns;
  /** Each distinct record once, JSON, one per line. */
  records: string;
}

interface BuildMessage {
  kind: 'build';
  id: number;
  version: number;
  /** Registrations of origins the worker has not been sent yet for this version, JSON lines. */
  asns: string;
  snapshot: RouteSnapshot;
  geo: GeoDatabaseInfo;
  files: RegistryFileInfo[];
  filters: RoutedFilters;
  date: string;
  snapshotAt: number;
  source: IndexInput['source'];
  /** The agreement walk's databases, opened by the worker (kept while they stay the same). */
  agreement?: AgreementSpec;
}

type Reply = { id: number; index: PortabilityIndex } | { id: number; error: string };

const SLICE_MS = 20;
const breather = () => new Promise<void>((resolve) => setImmediate(resolve));
const MASK64 = (1n << 64n) - 1n;

/** Runs `step(i)` for i in [0, n) in slices of at most SLICE_MS, yielding the thread between them. */
async function sliced(n: number, step: (i: number) => void): Promise<void> {
  let started = performance.now();
  for (let i = 0; i < n; i++) {
    step(i);
    if ((i & 255) === 255 && performance.now() - started > SLICE_MS) {
      await breather();
      started = performance.now();
    }
  }
}

/** The registry's segments as columns, built in slices (the registry does not change meanwhile). */
async function encodeRegistry(registry: RegisteredSpace, version: number): Promise<{ message: RegistryMessage; transfer: ArrayBuffer[] }> {
  const recordIds = new Map<DelegationRecord, number>();
  const lines: string[] = [];
  const recordOf = (r: DelegationRecord): number => {
    let id = recordIds.get(r);
    if (id === undefined) {
      recordIds.set(r, (id = lines.length));
      lines.push(JSON.stringify(r));
    }
    return id;
  };
  const v4segs = registry.registeredSegments(4);
  const v4: SegmentColumns = { first: new Float64Array(v4segs.length), last: new Float64Array(v4segs.length), conflict: new Uint8Array(v4segs.length), record: new Uint32Array(v4segs.length) };
  await sliced(v4segs.length, (i) => {
    const s = v4segs[i];
    (v4.first as Float64Array)[i] = s.first;
    (v4.last as Float64Array)[i] = s.last;
    v4.conflict[i] = s.conflict ? 1 : 0;
    v4.record[i] = recordOf(s.record);
  });
  const v6segs = registry.registeredSegments(6);
  const n6 = v6segs.length;
  const first6 = { hi: new BigUint64Array(n6), lo: new BigUint64Array(n6) };
  const last6 = { hi: new BigUint64Array(n6), lo: new BigUint64Array(n6) };
  const v6: SegmentColumns = { first: first6, last: last6, conflict: new Uint8Array(n6), record: new Uint32Array(n6) };
  await sliced(n6, (i) => {
    const s = v6segs[i];
    first6.hi[i] = s.first >> 64n;
    first6.lo[i] = s.first & MASK64;
    last6.hi[i] = s.last >> 64n;
    last6.lo[i] = s.last & MASK64;
    v6.conflict[i] = s.conflict ? 1 : 0;
    v6.record[i] = recordOf(s.record);
  });
  const transfer = [v4.first, v4.last, v4.conflict, v4.record, first6.hi, first6.lo, last6.hi, last6.lo, v6.conflict, v6.record].map((a) => (a as Uint8Array).buffer as ArrayBuffer);
  return { message: { kind: 'registry', version, v4, v6, records: lines.join('\n') }, transfer };
}

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
  private sentAsns = new Set<number>();

  /** Builds one index on the worker. Rejects when the worker fails (the caller builds it here then). */
  async build(req: BuildRequest): Promise<PortabilityIndex> {
    const worker = this.start();
    let version = this.versions.get(req.registry);
    if (version === undefined) this.versions.set(req.registry, (version = this.nextVersion++));
    if (version !== this.sentVersion) {
      const { message, transfer } = await encodeRegistry(req.registry, version);
      worker.postMessage(message, transfer);
      this.sentVersion = version;
      this.sentAsns = new Set();
    }
    const lines: string[] = [];
    const origins = req.snapshot.origins;
    await sliced(origins.length, (i) => {
      const asn = origins[i];
      if (this.sentAsns.has(asn)) return;
      this.sentAsns.add(asn);
      lines.push(JSON.stringify(req.registry.asn(asn)));
    });
    const id = this.nextId++;
    const message: BuildMessage = {
      kind: 'build',
      id,
      version,
      asns: lines.join('\n'),
      snapshot: req.snapshot,
      geo: req.geo.info(),
      files: req.registry.files(),
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
    const self = new URL(import.meta.url);
    const data = { dailyIndexWorker: true };
    const worker = self.pathname.endsWith('.ts')
      ? // From sources (tsx): register the same loader in the worker first (a worker does not inherit it).
        new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(self.href)}); })`, { eval: true, workerData: data })
      : new Worker(self, { workerData: data });
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

function decodeSegments(c: SegmentColumns, records: DelegationRecord[], family: 4 | 6): Array<RegisteredSegment<number>> | Array<RegisteredSegment<bigint>> {
  const n = c.conflict.length;
  if (family === 4) {
    const first = c.first as Float64Array;
    const last = c.last as Float64Array;
    const out: Array<RegisteredSegment<number>> = new Array(n);
    for (let i = 0; i < n; i++) out[i] = { first: first[i], last: last[i], record: records[c.record[i]], conflict: c.conflict[i] === 1 };
    return out;
  }
  const first = c.first as { hi: BigUint64Array; lo: BigUint64Array };
  const last = c.last as { hi: BigUint64Array; lo: BigUint64Array };
  const out: Array<RegisteredSegment<bigint>> = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = { first: (first.hi[i] << 64n) | first.lo[i], last: (last.hi[i] << 64n) | last.lo[i], record: records[c.record[i]], conflict: c.conflict[i] === 1 };
  }
  return out;
}

function serve(): void {
  const port = parentPort!;
  let registry: { version: number; v4: Array<RegisteredSegment<number>>; v6: Array<RegisteredSegment<bigint>>; asns: Map<number, AsnRegistration> } | null = null;
  let geo: { info: GeoDatabaseInfo; db: GeoDatabase } | null = null;
  let agreement: { key: string; walk: AgreementWalk } | null = null;
  port.on('message', (m: RegistryMessage | BuildMessage) => {
    if (m.kind === 'registry') {
      const records = m.records === '' ? [] : m.records.split('\n').map((l) => JSON.parse(l) as DelegationRecord);
      registry = { version: m.version, v4: decodeSegments(m.v4, records, 4) as Array<RegisteredSegment<number>>, v6: decodeSegments(m.v6, records, 6) as Array<RegisteredSegment<bigint>>, asns: new Map() };
      return;
    }
    void build(m).then(
      (index) => port.postMessage({ id: m.id, index } satisfies Reply),
      (err: unknown) => port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies Reply),
    );
  });

  async function build(m: BuildMessage): Promise<PortabilityIndex> {
    const reg = registry;
    if (!reg || reg.version !== m.version) throw new Error(`the index worker holds registry version ${reg?.version ?? 'none'}, not ${m.version}`);
    if (m.asns) for (const l of m.asns.split('\n')) {
      const a = JSON.parse(l) as AsnRegistration;
      reg.asns.set(a.asn, a);
    }
    if (!geo || geo.info.path !== m.geo.path || geo.info.buildEpoch !== m.geo.buildEpoch) {
      const db = await openGeo(m.geo.path);
      const info = db.info();
      // The file may have been replaced since the main thread opened it: then it is not the same data.
      if (info.buildEpoch !== m.geo.buildEpoch || info.databaseType !== m.geo.databaseType) throw new Error(`geo database ${m.geo.path} changed on disk since it was loaded`);
      geo = { info: m.geo, db };
    }
    const space: RegisteredSpace & { files(): RegistryFileInfo[] } = {
      registeredSegments: ((family: 4 | 6) => (family === 4 ? reg.v4 : reg.v6)) as RegisteredSpace['registeredSegments'],
      asn: (asn) => {
        const a = reg.asns.get(asn);
        if (!a) throw new Error(`the index worker was not sent AS${asn}'s registration`);
        return a;
      },
      files: () => m.files,
    };
    if (m.agreement && agreement?.key !== JSON.stringify(m.agreement)) agreement = { key: JSON.stringify(m.agreement), walk: await openAgreement(m.agreement) };
    const walk = m.agreement ? agreement?.walk : undefined;
    return buildHere({ snapshot: m.snapshot, registry: space, geo: geo.db, filters: m.filters, date: m.date, snapshotAt: m.snapshotAt, source: m.source, agreement: walk });
  }
}

if (parentPort && (workerData as { dailyIndexWorker?: boolean } | null)?.dailyIndexWorker) serve();
