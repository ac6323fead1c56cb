import { log } from '../../common/log.js';
import { RIRS, type DelegationRecord, type DelegationStatus, type ResourceType, type Rir } from '../models/registry.js';
import { ipv4ToNumber, ipv6ToBigInt, ipv6Top64Parts } from '../../common/ip.js';
import { openInput } from '../../common/input.js';

/** The version line: `version|registry|serial|records|startdate|enddate|UTCoffset`. */
export interface DelegatedHeader {
  version: string;
  registry: string;
  /** As written: a YYYYMMDD date, Unix seconds (RIPE NCC) or milliseconds (ARIN). */
  serial: string;
  /** Record count the header claims (not checked against the rows: real files disagree). */
  records: number | null;
  /** YYYYMMDD or null (empty or 00000000). */
  startDate: string | null;
  endDate: string | null;
  utcOffset: string;
}

/** A line that was skipped, with why. */
export interface LineIssue {
  line: number;
  reason: string;
  text: string;
}

export interface DelegatedFile {
  path: string;
  header: DelegatedHeader;
  /** Summary lines (`registry|*|type|*|count|summary`), in any order. */
  summaries: Partial<Record<ResourceType, number>>;
  records: DelegationRecord[];
  /** Version 2.3, or any row with an opaque id or a free-space status. */
  extended: boolean;
  lines: number;
  skipped: number;
  /** The first issues (capped); every one is also logged. */
  issues: LineIssue[];
}

const MAX_ISSUES = 100;
const STATUSES = new Set<string>(['allocated', 'assigned', 'available', 'reserved']);
const RIR_SET = new Set<string>(RIRS);
const TWO_32 = 4294967296;
/**
 * One string per distinct value of the fields that repeat (registry, type, status, country,
 * date): a file has ~10^5 rows but only a few thousand distinct values, and the split line's
 * copies would otherwise stay alive with the records (memory, and garbage-collection work).
 */
const CANON = new Map<string, string>([...RIRS, 'asn', 'ipv4', 'ipv6', ...STATUSES].map((v) => [v, v]));
const interned = new Map<string, string>();
function intern(v: string): string {
  const hit = interned.get(v);
  if (hit !== undefined) return hit;
  if (interned.size >= 200_000) interned.clear();
  interned.set(v, v);
  return v;
}
// The byte-level reader's tables: values that repeat are looked up by number, not made again.
const PIPE = 124;
const LF = 10;
const CR = 13;
/** Country codes by (first - 'A') * 26 + (second - 'A'): one string each, made on first use. */
const COUNTRIES = new Array<string | undefined>(26 * 26);
function countryCode(k: number): string {
  return (COUNTRIES[k] ??= String.fromCharCode(65 + Math.floor(k / 26), 65 + (k % 26)));
}
/** Registration dates by their value as a number (YYYYMMDD). */
const DATES = new Map<number, string>();
/** Holder ids by a hash of their bytes (checked against the bytes: a collision just makes a new string). */
const HOLDERS = new Map<number, string>();
/** The word's bytes, to compare a field with. */
const ascii = <T extends string>(w: T) => ({ word: w, bytes: Buffer.from(w, 'latin1') });
const R_AFRINIC = ascii('afrinic');
const R_APNIC = ascii('apnic');
const R_ARIN = ascii('arin');
const R_LACNIC = ascii('lacnic');
const R_RIPENCC = ascii('ripencc');
const S_ALLOCATED = ascii('allocated');
const S_ASSIGNED = ascii('assigned');
const S_AVAILABLE = ascii('available');
const S_RESERVED = ascii('reserved');
/** True when b[at, at + word.length) is the word. */
function bytesAre(b: Uint8Array, at: number, word: Uint8Array): boolean {
  for (let i = 0; i < word.length; i++) if (b[at + i] !== word[i]) return false;
  return true;
}
/** The registry whose name starts at b[at] and ends with '|', or null. */
function rirAt(b: Uint8Array, at: number): { word: Rir; bytes: Uint8Array } | null {
  const c = b[at];
  const r = c === 97 ? (b[at + 1] === 102 ? R_AFRINIC : b[at + 1] === 112 ? R_APNIC : R_ARIN) : c === 108 ? R_LACNIC : c === 114 ? R_RIPENCC : null;
  return r !== null && b[at + r.bytes.length] === PIPE && bytesAre(b, at, r.bytes) ? r : null;
}
/** The status whose name starts at b[at], or null (what follows is the caller's to check). */
function statusAt(b: Uint8Array, at: number): { word: DelegationStatus; bytes: Uint8Array } | null {
  const c = b[at + 1];
  const s = b[at] === 97 ? (c === 108 ? S_ALLOCATED : c === 115 ? S_ASSIGNED : S_AVAILABLE) : S_RESERVED;
  return bytesAre(b, at, s.bytes) ? s : null;
}
/** Scratch for ipv6Top64Parts: high 32, next 32, low 64 all zero (1/0). */
const v6Parts = [0, 0, 0];

