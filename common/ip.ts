/** Address family: 4 or 6. */
export type Family = 4 | 6;

/** A parsed CIDR prefix; `start` is the network address as an unsigned integer. */
export interface Prefix {
  family: Family;
  start: bigint;
  length: number;
}

export const familyBits = (family: Family): number => (family === 4 ? 32 : 128);

/*
 * Parsing and formatting are hand-written rather than done with `ip-address`: they sit on
 * the hot path of every route event (canonical prefixes), where that library measured about
 * 0.4 ms per IPv6 call. IPv6 output follows RFC 5952 (lower case, longest zero run as `::`,
 * no `::` for a single zero group), as inet_ntop does.
 */

function parseIpv4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return BigInt(value);
}

function parseIpv6(s: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
  let text = s;
  // Embedded IPv4 in the last 32 bits (::ffff:1.2.3.4): rewrite it as two hex groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const toGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const groups: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const head = toGroups(halves[0]);
  const rest = halves.length === 2 ? toGroups(halves[1]) : [];
  if (!head || !rest) return null;
  const given = head.length + rest.length;
  let groups: number[];
  if (halves.length === 2) {
    if (given > 7) return null;
    groups = [...head, ...new Array<number>(8 - given).fill(0), ...rest];
  } else {
    if (given !== 8) return null;
    groups = head;
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

export function parseIp(text: string): { family: Family; value: bigint } | null {
  const s = text.trim();
  if (s.includes(':')) {
    const v6 = parseIpv6(s);
    return v6 === null ? null : { family: 6, value: v6 };
  }
  const v4 = parseIpv4(s);
  return v4 === null ? null : { family: 4, value: v4 };
}

export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** RFC 5952 text of eight 16-bit groups. */
export function formatIpv6Groups(groups: ArrayLike<number>): string {
  // Longest run of zero groups (first one wins on ties), only if longer than one group.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => {
    let out = '';
    for (let i = from; i < to; i++) out += (i > from ? ':' : '') + groups[i].toString(16);
    return out;
  };
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

export function formatIp(family: Family, value: bigint): string {
  if (family === 4) return formatIpv4(Number(value));
  const groups = new Array<number>(8);
  for (let i = 7; i >= 0; i--) {
    groups[i] = Number(value & 0xffffn);
    value >>= 16n;
  }
  return formatIpv6Groups(groups);
}

/** Addresses in a prefix of this length, as a double (exact for IPv4; a power of two for IPv6). */
export const addressCount = (family: Family, length: number): number => 2 ** (familyBits(family) - length);

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
