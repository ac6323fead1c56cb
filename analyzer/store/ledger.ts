import { createHash, type Hash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { fetchRetried, isUrl } from '../../common/url.js';
import { queryRows } from './sql.js';

/**
 * What was ingested. A file is identified by its size and a hash of its first and last MiB
 * (fast on multi-GB archives, and RIS files are immutable once published), not by its path,
 * so a renamed or copied file is still recognised.
 *
 * Resume without double counting: the ingest calls `begin` (skip the file when completed;
 * otherwise read it again from the start; the next files to read are begun with it, in one
 * insert), then every so often `writer.flushComplete()` followed by `checkpoint`, and `settle` at
 * the end (with the other files read since the last cut). Rows written again carry the same
 * deterministic event_id, and come in the same batches (same dedup tokens) when the file is read
 * again with the same `jobs`: the store drops those that landed, so repeats never inflate a count.
 */
export interface FileIdentity {
  key: string;
  path: string;
  size: number;
}

export interface LedgerEntry extends FileIdentity {
  status: 'started' | 'completed';
  elements: number;
  findings: number;
  startedAt: string;
  updatedAt: string;
  /** The `ingest --jobs` the file's batches were cut under (1 for files ingested before --jobs). */
  jobs: number;
}

const CHUNK = 1 << 20;

/** The latest row of each file, as toEntry reads it. */
const SELECT_ENTRIES = `SELECT file_key, path, size, status, elements, findings, toString(started_at) AS started_at, toString(updated_at) AS updated_at, jobs
  FROM ingest_ledger FINAL`;

/**
 * Identifies files (and URLs) a few at a time, each reader with one buffer it reuses, so memory
 * stays a few MiB however many files an ingest lists (all at once, each held its first and last
 * MiB: 3,000 files of 1 MiB took 3.1 GB). A URL's identity is null when its server answers no
 * byte ranges.
 */
export async function identifyFiles(paths: readonly string[], readers = 4): Promise<Array<FileIdentity | null>> {
  const ids = new Array<FileIdentity | null>(paths.length);
  let next = 0;
  const reader = async (): Promise<void> => {
    const buf = Buffer.allocUnsafe(CHUNK);
    while (next < paths.length) {
      const i = next++;
      ids[i] = isUrl(paths[i]) ? await identifyUrl(paths[i]) : await identifyFile(paths[i], buf);
    }
  };
  await Promise.all(Array.from({ length: Math.min(readers, paths.length) }, reader));
  return ids;
}

/** The hash a file's identity is: SHA-256 of its size, then its first MiB and its last MiB after the first. */
const identityHash = (size: number): Hash => createHash('sha256').update(`size:${size}\n`);
/** How long the tail hashed after the first MiB is. */
const tailLength = (size: number): number => Math.max(0, Math.min(CHUNK, size - CHUNK));

/** A local file's identity; `buf` (a MiB) is reused. */
export async function identifyFile(path: string, buf: Buffer = Buffer.allocUnsafe(CHUNK)): Promise<FileIdentity> {
  const abs = resolve(path);
  const { size } = await stat(abs);
  const h = identityHash(size);
  const fh = await open(abs, 'r');
  try {
    h.update(await readFully(fh, buf, Math.min(CHUNK, size), 0));
    const tail = tailLength(size);
    if (tail) h.update(await readFully(fh, buf, tail, size - tail));
  } finally {
    await fh.close();
  }
  return { key: h.digest('hex'), path: abs, size };
}

/**
 * A URL's identity, the same as a local copy's: its size and first and last MiB fetched as byte
 * ranges (RIS and RouteViews archives answer them), so an archive ingested from its URLs is
 * resumed and skipped as local files are. Null when the server answers no ranges or fails: the
 * URL is then read untracked, every time.
 */
export async function identifyUrl(url: string): Promise<FileIdentity | null> {
  const head = await fetchRange(url, 0, CHUNK);
  if (!head) return null;
  const h = identityHash(head.size).update(head.bytes);
  const tail = tailLength(head.size);
  if (tail) {
    const end = await fetchRange(url, head.size - tail, tail);
    if (!end || end.size !== head.size) return null;
    h.update(end.bytes);
  }
  return { key: h.digest('hex'), path: url, size: head.size };
}

/** `length` bytes of the URL from `first` (fewer at its end) and its whole size, or null. */
async function fetchRange(url: string, first: number, length: number): Promise<{ size: number; bytes: Buffer } | null> {
  try {
    const res = await fetchRetried(url, { headers: { range: `bytes=${first}-${first + length - 1}` } });
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
    if (res.status !== 206 || !range || Number(range[1]) !== first) {
      await res.body?.cancel();
      return null;
    }
    const size = Number(range[3]);
    const bytes = Buffer.from(await res.arrayBuffer());
    return bytes.length === Math.min(length, size - first) ? { size, bytes } : null;
  } catch {
    return null;
  }
}

/** `length` bytes from `position` into the start of `buf`; zeros past a file that shrank meanwhile. */
async function readFully(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<Buffer> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  buf.fill(0, got, length);
  return buf.subarray(0, length);
}

/** Now, as the ledger's times read back (`toString` of a DateTime64(6, 'UTC')). */
const nowText = () => `${new Date().toISOString().replace('T', ' ').slice(0, 23)}000`;

export class IngestLedger {
  /**
   * Each file's entry as this process last read or wrote it (null: none), so that begin,
   * checkpoint and settle do not read it again: an ingest of many small files asked the store
   * three times per file.
   */
  private readonly known = new Map<string, LedgerEntry | null>();

  constructor(private readonly client: ClickHouseClient) {}

  async get(key: string): Promise<LedgerEntry | null> {
    return (await this.entries([key])).get(key)!;
  }

  /** The entries of `keys` (null: none), read in one query. */
  async entries(keys: string[]): Promise<Map<string, LedgerEntry | null>> {
    if (!keys.length) return new Map();
    const rows = await queryRows<Record<string, string | number>>(this.client, `${SELECT_ENTRIES} WHERE file_key IN {keys:Array(String)}`, { keys });
    const found = new Map(rows.map((r) => [String(r.file_key), toEntry(r)]));
    const out = new Map(keys.map((k) => [k, found.get(k) ?? null]));
    for (const [k, e] of out) this.known.set(k, e);
    return out;
  }

  /** The entry as this process knows it, else as the store has it. */
  private async current(key: string): Promise<LedgerEntry | null> {
    return this.known.has(key) ? this.known.get(key)! : this.get(key);
  }

  /** Whether any file was ingested completely. */
  async hasCompleted(): Promise<boolean> {
    return (await queryRows(this.client, "SELECT 1 FROM ingest_ledger FINAL WHERE status = 'completed' LIMIT 1")).length > 0;
  }

  async list(): Promise<LedgerEntry[]> {
    return (await queryRows<Record<string, string | number>>(this.client, `${SELECT_ENTRIES} ORDER BY updated_at`)).map(toEntry);
  }

  /**
   * Each file's entry to work from: a completed one (skip the file), a started one (resume) or a
   * new one, `started` under `jobs`; the new ones written in one insert.
   */
  async begin(ids: readonly FileIdentity[], jobs = 1): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    const added: LedgerEntry[] = [];
    for (const id of ids) {
      const known = await this.current(id.key);
      const entry = known ?? this.entry(id, 'started', 0, 0, nowText(), jobs);
      if (!known) added.push(entry);
      entries.push(entry);
    }
    await this.insert(added);
    return entries;
  }

  /** Call after `writer.flushComplete()`: the rows of the first `elements` elements of the file are durable, but for the RIB snapshot rows still open (the prefix being read). */
  async checkpoint(id: FileIdentity, elements: number, findings: number): Promise<void> {
    await this.settle([{ id, elements, findings, completed: false }]);
  }

  /**
   * Several files' ends in one insert, which lands whole or not at all: the files an ingest cut
   * one batch boundary after are complete together, so a completed file always ends at a cut (an
   * interrupted one records how far it got, as `checkpoint`).
   */
  async settle(files: Array<{ id: FileIdentity; elements: number; findings: number; completed: boolean }>): Promise<void> {
    const entries: LedgerEntry[] = [];
    for (const f of files) {
      const e = await this.current(f.id.key);
      entries.push(this.entry(f.id, f.completed ? 'completed' : 'started', f.elements, f.findings, e?.startedAt ?? nowText(), e?.jobs ?? 1));
    }
    await this.insert(entries);
  }

  private entry(id: FileIdentity, status: LedgerEntry['status'], elements: number, findings: number, startedAt: string, jobs: number): LedgerEntry {
    return { key: id.key, path: id.path, size: id.size, status, elements, findings, startedAt, updatedAt: nowText(), jobs };
  }

  private async insert(entries: LedgerEntry[]): Promise<void> {
    if (!entries.length) return;
    await this.client.insert({
      table: 'ingest_ledger',
      values: entries.map((e) => ({ file_key: e.key, path: e.path, size: e.size, status: e.status, elements: e.elements, findings: e.findings, started_at: e.startedAt, updated_at: e.updatedAt, jobs: e.jobs })),
      format: 'JSONEachRow',
    });
    for (const e of entries) this.known.set(e.key, e);
  }
}

function toEntry(r: Record<string, string | number>): LedgerEntry {
  return {
    key: String(r.file_key),
    path: String(r.path),
    size: Number(r.size),
    status: r.status as LedgerEntry['status'],
    elements: Number(r.elements),
    findings: Number(r.findings),
    startedAt: String(r.started_at),
    updatedAt: String(r.updated_at),
    jobs: Number(r.jobs) || 1,
  };
}