/** `YYYYMMDD` → itself; '' or `00000000` → null; anything else → undefined (invalid). */
export function normaliseDate(text: string): string | null | undefined {
  if (text === '' || text === '00000000') return null;
  return text.length === 8 && isDigits(text) ? text : undefined;
}

// Character tests instead of regexes: they run on every field of ~10^6 lines at load.

/** One or more ASCII digits. */
function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Exactly two ASCII capitals (a country code as the files write it). */
function isUpperPair(text: string): boolean {
  if (text.length !== 2) return false;
  const a = text.charCodeAt(0);
  const b = text.charCodeAt(1);
  return a >= 65 && a <= 90 && b >= 65 && b <= 90;
}

/** The date a file describes, YYYY-MM-DD: its end date, else its serial read as a date, Unix seconds or milliseconds. */
export function headerDate(h: DelegatedHeader): string | null {
  const ymd = (s: string) => `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  if (h.endDate) return ymd(h.endDate);
  if (/^(19|20)\d{6}$/.test(h.serial)) return ymd(h.serial);
  if (/^\d{10}$/.test(h.serial)) return new Date(Number(h.serial) * 1000).toISOString().slice(0, 10);
  if (/^\d{13}$/.test(h.serial)) return new Date(Number(h.serial)).toISOString().slice(0, 10);
  return null;
}

/**
 * Parser of the RIR statistics exchange format. Feed it bytes with `feed()` (whole lines) or
 * text with `line()` (one line), then call `finish()`. Malformed lines are logged (file, line,
 * reason), counted and skipped.
 *
 * `feed()` reads a well-formed record straight from the bytes: no line or field strings, one
 * string made per record (its first address) plus a holder id not seen before. Any line it
 * does not fully accept, including the version and summary lines, is decoded (UTF-8) and goes
 * through `line()`, which decides: both give the same records and the same refusals.
 */
export class DelegatedParser {
  private header: DelegatedHeader | null = null;
  private readonly summaries: Partial<Record<ResourceType, number>> = {};
  private readonly records: DelegationRecord[] = [];
  private readonly issues: LineIssue[] = [];
  private skipped = 0;
  private lines = 0;
  private extended = false;

  constructor(readonly path: string) {}

  /**
   * The lines of b[from, end), numbered from `lineNo` + 1: each ends with '\n' (a last one may
   * not), and a CR before the end is dropped. Returns the last line's number.
   */
  feed(b: Buffer, from: number, end: number, lineNo: number): number {
    let p = from;
    while (p < end) {
      lineNo++;
      let nl = this.header === null ? -1 : this.fastRecord(b, p, end);
      if (nl < 0) {
        nl = b.indexOf(LF, p);
        if (nl < 0 || nl > end) nl = end;
        this.line(b.toString('utf8', p, nl > p && b[nl - 1] === CR ? nl - 1 : nl), lineNo);
      }
      p = nl + 1;
    }
    this.lines = lineNo;
    return lineNo;
  }

  /**
   * Keeps the record on the line at b[p] when every field is in the form the files use, and
   * returns where the line ends ('\n' or `end`); -1 (nothing kept) for anything else.
   */
  private fastRecord(b: Buffer, p: number, end: number): number {
    const rir = rirAt(b, p);
    if (rir === null) return -1;
    p += rir.bytes.length + 1;
    // country: two capitals or empty
    let cc = '';
    if (b[p] !== PIPE) {
      const x = b[p] - 65;
      const y = b[p + 1] - 65;
      if (!(x >= 0 && x < 26 && y >= 0 && y < 26) || b[p + 2] !== PIPE) return -1;
      cc = countryCode(x * 26 + y);
      p += 3;
    } else p++;
    let type: ResourceType;
    if (b[p] === 97 && b[p + 1] === 115 && b[p + 2] === 110 && b[p + 3] === PIPE) type = 'asn';
    else if (b[p] === 105 && b[p + 1] === 112 && b[p + 2] === 118 && b[p + 4] === PIPE && (b[p + 3] === 52 || b[p + 3] === 54)) type = b[p + 3] === 52 ? 'ipv4' : 'ipv6';
    else return -1;
    p += type === 'asn' ? 4 : 5;
    // start: up to '|' on this line
    const startAt = p;
    while (p < end && b[p] !== PIPE && b[p] !== LF) p++;
    if (p === startAt || b[p] !== PIPE || p >= end) return -1;
    const startEnd = p++;
    // value: 1 to 15 digits (exact as a double, as Number() reads them)
    let value = 0;
    const valueAt = p;
    for (let c = b[p]; c >= 48 && c <= 57; c = b[++p]) value = value * 10 + (c - 48);
    if (p === valueAt || p - valueAt > 15 || b[p] !== PIPE) return -1;
    p++;
    // date: 8 digits (00000000: none) or empty
    let date: string | null = null;
    if (b[p] !== PIPE) {
      let d = 0;
      for (let i = 0; i < 8; i++) {
        const c = b[p + i];
        if (!(c >= 48 && c <= 57)) return -1;
        d = d * 10 + (c - 48);
      }
      if (b[p + 8] !== PIPE) return -1;
      if (d !== 0) {
        date = DATES.get(d) ?? null;
        if (date === null) {
          if (DATES.size >= 100_000) DATES.clear();
          DATES.set(d, (date = b.toString('latin1', p, p + 8)));
        }
      }
      p += 9;
    } else p++;
    // status, then the end of the line or the holder id (extended files); later fields are ignored
    const st = statusAt(b, p);
    if (st === null) return -1;
    p += st.bytes.length;
    const status = st.word;
    let opaqueId: string | null = null;
    if (p < end && b[p] === PIPE) {
      const idAt = ++p;
      let h = 0x811c9dc5;
      for (let c = b[p]; p < end && c !== PIPE && c !== LF && c !== CR; c = b[++p]) {
        if (c >= 128) return -1; // UTF-8: line() decodes it
        h = Math.imul(h ^ c, 0x01000193);
      }
      if (p < end && b[p] === CR && !(p + 1 === end || b[p + 1] === LF)) return -1;
      if (p > idAt) opaqueId = this.holder(b, idAt, p, h);
      while (p < end && b[p] !== LF) p++;
    } else if (p < end && b[p] === CR && p + 1 < end) p++;
    if (p < end && b[p] !== LF) return -1;
    // the first address: checked as line() checks it
    const start = b.toString('latin1', startAt, startEnd);
    if (type === 'asn') {
      if (value < 1 || startEnd - startAt > 15) return -1;
      let first = 0;
      for (let i = startAt; i < startEnd; i++) {
        const c = b[i];
        if (!(c >= 48 && c <= 57)) return -1;
        first = first * 10 + (c - 48);
      }
      if (first + value > TWO_32) return -1;
    } else if (type === 'ipv4') {
      const first = ipv4ToNumber(start);
      if (first < 0 || value < 1 || first + value > TWO_32) return -1;
    } else if (this.v6Problem(start, value) !== null) return -1;
    if (opaqueId !== null || status === 'available' || status === 'reserved') this.extended = true;
    this.records.push({ rir: rir.word, cc, type, start, value, date, status, opaqueId });
    return p;
  }

  /** The holder id in b[from, to) (ASCII, hash `h`), one string per distinct id. */
  private holder(b: Buffer, from: number, to: number, h: number): string {
    const hit = HOLDERS.get(h);
    if (hit !== undefined && hit.length === to - from) {
      let same = true;
      for (let i = 0; i < hit.length && same; i++) same = hit.charCodeAt(i) === b[from + i];
      if (same) return hit;
    }
    if (HOLDERS.size >= 200_000) HOLDERS.clear();
    const id = b.toString('latin1', from, to);
    HOLDERS.set(h, id);
    return id;
  }

  /** Why an IPv6 row is refused (address, prefix length, host bits), or null. */
  private v6Problem(start: string, value: number): string | null {
    // Without a bigint for the usual case (a /64 or shorter on a /64 boundary): ~10^5 rows per file.
    if (!ipv6Top64Parts(start, v6Parts)) return `bad IPv6 address "${start}"`;
    if (value > 128) return `bad IPv6 prefix length ${value}`;
    if (value <= 64 && v6Parts[2] === 1) {
      const hostBits = value <= 32 ? v6Parts[0] % 2 ** (32 - value) !== 0 || v6Parts[1] !== 0 : v6Parts[1] % 2 ** (64 - value) !== 0;
      if (hostBits) return `IPv6 ${start}/${value} has host bits set`;
    } else {
      const first = ipv6ToBigInt(start)!;
      if (value < 128 && (first & ((1n << BigInt(128 - value)) - 1n)) !== 0n) return `IPv6 ${start}/${value} has host bits set`;
    }
    return null;
  }

  line(text: string, lineNo: number): void {
    this.lines = lineNo;
    if (text === '' || text.charCodeAt(0) === 35 /* # */ || text.trim() === '') return;
    const f = text.split('|');
    if (!this.header) {
      if (!/^\d+(\.\d+)*$/.test(f[0]) || f.length < 6) return this.reject(lineNo, text, 'expected the version line (version|registry|serial|records|startdate|enddate|UTCoffset)');
      const startDate = normaliseDate(f[4] ?? '');
      const endDate = normaliseDate(f[5] ?? '');
      this.header = {
        version: f[0],
        registry: f[1],
        serial: f[2] ?? '',
        records: /^\d+$/.test(f[3] ?? '') ? Number(f[3]) : null,
        startDate: startDate ?? null,
        endDate: endDate ?? null,
        utcOffset: f[6] ?? '',
      };
      if (f[0] === '2.3') this.extended = true;
      return;
    }
    if (f.length >= 6 && f[1] === '*' && f[5] === 'summary') {
      const type = f[2];
      if ((type === 'asn' || type === 'ipv4' || type === 'ipv6') && /^\d+$/.test(f[4])) this.summaries[type] = Number(f[4]);
      else this.reject(lineNo, text, 'bad summary line');
      return;
    }
    const reason = this.record(f);
    if (reason) this.reject(lineNo, text, reason);
  }

  /** Parses one record; returns why it is malformed, or null when it was kept. */
  private record(f: string[]): string | null {
    if (f.length < 7) return `expected at least 7 fields, found ${f.length}`;
    const [registry, ccRaw, type, start, valueText, dateText, status] = f;
    if (!RIR_SET.has(registry)) return `unknown registry "${registry}"`;
    if (type !== 'asn' && type !== 'ipv4' && type !== 'ipv6') return `unknown type "${type}"`;
    if (!STATUSES.has(status)) return `unknown status "${status}"`;
    const cc = isUpperPair(ccRaw) ? ccRaw : ccRaw.trim().toUpperCase();
    if (cc !== '' && !isUpperPair(cc)) return `bad country code "${ccRaw}"`;
    if (!isDigits(valueText)) return `bad value "${valueText}"`;
    const value = Number(valueText);
    const date = normaliseDate(dateText);
    if (date === undefined) return `bad date "${dateText}"`;
    if (type === 'asn') {
      if (!isDigits(start)) return `bad ASN "${start}"`;
      if (value < 1 || Number(start) + value > TWO_32) return `ASN range ${start}+${value} out of bounds`;
    } else if (type === 'ipv4') {
      const first = ipv4ToNumber(start);
      if (first < 0) return `bad IPv4 address "${start}"`;
      if (value < 1 || first + value > TWO_32) return `IPv4 count ${value} from ${start} out of bounds`;
    } else {
      const problem = this.v6Problem(start, value);
      if (problem !== null) return problem;
    }
    const opaqueId = f.length > 7 && f[7] !== '' ? f[7] : null;
    if (opaqueId !== null || status === 'available' || status === 'reserved') this.extended = true;
    this.records.push({
      rir: CANON.get(registry) as Rir,
      cc: intern(cc),
      type: CANON.get(type) as ResourceType,
      start,
      value,
      date: date === null ? null : intern(date),
      status: CANON.get(status) as DelegationStatus,
      opaqueId: opaqueId === null ? null : intern(opaqueId),
    });
    return null;
  }

  private reject(line: number, text: string, reason: string): void {
    this.skipped++;
    if (this.issues.length < MAX_ISSUES) this.issues.push({ line, reason, text: text.slice(0, 200) });
    log.warn({ file: this.path, line, reason }, 'skipped malformed line in delegated file');
  }

  finish(): DelegatedFile {
    if (!this.header) {
      throw new Error(
        this.lines === 0 || this.skipped === 0
          ? `${this.path} is empty (no version line, no records)`
          : `${this.path} is not an RIR statistics file: no version line found in ${this.lines} lines`,
      );
    }
    return {
      path: this.path,
      header: this.header,
      summaries: this.summaries,
      records: this.records,
      extended: this.extended,
      lines: this.lines,
      skipped: this.skipped,
      issues: this.issues,
    };
  }
}

/** Parses a delegated file (plain, gzip or bzip2). Throws when it is missing, empty or has no version line. */
export async function parseDelegatedFile(path: string): Promise<DelegatedFile> {
  return parseDelegatedChunks(await openInput(path), path);
}

/**
 * Parses a delegated file's bytes as they come, in chunks of any size: the whole lines of each
 * chunk are read in place; a line cut by a chunk's end is put together with the next chunk's start.
 */
export async function parseDelegatedChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, path: string): Promise<DelegatedFile> {
  const parser = new DelegatedParser(path);
  let n = 0;
  // The pieces of a line cut by chunk ends, joined once its end comes: a line that spans many
  // chunks (a file that is not delegated text, without newlines) is copied once, not per chunk.
  let cut: Buffer[] = [];
  for await (const chunk of chunks) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    if (cut.length) {
      const nl = b.indexOf(LF);
      if (nl < 0) {
        cut.push(Buffer.from(b));
        continue;
      }
      const joined = Buffer.concat([...cut, b.subarray(0, nl + 1)]);
      n = parser.feed(joined, 0, joined.length, n);
      cut = [];
      from = nl + 1;
    }
    const end = Math.max(b.lastIndexOf(LF) + 1, from);
    if (end > from) n = parser.feed(b, from, end, n);
    if (end < b.length) cut.push(Buffer.from(b.subarray(end)));
  }
  if (cut.length) {
    const last = Buffer.concat(cut);
    parser.feed(last, 0, last.length, n);
  }
  return parser.finish();
}

/** Parses delegated-format text held in memory (fixtures, downloads being checked). */
export function parseDelegatedText(text: string, path = '<text>'): DelegatedFile {
  const parser = new DelegatedParser(path);
  if (!/[\uD800-\uDFFF]/.test(text)) {
    const b = Buffer.from(text, 'utf8');
    parser.feed(b, 0, b.length, 0);
  } else {
    // UTF-16 surrogates: an unpaired one would not survive the trip through UTF-8, so line by line.
    const lines = text.split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines.forEach((l, i) => parser.line(l.endsWith('\r') ? l.slice(0, -1) : l, i + 1));
  }
  return parser.finish();
}
