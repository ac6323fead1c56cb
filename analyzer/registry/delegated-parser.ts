import { log } from '../../common/log.js';
import { RIRS, type DelegationRecord, type DelegationStatus, type ResourceType, type Rir } from '../models/registry.js';
import { ipv4ToNumber, ipv6ToBigInt, ipv6Top64Parts } from '../../common/ip.js';
import { readLines } from '../../common/line-reader.js';

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
 * Line-by-line parser of the RIR statistics exchange format. Feed it lines with `line()`,
 * then call `finish()`. Malformed lines are logged (file, line, reason), counted and skipped.
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
  const parser = new DelegatedParser(path);
  await readLines(path, (text, n) => parser.line(text, n));
  return parser.finish();
}

/** Parses delegated-format text held in memory (fixtures, downloads being checked). */
export function parseDelegatedText(text: string, path = '<text>'): DelegatedFile {
  const parser = new DelegatedParser(path);
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((l, i) => parser.line(l.endsWith('\r') ? l.slice(0, -1) : l, i + 1));
  return parser.finish();
}
