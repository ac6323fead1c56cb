import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { log } from '../../common/log.js';
import { fetchErrorText } from '../../common/url.js';
import { archiveDirOf, archiveFile } from './archive.js';
import { headerDate, parseDelegatedFile, type DelegatedFile } from './delegated-parser.js';
import { parseIanaCsv } from './iana-parser.js';
import { remoteSources, type RemoteSource } from './file-locations.js';
import { parseTransfersFile } from './transfers-parser.js';
import { parseAsNames } from '../asnames/parse.js';

/** What `registry update` remembers per file, for conditional requests (`.sources.json` in the cache). */
interface SidecarEntry {
  url: string;
  etag?: string;
  lastModified?: string;
  md5?: string;
  fetchedAt: string;
}

export const SIDECAR_NAME = '.sources.json';

export interface UpdateResult {
  name: string;
  url: string;
  /** updated: new copy in place; unchanged: 304; failed: the last good copy (if any) was kept. */
  status: 'updated' | 'unchanged' | 'failed';
  bytes: number;
  /** ok: matched the published MD5; none: no checksum published or fetchable. */
  checksum: 'ok' | 'none';
  optional: boolean;
  error?: string;
  /** A download kept aside instead of used (much smaller or older than the last good copy): its path. */
  quarantined?: string;
}

/** A new RIR file with fewer records than this share of the last good copy's is quarantined. */
export const QUARANTINE_MIN_RECORD_SHARE = 0.9;

export interface UpdateOptions {
  cacheDir: string;
  /** Mirror / test server: every file is `<baseUrl>/<name>`, checksums `<baseUrl>/<name>.md5`. */
  baseUrl?: string;
  /** Only these file names (default: all). */
  only?: string[];
  timeoutMs?: number;
  /** Keep a dated copy of each downloaded file in `<cacheDir>/archive` (default true). */
  archive?: boolean;
  onProgress?: (name: string, received: number, total: number | null) => void;
}

function readSidecar(path: string): Record<string, SidecarEntry> {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, SidecarEntry>;
  } catch (err) {
    log.warn({ file: path, err: (err as Error).message }, 'ignoring unreadable download sidecar; next requests are unconditional');
    return {};
  }
}

/**
 * Downloads the RIR, IANA and transfer files into the cache: conditional GET (ETag /
 * If-Modified-Since from the sidecar), MD5 check where the RIR publishes one, content check,
 * then an atomic rename. On any failure the previous copy stays in place. An RIR file with far
 * fewer records than the last good copy (< 90%) or dated before it is quarantined:
 * kept aside as `<name>.quarantine-<YYYY-MM-DD>`, logged, and not used.
 */
export async function updateRegistry(opts: UpdateOptions): Promise<UpdateResult[]> {
  mkdirSync(opts.cacheDir, { recursive: true });
  const sidecarPath = join(opts.cacheDir, SIDECAR_NAME);
  const sidecar = readSidecar(sidecarPath);
  const sources = remoteSources(opts.baseUrl).filter((s) => !opts.only?.length || opts.only.includes(s.name));
  const results: UpdateResult[] = [];
  for (const source of sources) {
    const result = await fetchOne(source, opts, sidecar);
    results.push(result);
    // Written after each file so an interrupted run keeps what it learned.
    writeFileSync(sidecarPath, JSON.stringify(sidecar, null, 2));
    if (result.status === 'failed') log[source.optional ? 'info' : 'warn']({ file: source.name, url: source.url, err: result.error }, 'download failed; kept the last good copy');
  }
  return results;
}

