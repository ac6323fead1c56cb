/**
 * The registry archive: a dated copy of every RIR file `registry update` downloads or
 * `registry import` brings in, so that two days can be compared (`registry diff`).
 *
 * Layout under `<cache>/archive/`:
 * - `objects/<aa>/<sha256>.gz`: each distinct content once (sha256 of the uncompressed bytes),
 *   gzip-compressed;
 * - `<YYYY-MM-DD>/<name>.gz` (and `<name>.r2.gz`, … for a later publication of the same day's
 *   file by `registry update`): a hard link to the object (a copy where links are not possible),
 *   named as the cache names the file (`delegated-<rir>-extended-latest.gz`,
 *   `delegated-<rir>-latest.gz`, `transfers-<rir>-latest.json.gz`, `asn.txt.gz`). The date is the
 *   file's own (its version line's end date, else its serial; a transfer log's production date),
 *   not the day it was fetched; files without one (IANA, the AS-name list) take the day fetched.
 *
 * Nothing in the archive is ever replaced: objects and links are written to a temporary name
 * and linked into place (which fails rather than overwrite). A truncated or HTML "file", a
 * different file for a day the archive already has, and a file older than the newest one the
 * archive holds for that RIR (unless backfilling is asked for) are refused with an error.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { isDay } from '../../common/time.js';
import { RIRS, type Rir } from '../models/registry.js';
import { headerDate, parseDelegatedText } from './delegated-parser.js';
import { fileKind, IANA_FILE_NAMES, rirFileNames, transferFileNames } from './file-locations.js';
import { parseTransferLogText } from './transfer-log.js';

/** A file the archive refused, with why; nothing in the archive changed. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

export type ArchiveKind = 'rir' | 'transfers' | 'iana' | 'as-names';

export interface ArchivedFile {
  kind: ArchiveKind;
  /** The RIR the file belongs to; null for IANA files. */
  rir: Rir | null;
  /** YYYY-MM-DD */
  date: string;
  /** Archive name, e.g. delegated-apnic-latest.gz */
  name: string;
  /** Where it is in the archive. */
  path: string;
  sha256: string;
  /** added: new in the archive; present: the same content was already archived for that day. */
  status: 'added' | 'present';
  source: string;
}

/** What a file is, checked and ready to archive. */
export interface InspectedFile {
  kind: ArchiveKind;
  rir: Rir | null;
  date: string;
  name: string;
  sha256: string;
  content: Buffer;
  source: string;
  /** Delegated files: records parsed (for messages). */
  records?: number;
}

export const archiveDirOf = (cacheDir: string): string => join(cacheDir, 'archive');

const isDate = isDay; // one check of a YYYY-MM-DD day (common/time.ts): 2024-02-30 is not a folder date

/** Reads a plain or gzip file whole, uncompressed; a cut gzip stream is a clear error. */
function readContent(path: string): Buffer {
  const raw = readFileSync(path);
  if (raw.length === 0) throw new ArchiveError(`${path} is empty`);
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (err) {
      throw new ArchiveError(`${path} is truncated or corrupt (gzip: ${(err as Error).message})`);
    }
  }
  if (raw[0] === 0x42 && raw[1] === 0x5a && raw[2] === 0x68) throw new ArchiveError(`${path} is bzip2-compressed: decompress it (or gzip it) before importing`);
  return raw;
}

function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 512).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<?xml') || (head.startsWith('<') && head.includes('<body'));
}

/** The RIR named in a cache-style file name (delegated-<rir>-…, transfers-<rir>-…). */
function rirFromName(name: string): Rir | null {
  const m = /^(?:delegated|transfers)-([a-z]+)-/.exec(name.toLowerCase());
  return m && (RIRS as readonly string[]).includes(m[1]) ? (m[1] as Rir) : null;
}

/**
 * Reads and checks one file: kind (from its name), RIR and date (from its content), content
 * hash. `fallbackDate` dates files that carry no date (IANA files, logs without a production date).
 */
