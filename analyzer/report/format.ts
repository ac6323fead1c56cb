/** How the report prints figures: the same functions for the tables, the headline and the tests. */
import type { FamilyKey } from './types.js';

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const FRAC = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A count with thousands separators (IPv6 /48 counts keep up to two decimals when not whole). */
export const fmtCount = (n: number): string => (Number.isInteger(n) ? INT.format(n) : FRAC.format(n));

/** A share (0..1) as a percentage with `digits` decimals; '—' when there is none. */
export const fmtShare = (share: number | null, digits = 1): string => (share === null || !Number.isFinite(share) ? '—' : `${(100 * share).toFixed(digits)}%`);

const UNITS: Array<[number, string]> = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
];

/** A short magnitude such as 16.8 M (for IPv4 addresses beside the exact count); '' below a million. */
export function fmtShort(n: number): string {
  for (const [size, unit] of UNITS) if (Math.abs(n) >= size) return `${(n / size).toFixed(n / size >= 100 ? 0 : 1)} ${unit}`;
  return '';
}

const WORDS: Array<[number, string]> = [
  [1e12, 'trillion'],
  [1e9, 'billion'],
  [1e6, 'million'],
];

/** A count in words for sentences: "16.8 million", or the exact count below a million. */
export function fmtWords(n: number): string {
  for (const [size, word] of WORDS) if (Math.abs(n) >= size) return `${(n / size).toFixed(n / size >= 100 ? 0 : 1)} ${word}`;
  return fmtCount(n);
}

/** A figure in the family's unit, in words: "16,777,216 addresses" or "65,536 /48s". */
export const fmtAmount = (n: number, family: FamilyKey): string => `${fmtCount(n)} ${family === 'ipv4' ? (n === 1 ? 'address' : 'addresses') : '/48s'}`;

export const FAMILY_LABEL: Record<FamilyKey, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };
export const UNIT_LABEL: Record<FamilyKey, string> = { ipv4: 'addresses', ipv6: '/48s' };
