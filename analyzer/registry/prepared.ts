/**
 * The registry as prepared: its records and built lookup indexes as columns in the cache
 * folder's `prepared/`, keyed by the paths and content of the files it was loaded from. Commands
 * that classify or look up (ingest, run, serve, lookup) read it back, on the same files, instead
 * of parsing them and building the indexes (about 0.6 s of CPU on the 2013 files); records become
 * objects as lookups reach them. Exact: the same answers, field by field
 * (test/analyzer/registry/prepared.test.ts).
 */
import { decodeColumns, encodeColumns, type Column } from '../../common/columns-file.js';
import { log } from '../../common/log.js';
import { preparedPath, readPrepared, writePrepared } from '../../common/prepared-files.js';
import type { RegistryFileInfo } from '../models/registry.js';
import type { IanaBlock } from './iana-parser.js';
import { loadRegistry, registryFilesDigest, warnSkippedLines, type LoadRegistryOptions } from './index.js';
import { RecordTable, type RecordColumns } from './record-table.js';
import { RegistryIndex, type IndexColumns } from './registry-index.js';
import type { RirStats } from './stats.js';
import type { TransferRange } from './transfers-parser.js';

/** Bump when what is saved, or how the registry builds it, changes: older files are then never read. */
const FORMAT = 1;
/** Prepared registries kept in the folder (the oldest go). */
const KEEP = 4;
const NAME = /^registry-[0-9a-f]+\.bin$/;

/** The cache file for these registry options: named by the paths and content of every file the registry reads. */
export function preparedRegistryPath(opts: LoadRegistryOptions, cacheDir: string): string {
  return preparedPath(cacheDir, `registry-${registryFilesDigest(opts, `registry ${FORMAT}`)}.bin`);
}

/**
 * The registry for these options with its lookup indexes built: from the cache folder when it
 * holds these files' prepared registry (`prepared`), else from the files, then saved there (best
 * effort; not when a context file could not be loaded, so its warning comes again next time).
 */
export async function loadPreparedRegistry(opts: LoadRegistryOptions & { cacheDir: string }): Promise<{ registry: RegistryIndex; prepared: boolean }> {
  const path = preparedRegistryPath(opts, opts.cacheDir);
  const buf = readPrepared(path);
  const registry = buf && decodeRegistry(buf);
  if (registry) {
    warnSkippedLines(registry.files());
    return { registry, prepared: true };
  }
  if (buf) log.warn({ file: path }, 'prepared registry unreadable; loading the registry files');
  const loaded = await loadRegistry(opts);
  loaded.buildIndexes();
  if (loaded.unloadedFiles().length === 0) writePrepared(path, () => encodeRegistry(loaded), NAME, KEEP, 'prepared registry');
  return { registry: loaded, prepared: false };
}

// ---- the file: a JSON header (files, totals, IANA blocks, transfers, strings), then the columns ----

interface Header {
  format: number;
  files: RegistryFileInfo[];
  stats: RirStats[];
  iana: Array<Omit<IanaBlock, 'first' | 'last'> & { first: string; last: string }>;
  transfers: Array<Omit<TransferRange, 'first' | 'last'> & { first: string; last: string }>;
  strings: string[];
}

type PieceColumns = IndexColumns['v4'] | IndexColumns['v6'];
const recordColumns = (c: RecordColumns): Column[] => [c.rir, c.type, c.status, c.value, c.cc, c.date, c.opaqueId, c.startEnd, c.startText];
const indexColumns = (c: IndexColumns['asns'] | Omit<PieceColumns, 'length'>): Column[] => [c.first, c.last, c.payload, c.segments.first, c.segments.last, c.segments.coverStart, c.segments.covers];
const pieceColumns = (c: PieceColumns): Column[] => [...indexColumns(c), c.length];

export function encodeRegistry(registry: RegistryIndex): Buffer {
  const records = registry.recordTable().toColumns();
  const indexes = registry.indexColumns();
  const { iana, transfers } = registry.contextRanges();
  const header: Header = {
    format: FORMAT,
    files: registry.files(),
    stats: registry.stats(),
    iana: iana.map((b) => ({ ...b, first: String(b.first), last: String(b.last) })),
    transfers: transfers.map((t) => ({ ...t, first: String(t.first), last: String(t.last) })),
    strings: records.strings,
  };
  const columns = [...recordColumns(records), ...[indexes.v4, indexes.v4free, indexes.v6, indexes.v6free].flatMap(pieceColumns), ...indexColumns(indexes.asns)];
  return encodeColumns({ ...header }, columns);
}