async function fetchOne(source: RemoteSource, opts: UpdateOptions, sidecar: Record<string, SidecarEntry>): Promise<UpdateResult> {
  const dest = join(opts.cacheDir, source.name);
  const base = { name: source.name, url: source.url, optional: source.optional, bytes: 0, checksum: 'none' as const };
  const previous = sidecar[source.name];
  const headers: Record<string, string> = {};
  if (previous && previous.url === source.url && existsSync(dest)) {
    if (previous.etag) headers['If-None-Match'] = previous.etag;
    if (previous.lastModified) headers['If-Modified-Since'] = previous.lastModified;
  }
  const tmp = `${dest}.part-${process.pid}`;
  try {
    const res = await fetch(source.url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 300_000) });
    if (res.status === 304) {
      await res.body?.cancel();
      return { ...base, status: 'unchanged', bytes: statSync(dest).size };
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
    }
    const total = Number(res.headers.get('content-length')) || null;
    const hash = createHash('md5');
    let received = 0;
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      received += chunk.length;
      opts.onProgress?.(source.name, received, total);
    });
    await pipeline(body, createWriteStream(tmp));
    if (received === 0) throw new Error('empty response');
    const md5 = hash.digest('hex');
    let checksum: UpdateResult['checksum'] = 'none';
    if (source.md5Url) {
      const published = await fetchMd5(source.md5Url, opts.timeoutMs);
      if (published && published !== md5) throw new Error(`MD5 mismatch: got ${md5}, ${source.md5Url} says ${published}`);
      if (published) checksum = 'ok';
    }
    const parsed = await checkContent(source, tmp);
    const suspicious = parsed === null ? null : typeof parsed === 'number' ? compareNamesWithLastGood(parsed, dest) : await compareWithLastGood(parsed, dest);
    if (suspicious) {
      // Kept aside for a look, never used: the last good copy stays in place (and out of the archive).
      const aside = join(opts.cacheDir, `${source.name}.quarantine-${new Date().toISOString().slice(0, 10)}`);
      renameSync(tmp, aside);
      log.warn({ file: source.name, url: source.url, quarantined: aside, reason: suspicious }, 'download quarantined; kept the last good copy');
      return { ...base, status: 'failed', bytes: received, checksum, error: `quarantined as ${aside}: ${suspicious}`, quarantined: aside };
    }
    // A dated copy first: a file the archive refuses (truncated, dated before the last one) never replaces the cached copy.
    if (opts.archive !== false) archiveFile(archiveDirOf(opts.cacheDir), tmp, { name: source.name, fallbackDate: new Date().toISOString().slice(0, 10), revisions: true });
    renameSync(tmp, dest);
    sidecar[source.name] = {
      url: source.url,
      etag: res.headers.get('etag') ?? undefined,
      lastModified: res.headers.get('last-modified') ?? undefined,
      md5,
      fetchedAt: new Date().toISOString(),
    };
    return { ...base, status: 'updated', bytes: received, checksum };
  } catch (err) {
    rmSync(tmp, { force: true });
    return { ...base, status: 'failed', error: fetchErrorText(err) };
  }
}

/** The MD5 a `.md5` file publishes (RIPE: `MD5 (name) = hex`; others: `hex  name`), or null when absent. */
async function fetchMd5(url: string, timeoutMs?: number): Promise<string | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs ?? 60_000) });
    if (!res.ok) {
      await res.body?.cancel();
      log.info({ url, status: res.status }, 'no checksum published; file kept unchecked');
      return null;
    }
    const m = /\b([0-9a-f]{32})\b/i.exec(await res.text());
    return m ? m[1].toLowerCase() : null;
  } catch (err) {
    log.info({ url, err: (err as Error).message }, 'checksum not fetchable; file kept unchecked');
    return null;
  }
}

/** Names in an AS-name list, or an error when it is not one (an HTML page, mostly malformed lines). */
function countAsNames(text: string): number {
  const { names, skipped } = parseAsNames(text, 'asn-txt');
  if (names.length === 0) throw new Error('downloaded AS-name list has no names');
  if (skipped > names.length) throw new Error(`downloaded AS-name list is mostly malformed (${skipped} bad lines, ${names.length} names)`);
  return names.length;
}

/**
 * A download replaces the cached copy only when it parses as what it claims to be; an RIR file
 * comes back parsed, an AS-name list as its number of names.
 */
async function checkContent(source: RemoteSource, path: string): Promise<DelegatedFile | number | null> {
  if (source.kind === 'as-names') return countAsNames(readFileSync(path, 'utf8'));
  if (source.kind === 'rir') {
    const f = await parseDelegatedFile(path);
    if (f.records.length === 0) throw new Error('downloaded file has no records');
    return f;
  } else if (source.kind === 'iana-csv') await parseIanaCsv(path);
  else if (source.kind === 'transfers') await parseTransfersFile(path);
  return null;
}

/** Why a downloaded AS-name list should not replace the last good copy: far fewer names (a cut file). */
function compareNamesWithLastGood(fresh: number, dest: string): string | null {
  if (!existsSync(dest)) return null;
  let last: number;
  try {
    last = countAsNames(readFileSync(dest, 'utf8'));
  } catch {
    return null;
  }
  const min = Math.ceil(last * QUARANTINE_MIN_RECORD_SHARE);
  return fresh < min ? `${fresh} AS names, fewer than ${Math.round(QUARANTINE_MIN_RECORD_SHARE * 100)}% of the last good copy's ${last}` : null;
}

/**
 * Why a downloaded RIR file should not replace the last good copy at `dest`, or null: far fewer
 * records (a truncated or half-published file) or a date before it (a stale mirror). Nothing to
 * compare with (no copy, or one that no longer parses) is no reason.
 */
async function compareWithLastGood(fresh: DelegatedFile, dest: string): Promise<string | null> {
  if (!existsSync(dest)) return null;
  let last: DelegatedFile;
  try {
    last = await parseDelegatedFile(dest);
  } catch {
    return null;
  }
  const min = Math.ceil(last.records.length * QUARANTINE_MIN_RECORD_SHARE);
  if (fresh.records.length < min) {
    return `${fresh.records.length} records, fewer than ${Math.round(QUARANTINE_MIN_RECORD_SHARE * 100)}% of the last good copy's ${last.records.length}`;
  }
  const freshDate = headerDate(fresh.header);
  const lastDate = headerDate(last.header);
  if (freshDate && lastDate && freshDate < lastDate) return `dated ${freshDate}, before the last good copy (${lastDate})`;
  return null;
}
