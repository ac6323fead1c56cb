import { Address4, Address6 } from 'ip-address';

/** Address family: 4 or 6. */
export type Family = 4 | 6;

/** A parsed CIDR prefix; `start` is the network address as an unsigned integer. */
export interface Prefix {
  family: Family;
  start: bigint;
  length: number;
}

export const familyBits = (family: Family): number => (family === 4 ? 32 : 128);

export function parseIp(text: string): { family: Family; value: bigint } | null {
  const s = text.trim();
  if (Address4.isValid(s) && !s.includes('/')) return { family: 4, value: new Address4(s).bigInt() };
  if (Address6.isValid(s) && !s.includes('/')) return { family: 6, value: new Address6(s).bigInt() };
  return null;
}

export function formatIp(family: Family, value: bigint): string {
  return family === 4 ? Address4.fromBigInt(value).correctForm() : Address6.fromBigInt(value).correctForm();
}

/** Number of addresses in a prefix. */
export const prefixSize = (p: Prefix): bigint => 1n << BigInt(familyBits(p.family) - p.length);

/** Last address in a prefix (inclusive). */
export const prefixEnd = (p: Prefix): bigint => p.start + prefixSize(p) - 1n;

/**
 * Parses `addr/len` (or a bare address as a host prefix). Host bits must be zero unless
 * `allowHostBits`, in which case they are cleared. Returns null for anything invalid.
 */
export function parsePrefix(text: string, allowHostBits = false): Prefix | null {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return null;
  const bits = familyBits(ip.family);
  const lenText = slash < 0 ? String(bits) : text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(lenText)) return null;
  const length = Number(lenText);
  if (length > bits) return null;
  const hostMask = (1n << BigInt(bits - length)) - 1n;
  if ((ip.value & hostMask) !== 0n && !allowHostBits) return null;
  return { family: ip.family, start: ip.value & ~hostMask, length };
}

export function formatPrefix(p: Prefix): string {
  return `${formatIp(p.family, p.start)}/${p.length}`;
}

/** The canonical text of a prefix (compressed IPv6, no host bits), or null when invalid. */
export function canonicalPrefix(text: string): string | null {
  const p = parsePrefix(text);
  return p ? formatPrefix(p) : null;
}

/** True when `inner` lies inside (or equals) `outer`. */
export function prefixContains(outer: Prefix, inner: Prefix): boolean {
  return (
    outer.family === inner.family &&
    outer.length <= inner.length &&
    inner.start >> BigInt(familyBits(outer.family) - outer.length) === outer.start >> BigInt(familyBits(outer.family) - outer.length)
  );
}

/** Splits the inclusive range [first, last] into the exact, minimal list of CIDR prefixes. */
export function rangeToPrefixes(family: Family, first: bigint, last: bigint): Prefix[] {
  const bits = familyBits(family);
  const out: Prefix[] = [];
  let cur = first;
  while (cur <= last) {
    // Largest block aligned at `cur` that does not run past `last`.
    let size = 0;
    while (size < bits && (cur & ((1n << BigInt(size + 1)) - 1n)) === 0n && cur + (1n << BigInt(size + 1)) - 1n <= last) size++;
    out.push({ family, start: cur, length: bits - size });
    cur += 1n << BigInt(size);
  }
  return out;
}
