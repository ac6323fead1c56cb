/** NLRI prefixes as text, and IPv4 read from the wire; the address formatters are common/ip.ts's. */
import { formatIpv4Prefix, formatIpv6Prefix } from '../../common/ip.js';
import type { Nlri } from '../models/bgp.js';

export function readIPv4(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

/** The prefix as canonical text: host bits cleared, RFC 5952 IPv6. */
export function formatNlri(n: Nlri): string {
  if (n.afi === 1) {
    const len = n.length > 32 ? 32 : n.length;
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    return formatIpv4Prefix((n.v4 & mask) >>> 0, n.length);
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
  return formatIpv6Prefix(clean, n.length);
}

/** The prefix as bgpdump prints it: the address bytes as on the wire, host bits kept. */
export function formatNlriAsWire(n: Nlri): string {
  return n.afi === 1 ? formatIpv4Prefix(n.v4, n.length) : formatIpv6Prefix(n.v6 as Uint8Array, n.length, true);
}
