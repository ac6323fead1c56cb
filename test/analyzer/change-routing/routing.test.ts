/**
 * Registry changes joined with routing: the routing snapshot read from a store the test fills
 * (route events through the store's writer), at the end of each snapshot's UTC day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { routeChanges } from '../../../analyzer/change-routing/index.js';
import { routingSummary } from '../../../analyzer/change-routing/join.js';
import { storeDiff } from '../../../analyzer/registry/changes-store.js';
import type { Finding } from '../../../analyzer/models/finding.js';
import type { Rir } from '../../../analyzer/models/registry.js';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import { announce, makeFinding } from '../../dashboard/fixture.js';
import { change } from '../../dashboard/registry-changes-fixture.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const at = (iso: string): number => Date.parse(iso) / 1000;
const D4 = '2024-01-04';
const D5 = '2024-01-05';

/** A finding whose origin AS is registered with `originRir` (the prefix's own RIR may differ). */
const finding = (prefix: string, origin: number, rir: Rir, originRir: Rir, country: string, region: Rir, time: number): Finding => ({
  ...makeFinding({ prefix, origin, rir, region, country, time }),
  originRir,
});
const withdraw = (prefix: string, peer: string, time: number): RouteEvent => ({ ...announce(finding(prefix, 1, 'arin', 'arin', 'US', 'arin', time), peer, time), elem_type: 'withdraw', as_path: [], origin_asns: [], next_hop: '' });

const PEERS = ['192.0.2.1', '192.0.2.2'];

