import type { Finding, MismatchKind, Severity } from '../../analyzer/models/finding.js';
import type { Rir } from '../../analyzer/models/registry.js';
import type { RouteEvent } from '../../collector/models/route-event.js';
import type { LifecycleEvent } from '../../analyzer/models/lifecycle.js';

/** A finding as the classifier would produce it, for one prefix and origin. */
export function makeFinding(p: {
  prefix: string;
  origin: number;
  rir: Rir | null;
  region: Rir | null;
  country: string | null;
  registeredCc?: string | null;
  kinds?: MismatchKind[];
  severity?: Severity;
  time?: number;
  holderId?: string | null;
}): Finding {
  const len = Number(p.prefix.split('/')[1]);
  const family = p.prefix.includes(':') ? 6 : 4;
  const out = p.rir !== null && p.region !== null && p.rir !== p.region;
  return {
    time: p.time ?? 1_700_000_000,
    prefix: p.prefix,
    family,
    addresses: 2 ** ((family === 4 ? 32 : 128) - len),
    originAsn: p.origin,
    originAsns: [p.origin],
    prefixRir: p.rir,
    registeredCc: p.registeredCc ?? null,
    holderId: p.holderId ?? null,
    ianaRir: p.rir,
    legacy: false,
    originRir: p.rir,
    originCc: p.registeredCc ?? null,
    usageRegion: p.region,
    mainCountry: p.country,
    shareAbroad: out ? 0.9 : 0,
    geo: p.country ? [{ cc: p.country, addresses: 2 ** (32 - len), share: 1 }] : [],
    kinds: p.kinds ?? (out ? ['geo-out-of-region'] : []),
    geoSubkind: out ? 'abroad-inconsistent' : null,
    severity: p.severity ?? (out ? 'medium' : 'none'),
    visibility: 3,
    why: out ? `${p.prefix} is registered with ${p.rir} but ${90}% of its addresses are used in ${p.country}.` : `${p.prefix} is used where it is registered.`,
  };
}

export function announce(f: Finding, peer = '192.0.2.1', time = f.time): RouteEvent {
  return {
    timestamp: time,
    elem_type: 'announce',
    peer_ip: peer,
    peer_asn: 64500,
    prefix: f.prefix,
    next_hop: peer,
    as_path: [{ type: 'AS_SEQUENCE', asns: [64500, 3356, f.originAsn as number] }],
    origin_asns: [f.originAsn as number],
    origin: 'IGP',
    atomic: false,
    collector: 'rrc00',
  };
}

export const started = (f: Finding): LifecycleEvent => ({ type: 'finding-started', time: f.time, finding: f });

/** A small, varied data set: mismatches in several matrix cells plus in-region space. */
export const FINDINGS: Finding[] = [
  makeFinding({ prefix: '154.80.0.0/16', origin: 4134, rir: 'afrinic', region: 'apnic', country: 'CN', registeredCc: 'SC', holderId: 'F36B9F4B', time: 1_700_000_000 }),
  makeFinding({ prefix: '154.81.0.0/17', origin: 4134, rir: 'afrinic', region: 'apnic', country: 'HK', registeredCc: 'SC', holderId: 'F36B9F4B', time: 1_700_000_100 }),
  makeFinding({ prefix: '41.190.0.0/20', origin: 37100, rir: 'afrinic', region: 'ripencc', country: 'GB', registeredCc: 'MU', time: 1_700_000_200 }),
  makeFinding({ prefix: '185.1.0.0/24', origin: 64496, rir: 'ripencc', region: 'arin', country: 'US', registeredCc: 'VG', severity: 'high', time: 1_700_000_300 }),
  makeFinding({ prefix: '193.0.0.0/21', origin: 3333, rir: 'ripencc', region: 'ripencc', country: 'NL', registeredCc: 'NL', time: 1_700_000_400 }),
  makeFinding({ prefix: '8.8.8.0/24', origin: 15169, rir: 'arin', region: 'arin', country: 'US', registeredCc: 'US', time: 1_700_000_500 }),
  makeFinding({ prefix: '200.0.0.0/22', origin: 28000, rir: 'lacnic', region: null, country: null, registeredCc: 'BR', kinds: ['unregistered'], severity: 'low', time: 1_700_000_600 }),
];