/** The registry a file written by encodeRegistry holds, or null when it is not one of this format (or is cut short or damaged). */
export function decodeRegistry(buf: Buffer): RegistryIndex | null {
  const file = decodeColumns(buf);
  if (!file) return null;
  const header = file.header as unknown as Header;
  if (header.format !== FORMAT || !Array.isArray(header.files) || !Array.isArray(header.stats) || !Array.isArray(header.iana) || !Array.isArray(header.transfers) || !Array.isArray(header.strings)) return null;
  const c = file.columns;
  if (c.length !== 9 + 4 * 8 + 7) return null;
  let next = 0;
  const take = <T extends Column>(type: { new (n: number): T }): T => {
    const column = c[next++];
    if (!(column instanceof type)) throw new Damaged();
    return column as T;
  };
  try {
    const records: RecordColumns = {
      rir: take(Uint8Array), type: take(Uint8Array), status: take(Uint8Array), value: take(Float64Array), cc: take(Uint32Array),
      date: take(Uint32Array), opaqueId: take(Uint32Array), startEnd: take(Uint32Array), startText: take(Uint8Array), strings: header.strings,
    };
    const n = records.rir.length;
    const ids = header.strings.length + 1;
    const fits = (a: ArrayLike<number>, bound: number) => {
      for (let i = 0; i < a.length; i++) if (!(a[i] < bound)) return false;
      return true;
    };
    const sameLength = [records.type, records.status, records.value, records.cc, records.date, records.opaqueId, records.startEnd].every((a) => a.length === n);
    if (!sameLength || !fits(records.rir, 5) || !fits(records.type, 3) || !fits(records.status, 4) || !fits(records.cc, ids) || !fits(records.date, ids) || !fits(records.opaqueId, ids)) return null;
    if (n > 0 && records.startEnd[n - 1] !== records.startText.length) return null;
    const index32 = () => ({ first: take(Float64Array), last: take(Float64Array), payload: take(Int32Array), segments: { first: take(Uint32Array), last: take(Uint32Array), coverStart: take(Int32Array), covers: take(Int32Array) } });
    const index64 = () => ({ first: take(BigUint64Array), last: take(BigUint64Array), payload: take(Int32Array), segments: { first: take(BigUint64Array), last: take(BigUint64Array), coverStart: take(Int32Array), covers: take(Int32Array) } });
    const indexes: IndexColumns = {
      v4: { ...index32(), length: take(Uint8Array) },
      v4free: { ...index32(), length: take(Uint8Array) },
      v6: { ...index64(), length: take(Uint8Array) },
      v6free: { ...index64(), length: take(Uint8Array) },
      asns: index32(),
    };
    for (const x of [indexes.v4, indexes.v4free, indexes.v6, indexes.v6free, indexes.asns]) {
      const entries = x.first.length;
      const s = x.segments;
      const consistent = x.last.length === entries && x.payload.length === entries && s.last.length === s.first.length && s.coverStart.length === s.first.length + 1;
      if (!consistent || !fits(x.payload, n) || !fits(s.covers, entries) || s.coverStart[s.first.length] !== s.covers.length) return null;
      if ('length' in x && x.length.length !== entries) return null;
    }
    const iana: IanaBlock[] = header.iana.map((b) => ({ ...b, first: BigInt(b.first), last: BigInt(b.last) }));
    const transfers: TransferRange[] = header.transfers.map((t) => ({ ...t, first: BigInt(t.first), last: BigInt(t.last) }));
    return new RegistryIndex({ records: RecordTable.fromColumns(records), iana, transfers, files: header.files, stats: header.stats }, indexes);
  } catch (err) {
    if (err instanceof Damaged || err instanceof SyntaxError || err instanceof RangeError) return null;
    throw err;
  }
}

/** A column of another type than the layout has there. */
class Damaged extends Error {}
