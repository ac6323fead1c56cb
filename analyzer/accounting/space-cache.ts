/**
 * What the accounting needs of a registry (the registered segments, each AS's registry, the
 * files' versions), kept as columns in the cache folder and keyed by the registry files' content.
 * A build on the same files reads a few MB instead of parsing the files and building the segments
 * (about 1.3 s of CPU on the 2013/2014 files). Exact: the columns are what the registry answers,
 * field by field (test/analyzer/accounting/space-cache.test.ts).
 */
import { decodeColumns, encodeColumns, type Column } from '../../common/columns-file.js';
import { log } from '../../common/log.js';
import type { RecordOwner, RegistryFileInfo, Rir } from '../models/registry.js';
import { loadRegistry, registryFilesDigest, type LoadRegistryOptions, type RegistryIndex } from '../registry/index.js';
import type { RegisteredSpace } from './account.js';
import { preparedPath, readPrepared, writePrepared } from '../../common/prepared-files.js';

/** Bump when what is saved, or how the registry computes it, changes: older files are then never read. */
const FORMAT = 2;
/** Prepared spaces kept in the folder (the oldest go). */
const KEEP = 8;
const MASK64 = (1n << 64n) - 1n;

/** A registered space as columns: the segments of each family and the AS ranges, each pointing at an owner. */
export interface SpaceColumns {
  v4: { first: Float64Array; last: Float64Array; conflict: Uint8Array; owner: Uint32Array };
  /** Per segment: first (high, low 64 bits), last (high, low). */
  v6: { bounds: BigUint64Array; conflict: Uint8Array; owner: Uint32Array };
  /** Disjoint, sorted AS ranges with a registering record; an AS in none has none. */
  asn: { first: Float64Array; last: Float64Array; owner: Uint32Array };
  /** Distinct (rir, cc, opaque id) of the records. */
  owners: Array<[Rir, string, string | null]>;
  files: RegistryFileInfo[];
}

export type CachedSpace = RegisteredSpace & { files(): RegistryFileInfo[] };

/** The registry's answers as columns (the segments are built if they were not yet). */
export function spaceColumns(registry: RegistryIndex): SpaceColumns {
  const ids = new Map<string, number>();
  const owners: SpaceColumns['owners'] = [];
  const ownerOf = (r: RecordOwner): number => {
    const key = `${r.rir}\u0000${r.cc}\u0000${r.opaqueId ?? '\u0001'}`;
    let id = ids.get(key);
    if (id === undefined) {
      ids.set(key, (id = owners.length));
      owners.push([r.rir, r.cc, r.opaqueId]);
    }
    return id;
  };
  const s4 = registry.registeredColumns(4);
  const v4 = { first: Float64Array.from(s4.first), last: Float64Array.from(s4.last), conflict: Uint8Array.from(s4.conflict), owner: Uint32Array.from(s4.record, ownerOf) };
  const s6 = registry.registeredColumns(6);
  const v6 = { bounds: new BigUint64Array(4 * s6.first.length), conflict: Uint8Array.from(s6.conflict), owner: Uint32Array.from(s6.record, ownerOf) };
  for (let i = 0; i < s6.first.length; i++) v6.bounds.set([s6.first[i] >> 64n, s6.first[i] & MASK64, s6.last[i] >> 64n, s6.last[i] & MASK64], 4 * i);
  // The AS answer changes only where an AS record starts or ends: one lookup per stretch between such points.
  const points = new Set<number>();
  for (const r of registry.records) {
    if (r.type !== 'asn') continue;
    points.add(Number(r.start));
    points.add(Number(r.start) + r.value);
  }
  const sorted = [...points].sort((a, b) => a - b);
  const first: number[] = [];
  const last: number[] = [];
  const owner: number[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const record = registry.asn(sorted[i]).record;
    if (!record) continue;
    const id = ownerOf(record);
    const n = first.length;
    if (n && last[n - 1] === sorted[i] - 1 && owner[n - 1] === id) last[n - 1] = sorted[i + 1] - 1;
    else {
      first.push(sorted[i]);
      last.push(sorted[i + 1] - 1);
      owner.push(id);
    }
  }
  const asn = { first: Float64Array.from(first), last: Float64Array.from(last), owner: Uint32Array.from(owner) };
  return { v4, v6, asn, owners, files: registry.files() };
}

