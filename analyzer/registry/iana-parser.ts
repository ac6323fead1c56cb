import { parse as parseCsv } from 'csv-parse/sync';
import { log } from '../../common/log.js';
import { formatIp, parsePrefix, rangeToPrefixes } from '../../common/ip.js';
import { RIRS, type IanaDesignation, type ResourceType, type Rir } from '../models/registry.js';
import { ipv4ToNumber, ipv6ToBigInt } from '../../common/ip.js';
import { readText } from './read-text.js';

/** One IANA block with its numeric range (inclusive), ready for indexing. */
export interface IanaBlock {
  type: ResourceType;
  first: bigint;
  last: bigint;
  designation: IanaDesignation;
}

export interface IanaFile {
  path: string;
  kind: 'ipv4-csv' | 'ipv6-csv' | 'asn-csv' | 'delegated';
  blocks: IanaBlock[];
  /** Serial / date line of the delegated file, when there is one. */
  version: string;
  serial: string;
  date: string | null;
  skipped: number;
}

const RIR_NAMES: Array<[RegExp, Rir]> = [
  [/\bAFRINIC\b/i, 'afrinic'],
  [/\bAPNIC\b/i, 'apnic'],
  [/\bARIN\b/i, 'arin'],
  [/\bLACNIC\b/i, 'lacnic'],
  [/\bRIPE\s*NCC\b/i, 'ripencc'],
];

/**
 * The RIR an IANA row names: in its designation ("APNIC", "Administered by ARIN"), else its
 * WHOIS server (legacy /8s held by companies, e.g. "Ford Motor Company" with whois.arin.net,
 * are administered by that RIR).
 */
export function rirOfDesignation(designation: string, whois = ''): Rir | null {
  for (const [re, rir] of RIR_NAMES) if (re.test(designation)) return rir;
  const host = /whois\.(afrinic|apnic|arin|lacnic|ripe)\.net/i.exec(whois);
  if (host) return host[1].toLowerCase() === 'ripe' ? 'ripencc' : (host[1].toLowerCase() as Rir);
  return null;
}

const clean = (s: string | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

function skip(path: string, line: number, reason: string): void {
  log.warn({ file: path, line, reason }, 'skipped malformed IANA row');
}

function csvRows(text: string): { rows: string[][]; lines: number[] } {
  const records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  return { rows: records.map((r) => r.record), lines: records.map((r) => r.info.lines) };
}

/** Which IANA CSV a header row belongs to. */
function csvKind(header: string[]): IanaFile['kind'] | null {
  const first = clean(header[0]).toLowerCase();
  if (first === 'prefix') return 'ipv4-csv'; // refined by the prefix text (':' → IPv6)
  if (first === 'number') return 'asn-csv';
  return null;
}

/** Parses one of IANA's CSV registries: ipv4-address-space, ipv6-unicast-address-assignments, as-numbers-1/2. */
export async function parseIanaCsv(path: string): Promise<IanaFile> {
  const { rows, lines } = csvRows(await readText(path));
  if (rows.length === 0) throw new Error(`${path} is empty`);
  let kind = csvKind(rows[0]);
  if (!kind) throw new Error(`${path}: not an IANA registry CSV (first column is "${rows[0][0]}", expected Prefix or Number)`);
  const blocks: IanaBlock[] = [];
  let skipped = 0;
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i];
    const line = lines[i];
    const block = kind === 'asn-csv' ? asnRow(r) : prefixRow(r);
    if (typeof block === 'string') {
      skipped++;
      skip(path, line, block);
      continue;
    }
    if (block.type === 'ipv6') kind = 'ipv6-csv';
    blocks.push(block);
  }
  return { path, kind, blocks, version: '', serial: '', date: null, skipped };
}

function prefixRow(r: string[]): IanaBlock | string {
  const [prefixText, designationText, date, whois, , status, note] = r.map(clean);
  if (!prefixText) return 'empty prefix';
  // IPv4 rows are written `003/8`: strip the zero padding.
  const m = /^(\d{1,3})\/(\d{1,2})$/.exec(prefixText);
  const p = parsePrefix(m ? `${Number(m[1])}.0.0.0/${m[2]}` : prefixText);
  if (!p) return `bad prefix "${prefixText}"`;
  const bits = p.family === 4 ? 32 : 128;
  const designation: IanaDesignation = {
    block: `${formatIp(p.family, p.start)}/${p.length}`,
    rir: rirOfDesignation(designationText, whois),
    designation: designationText,
    status: (status || 'UNKNOWN').toUpperCase(),
    date: date || null,
    note: note || null,
  };
  return { type: p.family === 4 ? 'ipv4' : 'ipv6', first: p.start, last: p.start + (1n << BigInt(bits - p.length)) - 1n, designation };
}

