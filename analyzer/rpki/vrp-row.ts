/** One VRP row's fields checked and turned into a Vrp; the format parsers share it. */
import { parseAsn } from '../../common/asn.js';
import { familyBits, parsePrefix } from '../../common/ip.js';
import type { Vrp } from '../models/rpki.js';

/** A row that cannot be used, with the reason (the loader counts and logs it). */
export class BadRow extends Error {}

/** Trust anchor names as validators write them, normalised: lower case, no `.tal`. */
export function normaliseTa(ta: unknown): string {
  const s = typeof ta === 'string' ? ta.trim().toLowerCase().replace(/\.tal$/, '') : '';
  return s || 'unknown';
}

export interface RowFields {
  asn: unknown;
  prefix: unknown;
  maxLength: unknown;
  ta: string;
  notBefore: number | null;
  notAfter: number | null;
}

/** Checks the fields of one row (ASN with or without `AS`, canonical prefix, length ≤ maxLength ≤ family bits). */
export function toVrp(f: RowFields): Vrp {
  const asn = typeof f.asn === 'number' ? (Number.isInteger(f.asn) && f.asn >= 0 && f.asn <= 4294967295 ? f.asn : null) : parseAsn(String(f.asn ?? ''));
  if (asn === null) throw new BadRow(`bad ASN ${JSON.stringify(f.asn)}`);
  const p = typeof f.prefix === 'string' ? parsePrefix(f.prefix.trim()) : null;
  if (!p) throw new BadRow(`bad prefix ${JSON.stringify(f.prefix)} (address/length with no host bits)`);
  // An absent maxLength means the prefix's own length (RFC 6482).
  const ml = f.maxLength === undefined || f.maxLength === null || f.maxLength === '' ? p.length : Number(f.maxLength);
  if (!Number.isInteger(ml) || ml < p.length || ml > familyBits(p.family)) throw new BadRow(`bad maxLength ${JSON.stringify(f.maxLength)} for ${f.prefix}`);
  return { family: p.family, start: p.start, length: p.length, maxLength: ml, asn, ta: f.ta, notBefore: f.notBefore, notAfter: f.notAfter };
}
