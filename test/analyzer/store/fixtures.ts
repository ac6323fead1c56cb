import type { RouteEvent } from '../../../collector/models/route-event.js';
import type { Finding, MismatchKind } from '../../../analyzer/models/finding.js';
import type { Rir } from '../../../analyzer/models/registry.js';

/** A small deterministic dataset: announcements, withdrawals and their findings. */
export interface Item {
  event: RouteEvent;
  finding: Finding | null;
}

const RIRS: Rir[] = ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc'];
const KINDS: MismatchKind[][] = [[], ['geo-out-of-region', 'origin-out-of-region'], ['origin-out-of-region'], ['legacy'], ['geo-out-of-region']];
const CCS = ['SC', 'HK', 'US', 'BR', 'DE'];

export function finding(event: RouteEvent, i: number): Finding {
  const origin = Math.min(...(event.origin_asns ?? [0]));
  const p = Number(event.prefix.split('.')[1]);
  return {
    time: event.timestamp,
    prefix: event.prefix,
    family: 4,
    addresses: 2 ** (32 - Number(event.prefix.split('/')[1])),
    originAsn: origin,
    originAsns: event.origin_asns ?? [],
    prefixRir: RIRS[p % 5],
    registeredCc: CCS[p % 5],
    holderId: null,
    ianaRir: RIRS[p % 5],
    legacy: false,
    originRir: RIRS[origin % 5],
    originCc: CCS[origin % 5],
    usageRegion: RIRS[(p + (origin % 2)) % 5],
    mainCountry: CCS[(p + (origin % 2)) % 5],
    shareAbroad: (i % 10) / 10,
    geo: [{ cc: CCS[p % 5], addresses: 256, share: 1 }],
    kinds: KINDS[(p + origin) % KINDS.length],
    geoSubkind: null,
    severity: 'low',
    visibility: 1 + (i % 3),
    why: `prefix ${event.prefix} origin ${origin}`,
  };
}

/** `n` events over a few prefixes, origins, peers and hours; every 7th is a withdrawal. */
export function dataset(n: number, t0 = 1_700_000_000): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    const p = i % 13;
    const withdraw = i % 7 === 6;
    const origin = 64500 + ((i * 7) % 5);
    const event: RouteEvent = {
      timestamp: t0 + i * 61.5,
      elem_type: withdraw ? 'withdraw' : 'announce',
      peer_ip: `192.0.2.${1 + (i % 4)}`,
      peer_asn: 65000 + (i % 4),
      prefix: `10.${p}.0.0/${16 + (p % 3)}`,
      collector: 'rrc00',
      atomic: false,
      ...(withdraw
        ? {}
        : {
            as_path: [{ type: 'AS_SEQUENCE' as const, asns: [65000 + (i % 4), 3356, origin] }],
            origin_asns: [origin],
            next_hop: '192.0.2.254',
            communities: [{ type: 'standard' as const, asn: 3356, value: i % 3 }],
          }),
    };
    items.push({ event, finding: withdraw ? null : finding(event, i) });
  }
  return items;
}
