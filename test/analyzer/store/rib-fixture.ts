/** A small RIB (two dumps of a table with several peers per prefix) and the updates beside it, as the writer receives them. */
import type { RouteEvent } from '../../../collector/models/route-event.js';
import type { Finding, Severity } from '../../../analyzer/models/finding.js';
import { finding } from './fixtures.js';

export const T0 = 1_400_000_000;

/** A RIB entry of `peer` for `prefix` with the path `peer … origin` (an AS_SET origin when `origins` has several). */
export function entry(prefix: string, peer: number, origins: number[], time = T0, collector = 'rrc00'): RouteEvent {
  return {
    timestamp: time,
    elem_type: 'announce',
    peer_ip: `192.0.2.${peer}`,
    peer_asn: 65000 + peer,
    prefix,
    collector,
    atomic: false,
    as_path: origins.length > 1 ? [{ type: 'AS_SEQUENCE', asns: [65000 + peer] }, { type: 'AS_SET', asns: origins }] : [{ type: 'AS_SEQUENCE', asns: [65000 + peer, 3356, origins[0]] }],
    origin_asns: origins,
    next_hop: `192.0.2.${peer}`,
    communities: peer % 2 ? [{ type: 'standard', asn: 3356, value: peer }, { type: 'large', global: 1, local1: 2, local2: peer }] : [],
    from_rib: true,
  };
}

/** The classification the pipeline gives: per (prefix, origin), with the visibility (and so the severity) of the peers that have announced it so far (a later dump repeats them). */
export function classify(events: RouteEvent[]): Array<Finding | null> {
  const seen = new Map<string, Set<string>>();
  return events.map((e, i) => {
    if (e.peer_ip.endsWith('.9')) return null; // an entry the classifier could not classify (stored unclassified)
    const key = `${e.prefix} ${e.origin_asns?.join(',')}`;
    const peers = seen.get(key) ?? new Set<string>();
    seen.set(key, peers.add(e.peer_ip));
    const visibility = peers.size;
    const severity: Severity = visibility >= 3 ? 'high' : visibility === 2 ? 'medium' : 'low';
    // Usage by prefix alone: queries that take a prefix's latest usage (argMax by time) cannot tell a dump's entries apart.
    const f = finding(e, 0);
    return { ...f, usageRegion: f.prefixRir === 'arin' ? 'ripencc' : 'arin', mainCountry: f.prefixRir === 'arin' ? 'DE' : 'US', shareAbroad: 0.5, severity, visibility, why: `entry ${i}` };
  });
}

/** Two dumps (two times) of a small table: several peers per prefix, several origins, an AS_SET, an unclassified entry. */
export function rib(): RouteEvent[] {
  const out: RouteEvent[] = [];
  for (const time of [T0, T0 + 8 * 3600]) {
    for (let p = 0; p < 12; p++) {
      const prefix = `10.${p}.0.0/${16 + (p % 3)}`;
      for (let peer = 1; peer <= 9; peer++) {
        if ((p + peer) % 5 === 0) continue; // not every peer has every prefix
        const origins = p === 3 && peer > 6 ? [64501, 64500] : [64500 + ((p * peer) % 3 === 0 ? 7 : p % 4)];
        out.push(entry(prefix, peer, origins, time));
      }
    }
  }
  return out;
}

/** BGP messages' events of the same prefixes (not RIB entries): they stay route_events rows. */
export function updates(): RouteEvent[] {
  return [3, 5, 8].flatMap((p, i) => {
    const a = { ...entry(`10.${p}.0.0/${16 + (p % 3)}`, 2, [64502], T0 + 3600 * (i + 1)) };
    delete a.from_rib;
    const w: RouteEvent = { timestamp: a.timestamp + 60, elem_type: 'withdraw', peer_ip: a.peer_ip, peer_asn: a.peer_asn, prefix: a.prefix, collector: 'rrc00', atomic: false };
    return [a, w];
  });
}

/**
 * The latest classification of each prefix, computed from the events and their findings alone:
 * its classified announcements at its latest time, and of those the one most peers carried
 * (the highest visibility; equal visibilities have equal severities here).
 */
export function latestByPeers(events: RouteEvent[], findings: Array<Finding | null>): Map<string, { severity: Severity; visibility: number; time: number }> {
  const out = new Map<string, { severity: Severity; visibility: number; time: number }>();
  events.forEach((e, i) => {
    const f = findings[i];
    if (e.elem_type !== 'announce' || !f) return;
    const best = out.get(e.prefix);
    if (!best || e.timestamp > best.time || (e.timestamp === best.time && f.visibility > best.visibility)) out.set(e.prefix, { severity: f.severity, visibility: f.visibility, time: e.timestamp });
  });
  return out;
}
