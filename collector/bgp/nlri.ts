/**
 * NLRI prefix lists (RFC 4271 §4.3, RFC 4760, RFC 7911 ADD-PATH): length in bits, then the
 * minimum number of address bytes, optionally preceded by a 4-byte path identifier.
 */
import type { AddPathRecovery, Afi, Nlri } from '../models/bgp.js';

export interface NlriResult {
  prefixes: Nlri[];
  /** Problem found, if any (the prefixes before it are kept). */
  error?: string;
  /**
   * After an over-long prefix length: the entries bgpdump still reads from the rest of the
   * field (the over-long one with its address overflowing into its length byte). Only the
   * bgpdump formatter prints these; they are not routes.
   */
  bgpdumpTail?: Nlri[];
  /** Set by decodeNlriField when the field failed but reads cleanly as ADD-PATH. */
  recovered?: AddPathRecovery;
}

/** The warning for a recovered field (counted like any other warning). */
export const ADD_PATH_RECOVERED = 'NLRI decoded as ADD-PATH although the record does not say so';

/** Path ids come from small per-prefix counters in practice; a larger one is more likely address bytes. */
const MAX_PLAUSIBLE_PATH_ID = 0xffffff;

/** Reads on after an over-long prefix the way bgpdump 1.6.2 does (see QUIRKS.md). */
function bgpdumpTail(b: Uint8Array, p: number, end: number, afi: Afi, addPath: boolean): Nlri[] {
  const out: Nlri[] = [];
  while (p < end) {
    let pathId: number | undefined;
    if (addPath) {
      if (p + 4 > end) break;
      pathId = ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
      p += 4;
    }
    if (p >= end) break;
    let length = b[p++];
    const bytes = (length + 7) >> 3;
    if (p + bytes > end) break;
    const addr = new Uint8Array(16);
    addr.set(b.subarray(p, p + Math.min(bytes, 16)));
    if (bytes > 16) length = b[p + 16]; // the address overflows into the length field
    const n: Nlri = afi === 1 ? { afi, length, v4: ((addr[0] << 24) | (addr[1] << 16) | (addr[2] << 8) | addr[3]) >>> 0 } : { afi, length, v4: 0, v6: addr };
    if (pathId !== undefined) n.pathId = pathId;
    out.push(n);
    p += bytes;
  }
  return out;
}

export function decodeNlri(b: Uint8Array, start: number, end: number, afi: Afi, addPath: boolean): NlriResult {
  const prefixes: Nlri[] = [];
  const maxBits = afi === 1 ? 32 : 128;
  let p = start;
  while (p < end) {
    let pathId: number | undefined;
    if (addPath) {
      if (p + 4 > end) return { prefixes, error: `truncated path identifier at ${p}` };
      pathId = ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
      p += 4;
    }
    if (p >= end) return { prefixes, error: `truncated prefix at ${p}` };
    const length = b[p++];
    if (length > maxBits) {
      const tailStart = addPath ? p - 5 : p - 1;
      return { prefixes, error: `prefix length ${length} exceeds ${maxBits} at ${p - 1}`, bgpdumpTail: bgpdumpTail(b, tailStart, end, afi, addPath) };
    }
    const bytes = (length + 7) >> 3;
    if (p + bytes > end) return { prefixes, error: `truncated prefix /${length} at ${p - 1}` };
    let n: Nlri;
    if (afi === 1) {
      let v = 0;
      for (let i = 0; i < 4; i++) v = (v << 8) | (i < bytes ? b[p + i] : 0);
      n = { afi, length, v4: v >>> 0 };
    } else {
      const v6 = new Uint8Array(16);
      v6.set(b.subarray(p, p + bytes));
      n = { afi, length, v4: 0, v6 };
    }
    if (pathId !== undefined) n.pathId = pathId;
    prefixes.push(n);
    p += bytes;
  }
  return { prefixes };
}

/**
 * The ADD-PATH reading of a field, when it covers the whole field cleanly: no error, at least
 * one prefix, every path id plausible (lengths are already checked by decodeNlri).
 */
function readAsAddPath(b: Uint8Array, start: number, end: number, afi: Afi): Nlri[] | undefined {
  const r = decodeNlri(b, start, end, afi, true);
  if (r.error || r.prefixes.length === 0) return undefined;
  return r.prefixes.every((n) => (n.pathId ?? 0) <= MAX_PLAUSIBLE_PATH_ID) ? r.prefixes : undefined;
}

/**
 * decodeNlri for an UPDATE field. Some writers (BIRD's MRT dumps) put ADD-PATH NLRI in records
 * whose subtype does not say ADD-PATH; read without path ids such a field fails, so a failed
 * non-ADD-PATH field is retried as ADD-PATH. `prefixes`, `error` and `bgpdumpTail` stay the
 * plain reading (bgpdump prints that); `recovered` holds the routes when the retry works.
 */
export function decodeNlriField(b: Uint8Array, start: number, end: number, afi: Afi, addPath: boolean): NlriResult {
  const r = decodeNlri(b, start, end, afi, addPath);
  if (!r.error || addPath) return r;
  const nlri = readAsAddPath(b, start, end, afi);
  if (nlri) r.recovered = { nlri, error: r.error };
  return r;
}

/** The routes of an MP_REACH / MP_UNREACH entry: the ADD-PATH reading when it was recovered. */
export const mpRoutes = (m: { nlri: Nlri[]; addPathRecovery?: AddPathRecovery }): Nlri[] => m.addPathRecovery?.nlri ?? m.nlri;
