/**
 * Registered holders: the delegated-extended files give each allocated or assigned record the
 * holder's opaque id; grouping the records under it gives a holder's registered space (the
 * "Registered holders" list). The files carry no holder names; a holder that also holds an AS
 * can be named after it (the AS-name list), which says where the name comes from.
 */
import { parsePrefix, prefixEnd, type Prefix } from '../../common/ip.js';
import type { DelegationRecord, Rir } from '../models/registry.js';

export interface RegisteredHolder {
  holder_id: string;
  rir: Rir;
  /** The country of most of its records (the first one when tied). */
  cc: string;
  /** Other countries its records name, if any. */
  other_ccs: string[];
  records: number;
  ipv4_addresses: number;
  ipv6_48s: number;
  asns: number;
  /** Its lowest AS number, when it holds any (the name source below). */
  first_asn: number | null;
  first_date: string | null;
  last_date: string | null;
}

const delegated = (r: DelegationRecord): boolean => (r.status === 'allocated' || r.status === 'assigned') && !!r.opaqueId;

/** Every holder with a delegated record, largest IPv4 space first (then IPv6, then id). */
export function registeredHolders(records: readonly DelegationRecord[]): RegisteredHolder[] {
  const by = new Map<string, RegisteredHolder & { ccCount: Map<string, number> }>();
  for (const r of records) {
    if (!delegated(r)) continue;
    const key = `${r.rir}|${r.opaqueId}`;
    let h = by.get(key);
    if (!h) {
      h = { holder_id: r.opaqueId!, rir: r.rir, cc: r.cc, other_ccs: [], records: 0, ipv4_addresses: 0, ipv6_48s: 0, asns: 0, first_asn: null, first_date: null, last_date: null, ccCount: new Map() };
      by.set(key, h);
    }
    h.records++;
    h.ccCount.set(r.cc, (h.ccCount.get(r.cc) ?? 0) + 1);
    if (r.type === 'ipv4') h.ipv4_addresses += r.value;
    else if (r.type === 'ipv6') h.ipv6_48s += r.value <= 48 ? 2 ** (48 - r.value) : 2 ** -(r.value - 48);
    else {
      h.asns += r.value;
      const asn = Number(r.start);
      if (h.first_asn === null || asn < h.first_asn) h.first_asn = asn;
    }
    if (r.date) {
      if (!h.first_date || r.date < h.first_date) h.first_date = r.date;
      if (!h.last_date || r.date > h.last_date) h.last_date = r.date;
    }
  }
  const out: RegisteredHolder[] = [];
  for (const { ccCount, ...h } of by.values()) {
    const ccs = [...ccCount].sort((a, b) => b[1] - a[1]);
    out.push({ ...h, cc: ccs[0][0], other_ccs: ccs.slice(1).map(([cc]) => cc) });
  }
  // Ids compared by code unit: localeCompare (ICU) made the sort most of the time on real files.
  return out.sort((a, b) => b.ipv4_addresses - a.ipv4_addresses || b.ipv6_48s - a.ipv6_48s || (a.holder_id < b.holder_id ? -1 : a.holder_id > b.holder_id ? 1 : 0));
}

/** A holder's delegated records (one RIR's opaque ids are its own: the id and the RIR name a holder). */
export const holderRecords = (records: readonly DelegationRecord[], rir: Rir, holderId: string): DelegationRecord[] =>
  records.filter((r) => r.rir === rir && r.opaqueId === holderId && delegated(r));

/**
 * The space a set of announced prefixes covers, each address once (overlaps merged): IPv4 in
 * addresses, IPv6 in /48s. Malformed prefixes are skipped and counted.
 */
export function coveredSpace(prefixes: Iterable<string>): { ipv4_addresses: number; ipv6_48s: number; skipped: number } {
  const v4: Prefix[] = [];
  const v6: Prefix[] = [];
  let skipped = 0;
  for (const text of prefixes) {
    const p = parsePrefix(text);
    if (!p) skipped++;
    else (p.family === 4 ? v4 : v6).push(p);
  }
  const merged = (list: Prefix[]): bigint => {
    list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.length - b.length));
    let total = 0n;
    let end = -1n;
    for (const p of list) {
      const e = prefixEnd(p);
      if (e <= end) continue; // inside what is counted already
      total += e - (p.start > end ? p.start : end + 1n) + 1n;
      end = e;
    }
    return total;
  };
  return { ipv4_addresses: Number(merged(v4)), ipv6_48s: Number(merged(v6)) / 2 ** 80, skipped };
}