export function inspectFile(path: string, opts: { name?: string; fallbackDate?: string } = {}): InspectedFile {
  const name = opts.name ?? basename(path);
  const content = readContent(path);
  const text = content.toString('utf8');
  if (looksLikeHtml(text)) throw new ArchiveError(`${path} is an HTML page, not an RIR statistics file (an error or login page saved in its place?)`);
  const sha256 = createHash('sha256').update(content).digest('hex');
  if (/^asn\.txt(\.gz)?$/i.test(name)) {
    // RIPE NCC's AS-name list: no date of its own, kept under the day it was fetched.
    if (!opts.fallbackDate) throw new ArchiveError(`${path}: the AS-name list carries no date; pass --date`);
    return { kind: 'as-names', rir: null, date: opts.fallbackDate, name: 'asn.txt.gz', sha256, content, source: path };
  }
  const kind0 = fileKind(name);
  if (kind0 === 'transfers') {
    let ranges;
    try {
      ranges = parseTransferLogText(text, path);
    } catch (err) {
      throw new ArchiveError(`${path}: ${(err as Error).message.replace(`${path}: `, '')}${text.trimEnd().endsWith('}') ? '' : ' (truncated?)'}`);
    }
    let rir = rirFromName(name);
    if (!rir) {
      // A lone transfers_latest.json: the RIR that takes part in every entry.
      const counts = new Map<Rir, number>();
      const entries = new Set(ranges.map((r) => `${r.sourceRir}|${r.recipientRir}|${r.date}`));
      for (const e of entries) for (const r of new Set(e.split('|').slice(0, 2) as Rir[])) counts.set(r, (counts.get(r) ?? 0) + 1);
      const all = [...counts].filter(([, n]) => n === entries.size).map(([r]) => r);
      if (all.length !== 1) throw new ArchiveError(`${path}: cannot tell which RIR published this transfer log; rename it transfers-<rir>-latest.json`);
      rir = all[0];
    }
    const production = /"production_date"\s*:\s*"(\d{4}-\d{2}-\d{2})/.exec(text)?.[1];
    const date = production ?? opts.fallbackDate;
    if (!date) throw new ArchiveError(`${path}: the transfer log has no production_date; pass --date`);
    return { kind: 'transfers', rir, date, name: `transfers-${rir}-latest.json.gz`, sha256, content, source: path };
  }
  if (kind0 === 'iana-csv' || kind0 === 'iana-delegated') {
    if (!opts.fallbackDate) throw new ArchiveError(`${path}: IANA files carry no date; pass --date`);
    return { kind: 'iana', rir: null, date: opts.fallbackDate, name: `${name.replace(/\.gz$/, '')}.gz`, sha256, content, source: path };
  }
  let file;
  try {
    file = parseDelegatedText(text, path);
  } catch (err) {
    throw new ArchiveError((err as Error).message);
  }
  const lastLine = text.slice(text.lastIndexOf('\n', text.length - 2) + 1);
  if (!text.endsWith('\n') && lastLine.split('|').length < 7 && !lastLine.startsWith('#')) throw new ArchiveError(`${path} is truncated: it ends in the middle of a line ("${lastLine.slice(0, 60)}")`);
  // Real files miss their claimed count by a few per cent (LACNIC); a cut file by far more.
  const claimed = file.header.records;
  const rows = file.records.length + file.skipped;
  if (claimed && rows < claimed * 0.9) throw new ArchiveError(`${path} is truncated: its version line promises ${claimed} records, it holds ${rows}`);
  if (file.records.length === 0) throw new ArchiveError(`${path} has no records`);
  const rir = (RIRS as readonly string[]).includes(file.header.registry) ? (file.header.registry as Rir) : file.records[0].rir;
  const fromName = rirFromName(name);
  if (fromName && fromName !== rir) throw new ArchiveError(`${path} is named for ${fromName} but its version line says ${rir}`);
  const date = headerDate(file.header) ?? opts.fallbackDate;
  if (!date) throw new ArchiveError(`${path}: the version line gives no date; pass --date`);
  const extended = file.extended || /extended/.test(name);
  return { kind: 'rir', rir, date, name: `delegated-${rir}-${extended ? 'extended-' : ''}latest.gz`, sha256, content, source: path, records: file.records.length };
}

/** Dated folders in the archive, oldest first. */
export function archiveDates(archive: string): string[] {
  if (!existsSync(archive)) return [];
  return readdirSync(archive)
    .filter((d) => isDate(d) && statSync(join(archive, d)).isDirectory())
    .sort();
}

