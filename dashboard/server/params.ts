import { RIRS, type Rir } from '../../analyzer/models/registry.js';
import { MISMATCH_KINDS, SEVERITIES, type MismatchKind, type Severity } from '../../analyzer/models/finding.js';
import { canonicalPrefix, parseIp, parsePrefix } from '../../common/ip.js';
import { badRequest } from './http.js';
import { parseAsn } from '../../common/asn.js';
import { parseTime, TimeParseError } from '../../common/time.js';

/** Query-string validation: every bad value is a 400 that names the parameter and what it accepts. */

export function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function rirList(query: URLSearchParams, name = 'rir'): Rir[] {
  return listParam(query, name).map((v) => rirValue(v, name));
}

export function rirValue(v: string, name = 'rir'): Rir {
  const r = v.toLowerCase();
  if (!(RIRS as readonly string[]).includes(r)) throw badRequest(`${name} must be one of ${RIRS.join(', ')}, not ${JSON.stringify(v)}`);
  return r as Rir;
}

/** A registering RIR or usage region: an RIR, or `unknown` for space no RIR/region explains. */
export function regionValue(v: string | null, name: string): Rir | 'unknown' {
  if (v === null || v === '') throw badRequest(`${name} is required (one of ${RIRS.join(', ')}, unknown)`);
  if (v.toLowerCase() === 'unknown') return 'unknown';
  return rirValue(v, name);
}

export function kindList(query: URLSearchParams): MismatchKind[] {
  return listParam(query, 'kind').map((v) => {
    if (!(MISMATCH_KINDS as readonly string[]).includes(v)) throw badRequest(`kind must be one of ${MISMATCH_KINDS.join(', ')}, not ${JSON.stringify(v)}`);
    return v as MismatchKind;
  });
}

export function countryValue(v: string, name = 'country'): string {
  if (!/^[A-Za-z]{2}$/.test(v)) throw badRequest(`${name} must be a two-letter country code, not ${JSON.stringify(v)}`);
  return v.toUpperCase();
}

export const countryList = (query: URLSearchParams, name = 'country'): string[] => listParam(query, name).map((v) => countryValue(v, name));

export function asnValue(v: string, name = 'asn'): number {
  const n = parseAsn(v);
  if (n === null) throw badRequest(`${name} must be an AS number (123 or AS123), not ${JSON.stringify(v)}`);
  return n;
}

export const asnList = (query: URLSearchParams, name = 'asn'): number[] => listParam(query, name).map((v) => asnValue(v, name));

export function severityValue(v: string | null): Severity | null {
  if (v === null || v === '') return null;
  if (!(SEVERITIES as readonly string[]).includes(v)) throw badRequest(`severity must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(v)}`);
  return v as Severity;
}

export function prefixValue(v: string): string {
  const p = canonicalPrefix(v.trim());
  if (!p) {
    const loose = parsePrefix(v.trim(), true);
    if (loose) throw badRequest(`prefix ${JSON.stringify(v)} has host bits set (did you mean the network address?)`);
    throw badRequest(`prefix must be a CIDR like 192.0.2.0/24 or 2001:db8::/32, not ${JSON.stringify(v)}`);
  }
  return p;
}

export function ipValue(v: string): { ip: string; family: 4 | 6 } {
  const parsed = parseIp(v);
  if (!parsed) throw badRequest(`ip must be an IPv4 or IPv6 address, not ${JSON.stringify(v)}`);
  return { ip: v.trim(), family: parsed.family };
}

export function intParam(query: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const v = query.get(name);
  if (v === null || v === '') return dflt;
  if (!/^\d+$/.test(v)) throw badRequest(`${name} must be a whole number between ${min} and ${max}, not ${JSON.stringify(v)}`);
  const n = Number(v);
  if (n < min || n > max) throw badRequest(`${name} must be between ${min} and ${max}, not ${n}`);
  return n;
}

export interface TimeRange {
  /** Seconds since 1970, inclusive. */
  from: number | null;
  /** Seconds since 1970, exclusive. */
  to: number | null;
}

/** `from`/`to` as seconds since 1970, ISO 8601 with a zone, an ISO date (midnight UTC), or an age such as `24h`, `7d`, `30m` (common/time.ts). */
export function timeRange(query: URLSearchParams, now = Date.now() / 1000): TimeRange {
  const from = timeValue(query.get('from'), 'from', now);
  const to = timeValue(query.get('to'), 'to', now);
  if (from !== null && to !== null && from >= to) throw badRequest(`from (${from}) must be before to (${to})`);
  return { from, to };
}

function timeValue(v: string | null, name: string, now: number): number | null {
  if (v === null || v === '') return null;
  try {
    // Ages count from the start of the current minute, so repeated requests share a cache entry.
    return parseTime(v, { name, now: Math.floor(now / 60) * 60 });
  } catch (err) {
    if (err instanceof TimeParseError) throw badRequest(err.message);
    throw err;
  }
}
