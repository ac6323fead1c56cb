/**
 * Allocation-free address parsing for the lookup hot path (the index keys are IPv4 as an
 * unsigned 32-bit number and IPv6 as its top 64 bits), plus 128-bit helpers for building.
 */

/**
 * The dotted quad in text[0, end) as an unsigned 32-bit integer, or -1, without allocating.
 * `canonical` refuses leading zeros (`010`); RIR files may have them, prefixes to classify may not.
 */
function dottedQuad(text: string, end: number, canonical: boolean): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (canonical && digits === 1 && octet === 0) return -1;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else return -1;
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

/** Dotted-quad IPv4 → unsigned 32-bit integer, or -1 when invalid (leading zeros allowed: RIR files use plain decimals). */
export const ipv4ToNumber = (text: string): number => dottedQuad(text, text.length, false);

/** As ipv4ToNumber, refusing leading zeros (the canonical spelling only). */
export const canonicalIpv4ToNumber = (text: string): number => dottedQuad(text, text.length, true);

export function numberToIpv4(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

function hexGroup(text: string, from: number, to: number): number {
  if (to <= from || to - from > 4) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

const groupsScratch = new Array<number>(8);

/**
 * IPv6 text → 128-bit bigint, or null when invalid. Accepts `::` compression and a trailing
 * dotted IPv4 (`::ffff:1.2.3.4`); no zone ids.
 */
export function ipv6ToBigInt(text: string): bigint | null {
  const groups = parseIpv6Groups(text);
  if (!groups) return null;
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 16n) | BigInt(groups[i]);
  return v;
}

/** Top 64 bits of an IPv6 address as a bigint without building the full 128-bit value. */
export function ipv6Top64(text: string): bigint | null {
  const g = parseIpv6Groups(text);
  if (!g) return null;
  return (BigInt(g[0] * 65536 + g[1]) << 32n) | BigInt(g[2] * 65536 + g[3]);
}

/**
 * Top 64 bits of an IPv6 address as two unsigned 32-bit numbers, without a bigint: out[0] the
 * high 32, out[1] the next 32, out[2] 1 when the low 64 bits are zero (else 0). False when invalid.
 */
export function ipv6Top64Parts(text: string, out: { [i: number]: number }): boolean {
  const g = parseIpv6Groups(text);
  if (!g) return false;
  out[0] = g[0] * 65536 + g[1];
  out[1] = g[2] * 65536 + g[3];
  out[2] = g[4] === 0 && g[5] === 0 && g[6] === 0 && g[7] === 0 ? 1 : 0;
  return true;
}

function parseIpv6Groups(text: string): number[] | null {
  if (text.length < 2 || text.length > 45) return null;
  const g = groupsScratch;
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) return null;
  const head = dbl >= 0 ? text.slice(0, dbl) : text;
  const tail = dbl >= 0 ? text.slice(dbl + 2) : '';
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === '' ? [] : tail.split(':');
  const out: number[] = [];
  const push = (parts: string[], allowV4Last: boolean): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (allowV4Last && i === parts.length - 1 && p.includes('.')) {
        const v4 = ipv4ToNumber(p);
        if (v4 < 0) return false;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        const v = hexGroup(p, 0, p.length);
        if (v < 0) return false;
        out.push(v);
      }
    }
    return true;
  };
  if (!push(headParts, dbl < 0)) return null;
  const headCount = out.length;
  if (!push(tailParts, true)) return null;
  const tailCount = out.length - headCount;
  if (dbl < 0) {
    if (out.length !== 8) return null;
    for (let i = 0; i < 8; i++) g[i] = out[i];
    return g;
  }
  if (out.length > 7) return null;
  for (let i = 0; i < 8; i++) g[i] = 0;
  for (let i = 0; i < headCount; i++) g[i] = out[i];
  for (let i = 0; i < tailCount; i++) g[8 - tailCount + i] = out[headCount + i];
  return g;
}

/**
 * A canonical IPv4 prefix (`a.b.c.d/n`: no leading zeros, no spaces, no host bits) packed in
 * one number, `start * 64 + length`, or -1 for anything else (callers then take the general,
 * bigint parser, which also accepts the non-canonical spellings). Allocation-free: it is the
 * first step for every new prefix on the classifier's path.
 */
export function packedIpv4Prefix(text: string): number {
  const i = text.indexOf('/');
  if (i < 0) return -1;
  const value = dottedQuad(text, i, true);
  if (value < 0) return -1;
  const n = text.length;
  const lenDigits = n - i - 1;
  if (lenDigits < 1 || lenDigits > 2) return -1;
  const d0 = text.charCodeAt(i + 1) - 48;
  if (d0 < 0 || d0 > 9) return -1;
  let len = d0;
  if (lenDigits === 2) {
    const d1 = text.charCodeAt(i + 2) - 48;
    if (d0 === 0 || d1 < 0 || d1 > 9) return -1;
    len = d0 * 10 + d1;
  }
  if (len > 32) return -1;
  // Host bits set (integer mask, not a floating-point modulo: this runs for every new prefix).
  if (len < 32 && (value & (0xffffffff >>> len)) !== 0) return -1;
  return value * 64 + len;
}