describe('registry changes joined with routing', () => {
  let store: Store;
  const root = makeTmpDir('change-routing');
  beforeAll(async () => {
    store = await openStore({ db: join(root, 'db') });
    await store.migrate();
    const w = store.createWriter({ flushIntervalMs: 50 });
    const both = async (f: Finding, time: number) => {
      for (const p of PEERS) await w.writeEvent(announce(f, p, time), f);
    };
    // Day 4: 45.10.0.0/23 from AS64500 (ARIN, used in the US); 103.20.0.0/22 from AS64501 (APNIC, JP).
    await both(finding('45.10.0.0/23', 64500, 'arin', 'arin', 'US', 'arin', at('2024-01-04T08:00:00Z')), at('2024-01-04T08:00:00Z'));
    await both(finding('103.20.0.0/22', 64501, 'apnic', 'apnic', 'JP', 'apnic', at('2024-01-04T09:00:00Z')), at('2024-01-04T09:00:00Z'));
    // One peer only: below the index's min_peers (2), not routed.
    const lone = finding('45.20.0.0/24', 64502, 'arin', 'arin', 'US', 'arin', at('2024-01-04T10:00:00Z'));
    await w.writeEvent(announce(lone, PEERS[0]), lone);
    // Day 5: the /23 is now originated by AS64510 (APNIC) and used in HK; the /22 is withdrawn by both peers.
    await both(finding('45.10.0.0/23', 64510, 'apnic', 'apnic', 'HK', 'apnic', at('2024-01-05T12:00:00Z')), at('2024-01-05T12:00:00Z'));
    for (const p of PEERS) await w.writeEvent(withdraw('103.20.0.0/22', p, at('2024-01-05T13:00:00Z')), null);
    // A /24 inside the /23, announced at 23:59 on day 5 and withdrawn at the next midnight: routed at the end of day 5.
    await both(finding('45.10.1.0/24', 64510, 'apnic', 'apnic', 'HK', 'apnic', at('2024-01-05T23:59:00Z')), at('2024-01-05T23:59:00Z'));
    for (const p of PEERS) await w.writeEvent(withdraw('45.10.1.0/24', p, at('2024-01-06T00:00:00Z')), null);
    await w.flush();
    await w.close();
  });
  afterAll(async () => store?.close());

  const EVENTS = [
    change({ kind: 'moved', family: 'ipv4', start: '45.10.1.0', end: '45.10.1.255', addresses: 256, from_rir: 'arin', to_rir: 'apnic', from_cc: 'US', to_cc: 'HK' }),
    change({ kind: 'removed', family: 'ipv4', start: '103.20.0.0', end: '103.20.1.255', addresses: 512, from_rir: 'apnic', from_cc: 'JP', to_status: 'available' }),
    change({ kind: 'added', family: 'ipv4', start: '45.20.0.0', end: '45.20.0.255', addresses: 256, to_rir: 'arin', to_cc: 'US', from_status: 'available' }),
    change({ kind: 'cc-changed', family: 'ipv4', start: '45.9.0.0', end: '45.10.0.127', addresses: 65536 + 128, from_rir: 'ripencc', to_rir: 'ripencc', from_cc: 'NL', to_cc: 'DE' }),
    change({ kind: 'moved', family: 'asn', start: '64505', end: '64515', addresses: 11, from_rir: 'arin', to_rir: 'apnic' }),
  ];

  it('reads each side at the end of its UTC day and joins every event', async () => {
    const r = await routeChanges(store.client, D4, D5, EVENTS);
    expect(r.from).toEqual({ date: D4, at: '2024-01-05T00:00:00.000Z', known: true });
    expect(r.to).toEqual({ date: D5, at: '2024-01-06T00:00:00.000Z', known: true });
    const [moved, removed, added, cc, asn] = r.routing;
    // The moved /24 lies inside the routed /23 on both days; on day 5 the /24 itself is routed too (withdrawn only at midnight).
    expect(moved.from).toMatchObject({ routing: 'routed', prefixes: ['45.10.0.0/23'], origins: [64500], origin_rirs: ['arin'], countries: ['US'], usage_regions: ['arin'], routed_addresses: 256 });
    expect(moved.to).toMatchObject({ routing: 'routed', prefixes: ['45.10.0.0/23', '45.10.1.0/24'], prefix_count: 2, origins: [64510], origin_rirs: ['apnic'], countries: ['HK'], routed_addresses: 256 });
    expect(moved.summary).toBe('routed before and after; origin AS64500 → AS64510; origin registry arin → apnic; used in US before, HK after');
    // The /22 covers the removed /23: routed before, withdrawn after.
    expect(removed.from).toMatchObject({ routing: 'routed', prefixes: ['103.20.0.0/22'], origins: [64501], routed_addresses: 512 });
    expect(removed.to.routing).toBe('unrouted');
    expect(removed.summary).toBe('routed before, not after; origin AS64501; origin registered with apnic; used in JP');
    // One peer only: filtered out like the index does.
    expect(added.from.routing).toBe('unrouted');
    expect(added.to.routing).toBe('unrouted');
    expect(added.summary).toBe('not routed');
    // A range reaching into the /23 from below: only the overlapping half is routed.
    expect(cc.from).toMatchObject({ routing: 'routed', prefixes: ['45.10.0.0/23'], routed_addresses: 128 });
    // ASNs 64505–64515: AS64510 originates on day 5 only.
    expect(asn.from.routing).toBe('unrouted');
    expect(asn.to).toMatchObject({ routing: 'routed', origins: [64510], prefixes: ['45.10.0.0/23', '45.10.1.0/24'], routed_addresses: 1 });
  });

  it('says unknown for a day without route events', async () => {
    const r = await routeChanges(store.client, '2024-01-01', D4, EVENTS.slice(0, 1));
    expect(r.from.known).toBe(false);
    expect(r.routing[0].from.routing).toBe('unknown');
    expect(r.routing[0].to.routing).toBe('routed');
    expect(r.routing[0].summary).toBe('routed after, routing before unknown; origin AS64500; origin registered with arin; used in US');
  });

  it('stores the routing of routed events beside registry_changes, and the dates the store knew', async () => {
    const routed = await routeChanges(store.client, D4, D5, EVENTS);
    const n = await storeDiff(store.client, { fromDate: D4, toDate: D5, events: EVENTS, routed, ages: [], maxAgeDays: 3 });
    expect(n).toEqual({ events: 5, routed: 4 });
    const rows = (
      await store.readonlySql(
        'SELECT c.kind AS kind, c.`start` AS start, r.from_routing AS f, r.to_routing AS t, r.from_origins AS fo, r.to_origins AS tOrig, r.routing_summary AS s ' +
          'FROM registry_changes AS c FINAL LEFT JOIN (SELECT * FROM registry_change_routing FINAL) AS r USING (from_date, to_date, kind, family, `start`, `end`) ORDER BY c.family, c.`start`',
      )
    ).rows;
    const byStart = new Map(rows.map((x) => [`${x.kind}|${x.start}`, x]));
    expect(byStart.get('moved|45.10.1.0')).toMatchObject({ f: 'routed', t: 'routed', fo: [64500], tOrig: [64510] });
    expect(byStart.get('removed|103.20.0.0')).toMatchObject({ f: 'routed', t: 'unrouted' });
    // Not routed on either side: no routing row (the join gives the defaults).
    expect(byStart.get('added|45.20.0.0')).toMatchObject({ f: '', s: '' });
  });

  it('routingSummary: origin unchanged, used in the same country', () => {
    const side = { routing: 'routed' as const, prefixes: ['45.10.0.0/24'], prefix_count: 1, origins: [64500], origin_rirs: ['arin'], usage_regions: ['apnic'], countries: ['HK'], routed_addresses: 256 };
    expect(routingSummary(side, side)).toBe('routed before and after; origin AS unchanged (AS64500); origin registered with arin; used in HK before and after');
  });
});
