/**
 * Address formatting on the hot path: no libraries, no intermediate arrays.
 * IPv6 follows RFC 5952 (longest run of two or more zero groups compressed, first run on
 * ties); `mixed` is bgpdump's form: IPv4-mapped/compatible addresses with a dotted tail,
 * and even a single zero group compressed.
 */
import type { Nlri } from '../models/bgp.js';

export function formatIPv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function readIPv4(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

export function formatIPv4At(b: Uint8Array, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

export function formatIPv6(b: Uint8Array, off = 0, mixed = false): string {
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    const w = (b[off + 2 * i] << 8) | b[off + 2 * i + 1];
    if (w === 0) {
      if (curBase < 0) {
        curBase = i;
        curLen = 1;
      } else curLen++;
      if (curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
    } else curBase = -1;
  }
  // RFC 5952 §4.2.2: a single zero group is not compressed; bgpdump's formatter does compress it.
  if (bestLen < (mixed ? 1 : 2)) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    const w5 = (b[off + 10] << 8) | b[off + 11];
    // RFC 5952 §5: IPv4-mapped addresses end in dotted form; bgpdump also writes IPv4-compatible ones so.
    if (i === 6 && bestBase === 0 && ((mixed && bestLen === 6) || (bestLen === 5 && w5 === 0xffff))) {
      out += formatIPv4At(b, off + 12);
      return out;
    }
    out += ((b[off + 2 * i] << 8) | b[off + 2 * i + 1]).toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** The prefix as canonical text: host bits cleared, RFC 5952 IPv6. */
export function formatNlri(n: Nlri): string {
  if (n.afi === 1) {
    const len = n.length > 32 ? 32 : n.length;
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    return `${formatIPv4((n.v4 & mask) >>> 0)}/${n.length}`;
  }
  const src = n.v6 as Uint8Array;
  const len = n.length > 128 ? 128 : n.length;
  const full = len >> 3;
  const rem = len & 7;
  let clean = src;
  // Only copy when host bits are actually set (rare).
  let dirty = rem !== 0 && (src[full] & (0xff >> rem)) !== 0;
  for (let i = full + (rem ? 1 : 0); !dirty && i < 16; i++) if (src[i] !== 0) dirty = true;
  if (dirty) {
    clean = new Uint8Array(16);
    clean.set(src.subarray(0, full));
    if (rem) clean[full] = src[full] & ((0xff << (8 - rem)) & 0xff);
  }
  return `${formatIPv6(clean)}/${n.length}`;
}

/** The prefix as bgpdump prints it: the address bytes as on the wire, host bits kept. */
export function formatNlriAsWire(n: Nlri): string {
  return n.afi === 1 ? `${formatIPv4(n.v4)}/${n.length}` : `${formatIPv6(n.v6 as Uint8Array, 0, true)}/${n.length}`;
}