/** The newest date the archive holds for this kind of file of this RIR (IANA: by name). */
function newestDate(archive: string, f: Pick<InspectedFile, 'kind' | 'rir' | 'name'>): string | null {
  const names = f.kind === 'rir' && f.rir ? rirFileNames(f.rir).filter((n) => n.endsWith('.gz')) : [f.name];
  const dates = archiveDates(archive);
  for (let i = dates.length - 1; i >= 0; i--) if (names.some((n) => existsSync(join(archive, dates[i], n)))) return dates[i];
  return null;
}

let tmpSeq = 0;
const tmpName = (dir: string): string => join(dir, `.tmp-${process.pid}-${Date.now()}-${tmpSeq++}`);

/** Writes the object once (temp + link into place: never replaces an existing one). */
function putObject(archive: string, f: InspectedFile): string {
  const dir = join(archive, 'objects', f.sha256.slice(0, 2));
  const path = join(dir, `${f.sha256}.gz`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const tmp = tmpName(dir);
  try {
    writeFileSync(tmp, gzipSync(f.content, { level: 9 }));
    try {
      linkSync(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  return path;
}

/** Links (or copies) the object to its dated name, failing rather than overwriting. */
function placeDated(object: string, dest: string): void {
  mkdirSync(join(dest, '..'), { recursive: true });
  try {
    linkSync(object, dest);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ArchiveError(`${dest} appeared meanwhile; not overwritten`);
    // No hard links here (another file system, or not allowed): a copy, put in place the same way.
    const tmp = tmpName(join(dest, '..'));
    try {
      copyFileSync(object, tmp);
      linkSync(tmp, dest);
    } finally {
      rmSync(tmp, { force: true });
    }
  }
}

const shaOfArchived = (path: string): string => createHash('sha256').update(gunzipSync(readFileSync(path))).digest('hex');

/** `x.gz` → `x.r<n>.gz` (n ≥ 2): a later publication of the same day's file. */
const revisionName = (name: string, n: number): string => (n < 2 ? name : name.replace(/\.gz$/, `.r${n}.gz`));

/** The latest revision of `name` in a dated folder, or null when there is none. */
export function latestRevision(dayDir: string, name: string): string | null {
  if (!existsSync(join(dayDir, name))) return null;
  let n = 2;
  while (existsSync(join(dayDir, revisionName(name, n)))) n++;
  return join(dayDir, revisionName(name, n - 1));
}

/** Checks an inspected file against the archive: where it would go, or why it may not. */
function plan(archive: string, f: InspectedFile, opts: { allowOlder?: boolean; revisions?: boolean }): { dest: string; present: boolean } {
  const dest = join(archive, f.date, f.name);
  if (existsSync(dest)) {
    for (let n = 1; existsSync(join(archive, f.date, revisionName(f.name, n))); n++) {
      const p = join(archive, f.date, revisionName(f.name, n));
      if (shaOfArchived(p) === f.sha256) return { dest: p, present: true };
      // A re-publication the same day (update): kept beside the first as the next revision.
      if (opts.revisions && !existsSync(join(archive, f.date, revisionName(f.name, n + 1)))) return { dest: join(archive, f.date, revisionName(f.name, n + 1)), present: false };
    }
    throw new ArchiveError(`${f.source}: the archive already has a different ${f.name} for ${f.date} (${dest}); it was kept, not overwritten`);
  }
  const newest = newestDate(archive, f);
  if (newest && newest > f.date && !opts.allowOlder) {
    throw new ArchiveError(
      `${f.source} is dated ${f.date}, before the ${newest} ${f.kind === 'rir' ? `${f.rir} file` : f.name} the archive already has (its date goes backwards: a stale mirror or the wrong file?); pass --allow-older to backfill history`,
    );
  }
  return { dest, present: false };
}

/** Archives one checked file. */
export function archiveInspected(archive: string, f: InspectedFile, opts: { allowOlder?: boolean; revisions?: boolean } = {}): ArchivedFile {
  const { dest, present } = plan(archive, f, opts);
  const base = { kind: f.kind, rir: f.rir, date: f.date, name: f.name, path: dest, sha256: f.sha256, source: f.source };
  if (present) return { ...base, status: 'present' };
  placeDated(putObject(archive, f), dest);
  return { ...base, status: 'added' };
}

/**
 * Checks and archives one file (what `registry update` does with each download; with
 * `revisions`, a different file for a day already archived is kept as that day's next revision).
 */
export function archiveFile(archive: string, path: string, opts: { name?: string; fallbackDate?: string; allowOlder?: boolean; revisions?: boolean } = {}): ArchivedFile {
  return archiveInspected(archive, inspectFile(path, opts), opts);
}

/** The registry files of a folder worth archiving: delegated files, transfer logs, IANA registries. */
function importable(dir: string): string[] {
  const names = new Set<string>();
  for (const r of RIRS) for (const n of [...rirFileNames(r), ...transferFileNames(r)]) names.add(n);
  for (const n of IANA_FILE_NAMES) names.add(n).add(`${n}.gz`);
  names.add('transfers_latest.json').add('transfers_latest.json.gz');
  return readdirSync(dir)
    .filter((n) => names.has(n) && statSync(join(dir, n)).isFile())
    .sort()
    .map((n) => join(dir, n));
}

/**
 * `registry import DIR --date D`: every registry file of a folder into the archive. All files
 * are checked first; if any is refused nothing is written. `date` is the day the folder was
 * taken: files are archived under their own date, which may not be after it; files with no date
 * of their own (IANA files) take it.
 */
export function importFolder(archive: string, dir: string, opts: { date: string; allowOlder?: boolean }): ArchivedFile[] {
  if (!isDate(opts.date)) throw new ArchiveError(`--date must be YYYY-MM-DD (got "${opts.date}")`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ArchiveError(`${dir} is not a folder`);
  const paths = importable(dir);
  if (!paths.length) throw new ArchiveError(`no registry files in ${dir} (expected delegated-<rir>-[extended-]latest[.gz], transfer logs or IANA files)`);
  const inspected = paths.map((p) => inspectFile(p, { fallbackDate: opts.date }));
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const f of inspected) {
    if (f.date > opts.date) problems.push(`${f.source} is dated ${f.date}, after --date ${opts.date}`);
    const key = `${f.date}/${f.name}`;
    if (seen.has(key)) problems.push(`${f.source} and ${seen.get(key)} would both be ${key}`);
    seen.set(key, f.source);
    try {
      plan(archive, f, opts);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length) throw new ArchiveError(problems.join('\n'));
  return inspected.map((f) => archiveInspected(archive, f, opts));
}

export interface Snapshot {
  /** The date asked for. */
  date: string;
  /** Per RIR, its newest archived delegated file on or before the date (extended preferred on one day). */
  rir: Array<{ rir: Rir; date: string; path: string }>;
  /** Per RIR, its newest transfer log on or before the date. */
  transfers: string[];
}

/** The registry as of a day: each RIR's newest archived file dated on or before it. */
export function snapshotAt(archive: string, date: string): Snapshot {
  if (!isDate(date)) throw new ArchiveError(`not a date: "${date}" (expected YYYY-MM-DD)`);
  const dates = archiveDates(archive).filter((d) => d <= date);
  if (!dates.length) {
    const all = archiveDates(archive);
    throw new ArchiveError(all.length ? `the archive ${archive} has nothing on or before ${date} (it holds ${all[0]} … ${all[all.length - 1]})` : `the archive ${archive} is empty: run \`portolan registry update\` or \`portolan registry import DIR --date D\``);
  }
  const snap: Snapshot = { date, rir: [], transfers: [] };
  for (const rir of RIRS) {
    const names = rirFileNames(rir).filter((n) => n.endsWith('.gz'));
    for (let i = dates.length - 1; i >= 0; i--) {
      const name = names.find((n) => existsSync(join(archive, dates[i], n)));
      if (name) {
        snap.rir.push({ rir, date: dates[i], path: latestRevision(join(archive, dates[i]), name)! });
        break;
      }
    }
    for (let i = dates.length - 1; i >= 0; i--) {
      const p = latestRevision(join(archive, dates[i]), `transfers-${rir}-latest.json.gz`);
      if (p) {
        snap.transfers.push(p);
        break;
      }
    }
  }
  return snap;
}
