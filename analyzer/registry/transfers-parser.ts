import { log } from '../../common/log.js';
import { RIRS, type ResourceType, type Rir, type Transfer } from '../models/registry.js';
import { ipv4ToNumber, ipv6ToBigInt } from '../../common/ip.js';
import { readText } from './read-text.js';

/** One transferred range with its numeric bounds (inclusive), ready for indexing. */
export interface TransferRange {
  transfer: Transfer;
  first: bigint;
  last: bigint;
}

export interface TransfersFile {
  path: string;
  /** Inter-RIR transfers only (source RIR ≠ recipient RIR), one entry per range. */
  ranges: TransferRange[];
  /** Transfers within one RIR: counted, not indexed (they do not move space between regions). */
  intraRir: number;
  /** production_date of the log, when given. */
  date: string | null;
  version: string;
  skipped: number;
}

/** "RIPE NCC" / "ripencc" / "AfriNIC" → Rir, or null. */
export function normaliseRir(name: unknown): Rir | null {
  if (typeof name !== 'string') return null;
  const key = name.toLowerCase().replace(/[^a-z]/g, '');
  return (RIRS as readonly string[]).includes(key) ? (key as Rir) : key === 'ripe' ? 'ripencc' : null;
}

interface RawTransfer {
  type?: string;
  transfer_date?: string;
  source_rir?: string;
  recipient_rir?: string;
  source_organization?: { country_code?: string };
  recipient_organization?: { country_code?: string };
  ip4nets?: { transfer_set?: Array<{ start_address?: string; end_address?: string }> };
  ip6nets?: { transfer_set?: Array<{ start_address?: string; end_address?: string; prefix?: string }> };
  asns?: { transfer_set?: Array<{ start_as_number?: number | string; end_as_number?: number | string }> };
}

/**
 * Parses an RIR's `transfers_latest.json` (NRO transfer log format: `transfers[]` with
 * `source_rir`, `recipient_rir`, `transfer_date`, `ip4nets`/`ip6nets`/`asns.transfer_set`).
 * A malformed entry is logged with its index and skipped; the rest loads.
 */
export function parseTransfersText(text: string, path: string): TransfersFile {
  let doc: { version?: { production_date?: string; stats_version?: string }; transfers?: RawTransfer[] };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!doc || !Array.isArray(doc.transfers)) throw new Error(`${path}: no "transfers" array (not an RIR transfer log)`);
  const out: TransfersFile = {
    path,
    ranges: [],
    intraRir: 0,
    date: doc.version?.production_date?.slice(0, 10) ?? null,
    version: String(doc.version?.stats_version ?? ''),
    skipped: 0,
  };
  doc.transfers.forEach((t, index) => {
    const reason = addTransfer(t, out);
    if (reason) {
      out.skipped++;
      log.warn({ file: path, offset: index, reason }, 'skipped malformed transfer entry');
    }
  });
  return out;
}

function addTransfer(t: RawTransfer, out: TransfersFile): string | null {
  if (!t || typeof t !== 'object') return 'not an object';
  const fromRir = normaliseRir(t.source_rir);
  const toRir = normaliseRir(t.recipient_rir);
  if (!fromRir || !toRir) return `unknown RIR "${t.source_rir}" → "${t.recipient_rir}"`;
  const date = typeof t.transfer_date === 'string' && /^\d{4}-\d{2}-\d{2}/.test(t.transfer_date) ? t.transfer_date.slice(0, 10) : null;
  if (!date) return `bad transfer_date "${t.transfer_date}"`;
  if (fromRir === toRir) {
    out.intraRir++;
    return null;
  }
  const base = { fromRir, toRir, date, fromCc: t.source_organization?.country_code, toCc: t.recipient_organization?.country_code };
  const add = (type: ResourceType, resource: string, first: bigint, last: bigint) => {
    const transfer: Transfer = { resource, type, ...base };
    if (!transfer.fromCc) delete transfer.fromCc;
    if (!transfer.toCc) delete transfer.toCc;
    out.ranges.push({ transfer, first, last });
  };
  let count = 0;
  for (const n of t.ip4nets?.transfer_set ?? []) {
    const a = ipv4ToNumber(n.start_address ?? '');
    const b = ipv4ToNumber(n.end_address ?? '');
    if (a < 0 || b < a) return `bad IPv4 range ${n.start_address}-${n.end_address}`;
    add('ipv4', `${n.start_address}-${n.end_address}`, BigInt(a), BigInt(b));
    count++;
  }
  for (const n of t.ip6nets?.transfer_set ?? []) {
    const a = ipv6ToBigInt(n.start_address ?? '');
    const b = ipv6ToBigInt(n.end_address ?? '');
    if (a === null || b === null || b < a) return `bad IPv6 range ${n.start_address}-${n.end_address}`;
    add('ipv6', `${n.start_address}-${n.end_address}`, a, b);
    count++;
  }
  for (const n of t.asns?.transfer_set ?? []) {
    const a = Number(n.start_as_number);
    const b = Number(n.end_as_number ?? n.start_as_number);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < a) return `bad ASN range ${n.start_as_number}-${n.end_as_number}`;
    add('asn', a === b ? `AS${a}` : `AS${a}-AS${b}`, BigInt(a), BigInt(b));
    count++;
  }
  return count ? null : 'no resources (ip4nets, ip6nets or asns)';
}

export async function parseTransfersFile(path: string): Promise<TransfersFile> {
  const text = await readText(path);
  if (text.trim() === '') throw new Error(`${path} is empty`);
  return parseTransfersText(text, path);
}
