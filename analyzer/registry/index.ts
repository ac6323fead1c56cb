import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { log } from '../../common/log.js';
import { RIRS, type DelegationRecord, type RegistryFileInfo, type Rir } from '../models/registry.js';
import { headerDate, parseDelegatedFile, type DelegatedFile } from './delegated-parser.js';
import { parseIanaCsv, parseIanaDelegatedFile, type IanaBlock, type IanaFile } from './iana-parser.js';
import { RegistryIndex } from './registry-index.js';
import { fileKind, findRegistryFiles, noRirFilesMessage } from './file-locations.js';
import { fileStats, type RirStats } from './stats.js';
import { parseTransfersFile, type TransferRange } from './transfers-parser.js';

export { RegistryIndex, LookupInputError } from './registry-index.js';
export { regionOf, countriesOf, SERVICE_REGIONS } from './regions.js';
export type { RirStats } from './stats.js';

export interface LoadRegistryOptions {
  /** Folder of delegated files (`--rir-dir`); default: the cache folder. */
  rirDir?: string;
  /** Folder of IANA files (`--iana-dir`); default: the RIR folder. */
  ianaDir?: string;
  /** Where `registry update` keeps its downloads. */
  cacheDir?: string;
  /** Explicit files (delegated, IANA CSV/delegated, transfer logs; kind from the name) instead of folders. */
  files?: string[];
}

function requireNonEmpty(path: string): void {
  if (!existsSync(path)) throw new Error(`registry file ${path} does not exist`);
  if (!statSync(path).isFile()) throw new Error(`registry file ${path} is not a file`);
  if (statSync(path).size === 0) throw new Error(`registry file ${path} is empty`);
}

/** The files loadRegistry reads for these options (its checks included: a missing or empty RIR file is an error). */
export function registryFiles(opts: LoadRegistryOptions): { rir: string[]; iana: Array<{ path: string; kind: 'iana-csv' | 'iana-delegated' }>; transfers: string[] } {
  if (opts.files?.length) {
    const out = { rir: [] as string[], iana: [] as Array<{ path: string; kind: 'iana-csv' | 'iana-delegated' }>, transfers: [] as string[] };
    for (const f of opts.files) {
      requireNonEmpty(f);
      const kind = fileKind(f);
      if (kind === 'rir') out.rir.push(f);
      else if (kind === 'transfers') out.transfers.push(f);
      else out.iana.push({ path: f, kind });
    }
    if (!out.rir.length) throw new Error(`no RIR delegated file among ${opts.files.join(', ')}`);
    return out;
  }
  const dir = opts.rirDir ?? opts.cacheDir;
  if (!dir) throw new Error('no registry folder: pass --rir-dir DIR (or --cache-dir after `portolan registry update`)');
  const found = findRegistryFiles(resolve(dir), resolve(opts.ianaDir ?? dir));
  if (!found.rir.length) throw new Error(noRirFilesMessage(dir));
  for (const f of found.rir) requireNonEmpty(f.path);
  return {
    rir: found.rir.map((f) => f.path),
    iana: found.iana.map((path) => ({ path, kind: fileKind(path) as 'iana-csv' | 'iana-delegated' })),
    transfers: found.transfers,
  };
}

/**
 * A digest of the full paths and content of every file loadRegistry reads for these options,
 * under `label` (what is prepared from them, and its format): it names a prepared file. The
 * paths count too, since what is prepared names its files (`registry stats`; index backfill's
 * workers load the registry again from them).
 */
export function registryFilesDigest(opts: LoadRegistryOptions, label: string): string {
  const found = registryFiles(opts);
  const h = createHash('sha1').update(`portolan ${label}\n`);
  for (const path of [...found.rir, ...found.iana.map((f) => f.path), ...found.transfers].map((p) => resolve(p)).sort()) h.update(path).update('\0').update(readFileSync(path)).update('\0');
  return h.digest('hex').slice(0, 32);
}

/**
 * Loads every RIR delegated file (plus IANA registries and transfer logs where present)
 * and builds the index. Throws a message naming the file or folder when a RIR file is
 * missing or empty, or when a folder holds none; malformed lines are logged and skipped.
 */
export async function loadRegistry(opts: LoadRegistryOptions): Promise<RegistryIndex> {
  const { rir: rirPaths, iana: ianaPaths, transfers: transferPaths } = registryFiles(opts);
  const [delegated, iana, transfers] = await Promise.all([
    Promise.all(rirPaths.map((p) => parseDelegatedFile(p))),
    Promise.all(ianaPaths.map((f) => optional(f.path, () => (f.kind === 'iana-csv' ? parseIanaCsv(f.path) : parseIanaDelegatedFile(f.path))))),
    Promise.all(transferPaths.map((p) => optional(p, () => parseTransfersFile(p)))),
  ]);

  const records: DelegationRecord[] = [];
  const files: RegistryFileInfo[] = [];
  for (const file of delegated) {
    const rir = fileRir(file);
    for (const r of file.records) records.push(r);
    files.push({ rir, path: file.path, version: file.header.version, serial: file.header.serial, date: headerDate(file.header), extended: file.extended, records: file.records.length, skipped: file.skipped });
  }
  warnSkippedLines(files);
  const ianaBlocks: IanaBlock[] = [];
  for (const f of iana) {
    if (!f) continue;
    for (const b of f.blocks) ianaBlocks.push(b);
    files.push({ rir: 'iana', path: f.path, version: f.version, serial: f.serial, date: f.date, extended: false, records: f.blocks.length, skipped: f.skipped });
  }
  const transferRanges: TransferRange[] = [];
  for (const t of transfers) {
    if (!t) continue;
    for (const r of t.ranges) transferRanges.push(r);
  }
  const stats = (): RirStats[] => delegated.map((file) => fileStats(file, fileRir(file)));
  const unloaded = [...ianaPaths.filter((_, i) => !iana[i]).map((f) => f.path), ...transferPaths.filter((_, i) => !transfers[i])];
  return new RegistryIndex({ records, iana: ianaBlocks, transfers: transferRanges, files, stats, unloaded });
}

/** One warning per delegated file with malformed lines (the parser logged each line as it read them). */
export function warnSkippedLines(files: readonly RegistryFileInfo[]): void {
  for (const f of files) if (f.skipped && f.rir !== 'iana') log.warn({ file: f.path, skipped: f.skipped }, 'delegated file had malformed lines (skipped)');
}

/** The RIR a delegated file belongs to: its version line's registry, else its records'. */
function fileRir(file: DelegatedFile): Rir {
  if ((RIRS as readonly string[]).includes(file.header.registry)) return file.header.registry as Rir;
  const first = file.records[0];
  if (first) return first.rir;
  throw new Error(`${file.path}: registry "${file.header.registry}" in the version line is not one of ${RIRS.join(', ')}`);
}

/** IANA files and transfer logs add context: a broken one is logged and left out, not fatal. */
async function optional<T extends IanaFile | object>(path: string, load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    log.warn({ file: path, err: (err as Error).message }, 'registry context file not loaded');
    return null;
  }
}
