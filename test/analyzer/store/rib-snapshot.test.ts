import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import type { Finding, Severity } from '../../../analyzer/models/finding.js';
import { RibSnapshots, sameClassification } from '../../../analyzer/store/rib-snapshot.js';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { hash64Of } from '../../../analyzer/store/hash.js';
import { routeEventValues } from '../../../analyzer/store/rows.js';
import { clientQuery } from '../../../dashboard/server/sql-runner.js';
import { prefixTimeline } from '../../../dashboard/server/history-queries.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { readModelContents, routeEventContents } from '../../helpers/store-contents.js';
import { finding } from './fixtures.js';

const T0 = 1_400_000_000;

/** A RIB entry of `peer` for `prefix` with the path `peer … origin` (an AS_SET origin when `origins` has several). */
function entry(prefix: string, peer: number, origins: number[], time = T0, collector = 'rrc00'): RouteEvent {
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

/** The classification the pipeline gives: per (prefix, origin), with the visibility (and so the severity) of the peers seen so far. */
function classify(events: RouteEvent[]): Array<Finding | null> {
  const seen = new Map<string, number>();
  return events.map((e, i) => {
    if (e.peer_ip.endsWith('.9')) return null; // an entry the classifier could not classify (stored unclassified)
    const key = `${e.prefix} ${e.origin_asns?.join(',')}`;
    const visibility = (seen.get(key) ?? 0) + 1;
    seen.set(key, visibility);
    const severity: Severity = visibility >= 3 ? 'high' : visibility === 2 ? 'medium' : 'low';
    // Usage by prefix alone: queries that take a prefix's latest usage (argMax by time) cannot tell a dump's entries apart.
    const f = finding(e, 0);
    return { ...f, usageRegion: f.prefixRir === 'arin' ? 'ripencc' : 'arin', mainCountry: f.prefixRir === 'arin' ? 'DE' : 'US', shareAbroad: 0.5, severity, visibility, why: `entry ${i}` };
  });
}

/** Two dumps (two times) of a small table: several peers per prefix, several origins, an AS_SET, an unclassified entry. */
function rib(): RouteEvent[] {
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
function updates(): RouteEvent[] {
  return [3, 5, 8].flatMap((p, i) => {
    const a = { ...entry(`10.${p}.0.0/${16 + (p % 3)}`, 2, [64502], T0 + 3600 * (i + 1)) };
    delete a.from_rib;
    const w: RouteEvent = { timestamp: a.timestamp + 60, elem_type: 'withdraw', peer_ip: a.peer_ip, peer_asn: a.peer_asn, prefix: a.prefix, collector: 'rrc00', atomic: false };
    return [a, w];
  });
}

describe('RibSnapshots: a RIB dump into rows', () => {
  const events = rib();
  const findings = classify(events);

  it('groups the entries of a (collector, time, prefix) by origins and classification, and closes them at the next prefix', () => {
    const b = new RibSnapshots();
    const rows = events.flatMap((e, i) => b.add(e, findings[i])).concat(b.take());
    // Every entry is in exactly one row, in order within its row.
    expect(rows.reduce((n, r) => n + r.peerIps.length, 0)).toBe(events.length);
    for (const r of rows) {
      const members = events.map((e, i) => [e, findings[i]] as const).filter(([e]) => e.prefix === r.prefix && e.timestamp === r.time && e.origin_asns!.join() === r.originAsns.join());
      const mine = members.filter(([, f]) => sameClassification(f, r.finding));
      expect(r.peerIps).toEqual(mine.map(([e]) => e.peer_ip));
      expect(r.severities).toEqual(mine.map(([, f]) => f?.severity ?? ''));
      expect(r.visibilities).toEqual(mine.map(([, f]) => f?.visibility ?? 0));
      // The id each route_events row would have had: the same event, the same id.
      expect(r.peerIps.map((_, i) => hash64Of(r.eventIdHalves, i))).toEqual(mine.map(([e, f]) => routeEventValues(e, f)[0]));
      expect(r.communities).toEqual(mine.map(([e]) => routeEventValues(e, null)[14]));
    }
    // One row per (time, prefix, origins, classified or not): the unclassified peer 9 has rows of its own.
    const keys = new Set(events.map((e, i) => `${e.timestamp} ${e.prefix} ${e.origin_asns!.join()} ${findings[i] === null}`));
    expect(rows.length).toBe(keys.size);
    expect(rows.some((r) => r.finding === null && r.peerIps.every((ip) => ip === '192.0.2.9'))).toBe(true);
  });

  it('returns nothing until the prefix, time or collector changes; take empties it', () => {
    const b = new RibSnapshots();
    expect(b.add(entry('10.0.0.0/16', 1, [1]), null)).toEqual([]);
    expect(b.add(entry('10.0.0.0/16', 2, [2]), null)).toEqual([]);
    expect(b.add(entry('10.0.0.0/16', 3, [1], T0 + 1), null).map((r) => r.originAsns)).toEqual([[1], [2]]);
    expect(b.add(entry('10.0.0.0/16', 4, [1], T0 + 1, 'rrc01'), null).map((r) => r.peerIps)).toEqual([['192.0.2.3']]);
    expect(b.take().map((r) => [r.collector, r.peerIps])).toEqual([['rrc01', ['192.0.2.4']]]);
    expect(b.take()).toEqual([]);
    // After take, the same prefix again starts a new row.
    expect(b.add(entry('10.0.0.0/16', 5, [1], T0 + 1, 'rrc01'), null)).toEqual([]);
    expect(b.take()).toHaveLength(1);
  });

  it('tells classifications apart by every stored field but severity and visibility', () => {
    const e = entry('10.1.0.0/16', 1, [64501]);
    const f = { ...finding(e, 0), severity: 'low' as const, visibility: 1 };
    expect(sameClassification(f, { ...f, severity: 'high', visibility: 9, why: 'other' })).toBe(true);
    expect(sameClassification(f, null)).toBe(false);
    expect(sameClassification(null, null)).toBe(true);
    for (const change of [{ prefixRir: 'ripencc' }, { kinds: ['legacy'] }, { mainCountry: 'ZZ' }, { shareAbroad: 0.9 }, { rov: 'valid' }, { rpkiTas: ['ripe'] }, { geoAgreement: 0.5 }, { legacy: true }, { holderId: 'h' }] as const) {
      expect(sameClassification(f, { ...f, ...change } as Finding), JSON.stringify(change)).toBe(false);
    }
  });
});

describe('a RIB stored as snapshots reads as its entries stored as route events', () => {
  const dir = makeTmpDir('rib-snapshot');
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ db: join(dir, 'db') });
    await store.migrate();
  });
  afterAll(async () => store?.close());

  /** Everything a reader of the store sees: read models, route events, named queries, the dashboard's prefix history. */
  async function contents(): Promise<Record<string, unknown>> {
    const range = { from: '2014-01-01', to: '2015-01-01' };
    const named: Record<string, unknown> = {};
    for (const [name, params] of [
      ['summary', range],
      ['mismatch-matrix', range],
      ['top-prefixes', { ...range, limit: 50 }],
      ['prefix', { ...range, prefix: '10.3.0.0/16' }],
      ['asn', { ...range, asn: 64500 }],
      ['country', { ...range, cc: 'BR' }],
    ] as const) {
      // argMax(severity, time) over same-time entries picks any of them: severity is compared route by route below.
      named[name] = (await store.namedQuery(name, params)).rows.map((r) => ({ ...r, severity: undefined }));
    }
    const run = clientQuery(store.client, 30);
    return {
      ...(await readModelContents(store.client)),
      routeEvents: await routeEventContents(store.client),
      named,
      timeline: await prefixTimeline(run, '10.3.0.0/16'),
    };
  }

  async function write(ribSnapshots: boolean): Promise<Record<string, unknown>> {
    for (const t of (await store.readonlySql("SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree'")).rows) {
      await store.client.command({ query: `TRUNCATE TABLE ${String(t.name)}` });
    }
    const w = store.createWriter({ flushIntervalMs: 0, batchSize: 100_000, ribSnapshots });
    const all = [...rib(), ...updates()];
    const findings = classify(all);
    for (const [i, e] of all.entries()) await w.writeEvent(e, e.elem_type === 'announce' ? findings[i] : null);
    await w.close();
    return contents();
  }

  it('the read models, the route events, the named queries and the prefix history are the same', async () => {
    const asEvents = await write(false);
    const ribRows = Number((await store.readonlySql('SELECT count() AS n FROM rib_snapshots')).rows[0].n);
    expect(ribRows).toBe(0);
    const asSnapshots = await write(true);
    const stored = (await store.readonlySql('SELECT (SELECT count() FROM rib_snapshots) AS rows, (SELECT sum(length(route_event_id)) FROM rib_snapshots) AS routes, (SELECT count() FROM route_events) AS events')).rows[0];
    // The RIB's entries are in snapshot rows (far fewer rows); the updates stayed route events.
    expect(Number(stored.routes)).toBe(rib().length);
    const findings = classify(rib());
    expect(Number(stored.rows)).toBe(new Set(rib().map((e, i) => `${e.timestamp} ${e.prefix} ${e.origin_asns!.join()} ${findings[i] === null}`)).size);
    expect(Number(stored.rows)).toBeLessThan(rib().length / 2);
    expect(Number(stored.events)).toBe(updates().length);
    expect(String(asEvents.routeEvents).split('\n').length).toBe(rib().length + updates().length + 1);
    for (const key of Object.keys(asEvents)) expect(asSnapshots[key], key).toEqual(asEvents[key]);
  });
});