/** The columns read back as a registered space: IPv4's are used as they are (no object per segment). */
export function spaceFromColumns(c: SpaceColumns): CachedSpace {
  const owners = c.owners.map(([rir, cc, opaqueId]) => ({ rir, cc, opaqueId }));
  const v4 = { first: c.v4.first, last: c.v4.last, conflict: c.v4.conflict, record: Array.from(c.v4.owner, (o) => owners[o]) };
  const b = c.v6.bounds;
  const n6 = c.v6.owner.length;
  const v6 = { first: new Array<bigint>(n6), last: new Array<bigint>(n6), conflict: c.v6.conflict, record: Array.from(c.v6.owner, (o) => owners[o]) };
  for (let i = 0; i < n6; i++) {
    v6.first[i] = (b[4 * i] << 64n) | b[4 * i + 1];
    v6.last[i] = (b[4 * i + 2] << 64n) | b[4 * i + 3];
  }
  const { first, last, owner } = c.asn;
  return {
    registeredColumns: ((family: 4 | 6) => (family === 4 ? v4 : v6)) as CachedSpace['registeredColumns'],
    asn(asn) {
      // The last range starting at or before asn.
      let lo = 0;
      let hi = first.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (first[mid] <= asn) lo = mid + 1;
        else hi = mid - 1;
      }
      const record = hi >= 0 && asn <= last[hi] ? owners[owner[hi]] : null;
      return { rir: record?.rir ?? null, record };
    },
    files: () => c.files,
  };
}

// ---- the file: a header (JSON: format, owners, files) and the columns ----

const columnsOf = (c: SpaceColumns): Column[] => [c.v4.first, c.v4.last, c.v4.conflict, c.v4.owner, c.v6.bounds, c.v6.conflict, c.v6.owner, c.asn.first, c.asn.last, c.asn.owner];
const KINDS = [Float64Array, Float64Array, Uint8Array, Uint32Array, BigUint64Array, Uint8Array, Uint32Array, Float64Array, Float64Array, Uint32Array] as const;

export function encodeSpace(c: SpaceColumns): Buffer {
  return encodeColumns({ format: FORMAT, owners: c.owners, files: c.files }, columnsOf(c));
}

/** The columns in a file written by encodeSpace, or null when it is not one of this format (or is cut short). */
export function decodeSpace(buf: Buffer): SpaceColumns | null {
  const file = decodeColumns(buf);
  const header = file?.header as { format: number; owners: SpaceColumns['owners']; files: RegistryFileInfo[] } | undefined;
  if (!file || !header || header.format !== FORMAT || file.columns.length !== KINDS.length || !file.columns.every((c, i) => c instanceof KINDS[i])) return null;
  const [f4, l4, c4, o4, b6, c6, o6, fa, la, oa] = file.columns;
  return {
    v4: { first: f4 as Float64Array, last: l4 as Float64Array, conflict: c4 as Uint8Array, owner: o4 as Uint32Array },
    v6: { bounds: b6 as BigUint64Array, conflict: c6 as Uint8Array, owner: o6 as Uint32Array },
    asn: { first: fa as Float64Array, last: la as Float64Array, owner: oa as Uint32Array },
    owners: header.owners,
    files: header.files,
  };
}

// ---- the cache folder ----

/** The cache file for these registry options: named by the paths and content of the files the registry reads. */
export function spaceCachePath(opts: LoadRegistryOptions, cacheDir: string): string {
  return preparedPath(cacheDir, `space-${registryFilesDigest(opts, `registered space ${FORMAT}`)}.bin`);
}

/**
 * The registered space for these registry options: from the cache folder when it holds this
 * version of the files, else loaded from the files; `save()` then writes it there (best effort:
 * a folder that cannot be written is logged, the build goes on).
 */
export async function loadRegisteredSpace(opts: LoadRegistryOptions, cacheDir: string | null): Promise<{ space: CachedSpace; cached: boolean; save(): void }> {
  const path = cacheDir ? spaceCachePath(opts, cacheDir) : null;
  if (path) {
    const buf = readPrepared(path);
    const columns = buf && decodeSpace(buf);
    if (columns) return { space: spaceFromColumns(columns), cached: true, save() {} };
    if (buf) log.warn({ file: path }, 'prepared registry space unreadable; loading the registry files');
  }
  const registry = await loadRegistry(opts);
  return {
    space: registry,
    cached: false,
    save() {
      if (path) writePrepared(path, () => encodeSpace(spaceColumns(registry)), /^space-[0-9a-f]+\.bin$/, KEEP, 'prepared registry space');
    },
  };
}
