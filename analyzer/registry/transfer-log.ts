/**
 * The RIRs' transfer logs (`transfers_latest.json`, NRO transfer statistics format) as the
 * registry diff needs them: every entry, inter-RIR and within one RIR (a holder change), with
 * its type, as numeric ranges. transfers-parser.ts keeps only inter-RIR ranges for lookups.
 */
import { log } from '../../common/log.js';
import type { ResourceType, Rir } from '../models/registry.js';
import { ipv4ToNumber, ipv6ToBigInt } from '../../common/ip.js';
import { readText } from './read-text.js';
import { normaliseRir } from './transfers-parser.js';

export interface TransferLogRange {
  family: ResourceType;
  first: bigint;
  last: bigint;
  sourceRir: Rir;
  recipientRir: Rir;
  /** YYYY-MM-DD */
  date: string;
  /** RESOURCE_TRANSFER, MERGER_ACQUISITION, … ('' when the entry has none). */
  type: string;
}

interface RawSet {
  start_address?: string;
  end_address?: string;
  start_as_number?: number | string;
  end_as_number?: number | string;
}

interface RawEntry {
  type?: string;
  transfer_date?: string;
  source_rir?: string;
  recipient_rir?: string;
  ip4nets?: { transfer_set?: RawSet[] };
  ip6nets?: { transfer_set?: RawSet[] };
  asns?: { transfer_set?: RawSet[] };
}

/** Parses one log; malformed entries are logged and skipped. Throws when the text is not a transfer log. */
export function parseTransferLogText(text: string, path: string): TransferLogRange[] {
  let doc: { transfers?: RawEntry[] };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!doc || !Array.isArray(doc.transfers)) throw new Error(`${path}: no "transfers" array (not an RIR transfer log)`);
  const out: TransferLogRange[] = [];
  doc.transfers.forEach((t, i) => {
    const reason = addEntry(t, out);
    if (reason) log.warn({ file: path, offset: i, reason }, 'skipped malformed transfer entry');
  });
  return out;
}

function addEntry(t: RawEntry, out: TransferLogRange[]): string | null {
  if (!t || typeof t !== 'object') return 'not an object';
  const sourceRir = normaliseRir(t.source_rir);
  const recipientRir = normaliseRir(t.recipient_rir);
  if (!sourceRir || !recipientRir) return `unknown RIR "${t.source_rir}" → "${t.recipient_rir}"`;
  const date = typeof t.transfer_date === 'string' && /^\d{4}-\d{2}-\d{2}/.test(t.transfer_date) ? t.transfer_date.slice(0, 10) : null;
  if (!date) return `bad transfer_date "${t.transfer_date}"`;
  const base = { sourceRir, recipientRir, date, type: typeof t.type === 'string' ? t.type : '' };
  const before = out.length;
  for (const n of t.ip4nets?.transfer_set ?? []) {
    const a = ipv4ToNumber(n.start_address ?? '');
    const b = ipv4ToNumber(n.end_address ?? '');
    if (a < 0 || b < a) return `bad IPv4 range ${n.start_address}-${n.end_address}`;
    out.push({ family: 'ipv4', first: BigInt(a), last: BigInt(b), ...base });
  }
  for (const n of t.ip6nets?.transfer_set ?? []) {
    const a = ipv6ToBigInt(n.start_address ?? '');
    const b = ipv6ToBigInt(n.end_address ?? '');
    if (a === null || b === null || b < a) return `bad IPv6 range ${n.start_address}-${n.end_address}`;
    out.push({ family: 'ipv6', first: a, last: b, ...base });
  }
  for (const n of t.asns?.transfer_set ?? []) {
    const a = Number(n.start_as_number);
    const b = Number(n.end_as_number ?? n.start_as_number);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < a) return `bad ASN range ${n.start_as_number}-${n.end_as_number}`;
    out.push({ family: 'asn', first: BigInt(a), last: BigInt(b), ...base });
  }
  return out.length > before ? null : 'no resources (ip4nets, ip6nets or asns)';
}

export async function parseTransferLogFile(path: string): Promise<TransferLogRange[]> {
  return parseTransferLogText(await readText(path), path);
}

/**
 * Merges logs: an inter-RIR transfer is published by both RIRs; entries with the same range,
 * RIRs, date and type count once.
 */
export function dedupeTransfers(ranges: Iterable<TransferLogRange>): TransferLogRange[] {
  const seen = new Map<string, TransferLogRange>();
  for (const r of ranges) {
    const key = `${r.family}|${r.first}|${r.last}|${r.sourceRir}|${r.recipientRir}|${r.date}|${r.type}`;
    if (!seen.has(key)) seen.set(key, r);
  }
  return [...seen.values()];
}
