import { afterAll, beforeAll } from 'vitest';
import { join } from 'node:path';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
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

/** The origin AS of storedAnnouncement's rows. */
export const STORED_ORIGIN = 64501;
// Not now(): a copy of the row must keep it. Within the retention, which removes older rows as they are written.
const STORED_AT = new Date(Date.now() - 86_400_000).toISOString().slice(0, 19).replace('T', ' ');

/** A classified announcement of STORED_ORIGIN's prefix by one rrc00 peer, as route_events stores it, with the fields given (event_id, time, visibility, …). */
export const storedAnnouncement = <R extends { prefix: string }>(r: R) => ({
  ...r,
  collector: 'rrc00',
  peer_ip: '192.0.2.1',
  peer_asn: 64500,
  elem_type: 'announce',
  family: 4,
  prefix_length: Number(r.prefix.split('/')[1]),
  as_path: `64500 ${STORED_ORIGIN}`,
  origin_asn: STORED_ORIGIN,
  origin_asns: [STORED_ORIGIN],
  classified: true,
  stored_at: STORED_AT,
});

/** A store of its own for the tests of a describe block (opened before them, closed after), and an insert of storedAnnouncement rows. */
export function announcementStore(name: string) {
  const dir = makeTmpDir(name);
  const ctx = { store: undefined as unknown as Store };
  beforeAll(async () => {
    ctx.store = await openStore({ db: join(dir, 'db') });
  });
  afterAll(async () => ctx.store?.close());
  const insert = async (rows: Array<{ prefix: string }>) => void (await ctx.store.client.insert({ table: 'route_events', values: rows.map(storedAnnouncement), format: 'JSONEachRow' }));
  return { ctx, insert };
}