function asnRow(r: string[]): IanaBlock | string {
  const [numberText, description, whois, , , date] = r.map(clean);
  const m = /^(\d+)(?:-(\d+))?$/.exec(numberText);
  if (!m) return `bad AS number "${numberText}"`;
  const first = BigInt(m[1]);
  const last = BigInt(m[2] ?? m[1]);
  if (last < first) return `bad AS range "${numberText}"`;
  const rir = rirOfDesignation(description, whois);
  const status = /^assigned by/i.test(description) ? 'ALLOCATED' : /reserved/i.test(description) ? 'RESERVED' : /unallocated/i.test(description) ? 'UNASSIGNED' : 'ASSIGNED';
  const block = first === last ? `AS${first}` : `AS${first}-AS${last}`;
  return { type: 'asn', first, last, designation: { block, rir, designation: description, status, date: date || null, note: null } };
}

/**
 * Parses IANA's delegated-format file (`delegated-iana-latest`): the 7th field names the
 * registry the block went to (afrinic…ripencc, ietf, iana) instead of a status; the extended
 * variant writes `status|registry`. Rows are skipped with a warning when broken (the real
 * file has a `|3|19990401|arin` fragment).
 */
export function parseIanaDelegatedText(text: string, path: string): IanaFile {
  const blocks: IanaBlock[] = [];
  let version = '';
  let serial = '';
  let date: string | null = null;
  let skipped = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split('|');
    if (!version) {
      if (!/^\d+(\.\d+)*$/.test(f[0]) || f[1] !== 'iana') {
        skipped++;
        skip(path, i + 1, 'expected the version line of an IANA delegated file');
        continue;
      }
      version = f[0];
      serial = f[2] ?? '';
      date = /^\d{8}$/.test(f[5] ?? '') && f[5] !== '00000000' ? `${f[5].slice(0, 4)}-${f[5].slice(4, 6)}-${f[5].slice(6, 8)}` : null;
      continue;
    }
    if (f[1] === '*' && f[5] === 'summary') continue;
    const block = ianaDelegatedRow(f);
    if (typeof block === 'string') {
      skipped++;
      skip(path, i + 1, block);
      continue;
    }
    blocks.push(block);
  }
  if (!version) throw new Error(`${path} is not an IANA delegated file: no version line`);
  return { path, kind: 'delegated', blocks, version, serial, date, skipped };
}

const STATUS_WORDS = new Set(['allocated', 'assigned', 'available', 'reserved']);

function ianaDelegatedRow(f: string[]): IanaBlock | string {
  if (f.length < 7) return `expected at least 7 fields, found ${f.length}`;
  const [registry, , type, start, valueText, dateText] = f;
  if (registry !== 'iana') return `unexpected registry "${registry}"`;
  if (!/^\d+$/.test(valueText)) return `bad value "${valueText}"`;
  const value = Number(valueText);
  let holder = f[6];
  let statusWord = '';
  if (STATUS_WORDS.has(f[6]) && f.length > 7) {
    statusWord = f[6];
    holder = f[7];
  }
  if (!holder) return 'no registry named';
  const rir = (RIRS as readonly string[]).includes(holder) ? (holder as Rir) : null;
  const status = (statusWord || (rir ? 'allocated' : 'reserved')).toUpperCase();
  const date = /^\d{8}$/.test(dateText) && dateText !== '00000000' ? `${dateText.slice(0, 4)}-${dateText.slice(4, 6)}-${dateText.slice(6, 8)}` : null;
  let first: bigint;
  let last: bigint;
  let block: string;
  if (type === 'asn') {
    if (!/^\d+$/.test(start) || value < 1) return `bad ASN range ${start}+${valueText}`;
    first = BigInt(start);
    last = first + BigInt(value) - 1n;
    block = value === 1 ? `AS${first}` : `AS${first}-AS${last}`;
  } else if (type === 'ipv4') {
    const n = ipv4ToNumber(start);
    if (n < 0 || value < 1 || n + value > 4294967296) return `bad IPv4 range ${start}+${valueText}`;
    first = BigInt(n);
    last = first + BigInt(value) - 1n;
    const cidrs = rangeToPrefixes(4, first, last);
    block = cidrs.length === 1 ? `${formatIp(4, first)}/${cidrs[0].length}` : `${formatIp(4, first)}-${formatIp(4, last)}`;
  } else if (type === 'ipv6') {
    const v = ipv6ToBigInt(start);
    if (v === null || value > 128) return `bad IPv6 prefix ${start}/${valueText}`;
    first = v;
    last = v + (1n << BigInt(128 - value)) - 1n;
    block = `${formatIp(6, first)}/${value}`;
  } else return `unknown type "${type}"`;
  return { type, first, last, designation: { block, rir, designation: holder, status, date, note: null } };
}

export async function parseIanaDelegatedFile(path: string): Promise<IanaFile> {
  const text = await readText(path);
  if (text.trim() === '') throw new Error(`${path} is empty`);
  return parseIanaDelegatedText(text, path);
}
