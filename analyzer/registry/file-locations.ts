import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RIRS, type Rir } from '../models/registry.js';
import { AS_NAMES_CACHE_FILE, AS_NAMES_URL } from '../asnames/index.js';

/**
 * Where the registry files live: their names in a folder (`--rir-dir`, `--iana-dir`, the
 * cache) and the URLs the RIRs and IANA publish them at (`registry update`).
 */

/** File names tried for a RIR, best first: extended (free rows, holder ids) over standard, plain over gzip. */
export function rirFileNames(rir: Rir): string[] {
  return [`delegated-${rir}-extended-latest`, `delegated-${rir}-extended-latest.gz`, `delegated-${rir}-latest`, `delegated-${rir}-latest.gz`];
}

export const IANA_FILE_NAMES = ['ipv4-address-space.csv', 'ipv6-unicast-address-assignments.csv', 'as-numbers-1.csv', 'as-numbers-2.csv', 'delegated-iana-latest'];

/** Transfer logs: `transfers-<rir>-latest.json` (how `registry update` names them) or a lone `transfers_latest.json`. */
export function transferFileNames(rir: Rir): string[] {
  return [`transfers-${rir}-latest.json`, `transfers-${rir}-latest.json.gz`];
}

export type RegistryFileKind = 'rir' | 'iana-csv' | 'iana-delegated' | 'transfers';

/** What a file is, from its name (explicit `files` lists). */
export function fileKind(path: string): RegistryFileKind {
  const name = basename(path).toLowerCase();
  if (/^(ipv4-address-space|ipv6-unicast-address-assignments|as-numbers(-\d)?)\.csv(\.gz)?$/.test(name)) return 'iana-csv';
  if (name.includes('iana')) return 'iana-delegated';
  if (/transfers.*\.json(\.gz)?$/.test(name)) return 'transfers';
  return 'rir';
}

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

export interface FoundFiles {
  rir: Array<{ rir: Rir; path: string }>;
  iana: string[];
  transfers: string[];
}

/** The registry files present in a folder (each RIR's best file, IANA files, transfer logs). */
export function findRegistryFiles(rirDir: string, ianaDir = rirDir): FoundFiles {
  if (!existsSync(rirDir) || !statSync(rirDir).isDirectory()) throw new Error(`registry folder ${rirDir} does not exist; ${REMEDY}`);
  const rir: FoundFiles['rir'] = [];
  for (const r of RIRS) {
    const name = rirFileNames(r).find((n) => isFile(join(rirDir, n)));
    if (name) rir.push({ rir: r, path: join(rirDir, name) });
  }
  const iana: string[] = [];
  if (existsSync(ianaDir)) {
    for (const n of IANA_FILE_NAMES) {
      if (isFile(join(ianaDir, n))) iana.push(join(ianaDir, n));
      else if (isFile(join(ianaDir, `${n}.gz`))) iana.push(join(ianaDir, `${n}.gz`));
    }
  }
  const transfers: string[] = [];
  const dirs = ianaDir === rirDir ? [rirDir] : [rirDir, ianaDir];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const r of RIRS) for (const n of transferFileNames(r)) if (isFile(join(dir, n))) transfers.push(join(dir, n));
    if (isFile(join(dir, 'transfers_latest.json'))) transfers.push(join(dir, 'transfers_latest.json'));
  }
  return { rir, iana, transfers };
}

/** What to do when the registry folder is missing or holds no RIR file. */
const REMEDY = 'pass --rir-dir DIR, or run `portolan registry update` (with the same --cache-dir) to download the files';

/** The message for a folder with no RIR file in it. */
export function noRirFilesMessage(dir: string): string {
  const names = RIRS.map((r) => `delegated-${r}-extended-latest or delegated-${r}-latest`).join(', ');
  return `no RIR delegated file in ${dir}: expected at least one of ${names} (plain or .gz); ${REMEDY}`;
}

/** One file `registry update` downloads. */
export interface RemoteSource {
  /** File name in the cache folder. */
  name: string;
  url: string;
  /** The RIR's published MD5 of the file, when there is one. */
  md5Url?: string;
  /** as-names: RIPE NCC's AS-name list (not a registry file; read by analyzer/asnames). */
  kind: RegistryFileKind | 'as-names';
  /** Optional files (transfer logs, ASN CSVs, AS names) may fail without failing the update. */
  optional: boolean;
}

const RIR_BASE: Record<Rir, string> = {
  afrinic: 'https://ftp.afrinic.net/pub/stats/afrinic',
  apnic: 'https://ftp.apnic.net/stats/apnic',
  arin: 'https://ftp.arin.net/pub/stats/arin',
  lacnic: 'https://ftp.lacnic.net/pub/stats/lacnic',
  ripencc: 'https://ftp.ripe.net/pub/stats/ripencc',
};

const IANA_URLS: Record<string, string> = {
  'ipv4-address-space.csv': 'https://www.iana.org/assignments/ipv4-address-space/ipv4-address-space.csv',
  'ipv6-unicast-address-assignments.csv': 'https://www.iana.org/assignments/ipv6-unicast-address-assignments/ipv6-unicast-address-assignments.csv',
  'as-numbers-1.csv': 'https://www.iana.org/assignments/as-numbers/as-numbers-1.csv',
  'as-numbers-2.csv': 'https://www.iana.org/assignments/as-numbers/as-numbers-2.csv',
};

/**
 * Every file `registry update` fetches. With `baseUrl` (tests, mirrors) every file is
 * `<baseUrl>/<name>` and its checksum `<baseUrl>/<name>.md5`.
 */
export function remoteSources(baseUrl?: string): RemoteSource[] {
  const out: RemoteSource[] = [];
  for (const rir of RIRS) {
    const name = `delegated-${rir}-extended-latest`;
    out.push({ name, url: `${RIR_BASE[rir]}/${name}`, md5Url: `${RIR_BASE[rir]}/${name}.md5`, kind: 'rir', optional: false });
  }
  for (const [name, url] of Object.entries(IANA_URLS)) out.push({ name, url, kind: 'iana-csv', optional: name.startsWith('as-numbers') });
  for (const rir of RIRS) out.push({ name: `transfers-${rir}-latest.json`, url: `${RIR_BASE[rir]}/transfers/transfers_latest.json`, kind: 'transfers', optional: true });
  // AS names and countries for every command that shows an AS (resolveAsNames reads it from the cache).
  out.push({ name: AS_NAMES_CACHE_FILE, url: AS_NAMES_URL, kind: 'as-names', optional: true });
  if (!baseUrl) return out;
  const base = baseUrl.replace(/\/+$/, '');
  return out.map((s) => ({ ...s, url: `${base}/${s.name}`, md5Url: s.md5Url ? `${base}/${s.name}.md5` : undefined }));
}
