import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Finding } from '../../../analyzer/models/finding.js';
import { RibSnapshots, sameClassification } from '../../../analyzer/store/rib-snapshot.js';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { hash64Of } from '../../../analyzer/store/hash.js';
import { routeEventValues } from '../../../analyzer/store/rows.js';
import { clientQuery } from '../../../dashboard/server/sql-runner.js';
import { prefixTimeline } from '../../../dashboard/server/history-queries.js';
import { asnHistory, cellPrefixes } from '../../../dashboard/server/event-queries.js';
import type { Rir } from '../../../analyzer/models/registry.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { readModelContents, routeEventContents } from '../../helpers/store-contents.js';
import { finding } from './fixtures.js';
import { classify, entry, latestByPeers, rib, T0, updates } from './rib-fixture.js';

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
      named[name] = (await store.namedQuery(name, params)).rows;
    }
    const run = clientQuery(store.client, 30);
    return {
      ...(await readModelContents(store.client)),
      routeEvents: await routeEventContents(store.client),
      named,
      timeline: await prefixTimeline(run, '10.3.0.0/16'),
    };
  }

  async function write(ribSnapshots: boolean, all = [...rib(), ...updates()]): Promise<Record<string, unknown>> {
    for (const t of (await store.readonlySql("SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree'")).rows) {
      await store.client.command({ query: `TRUNCATE TABLE ${String(t.name)}` });
    }
    const w = store.createWriter({ flushIntervalMs: 0, batchSize: 100_000, ribSnapshots });
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

  it('a prefix\'s latest classification is that of its dump entry the most peers carried, stored either way', async () => {
    // A collector's first dump: visibility grows entry by entry.
    const all = rib().filter((e) => e.timestamp === T0);
    const findings = classify(all);
    const expected = latestByPeers(all, findings);
    // The ASN page's: per prefix, of one origin's entries (origin 64507 has several peers on several prefixes).
    const ORIGIN = 64507;
    const ofOrigin = all.map((e, i) => [e, findings[i]] as const).filter(([e]) => e.origin_asns!.join() === String(ORIGIN));
    const expectedOfOrigin = latestByPeers(ofOrigin.map(([e]) => e), ofOrigin.map(([, f]) => f));
    // Neither the first nor the last classified entry of a prefix's latest time would do: the test tells them apart.
    for (const [events, fs, want] of [[all, findings, expected], [ofOrigin.map(([e]) => e), ofOrigin.map(([, f]) => f), expectedOfOrigin]] as const) {
      const atLatest = (prefix: string) => events.map((e, i) => [e, fs[i]] as const).filter(([e, f]) => f && e.prefix === prefix && e.timestamp === want.get(prefix)!.time);
      expect([...want.keys()].some((p) => atLatest(p)[0][1]!.severity !== want.get(p)!.severity)).toBe(true);
      if (want === expected) expect([...want.keys()].some((p) => atLatest(p).at(-1)![1]!.severity !== want.get(p)!.severity)).toBe(true);
    }
    for (const ribSnapshots of [false, true]) {
      await write(ribSnapshots, all);
      const latest = (await store.readonlySql('SELECT prefix, toUnixTimestamp(last_time) AS t, severity FROM prefix_latest FINAL ORDER BY prefix')).rows;
      expect(Object.fromEntries(latest.map((r) => [r.prefix, [Number(r.t), r.severity]])), `snapshots: ${ribSnapshots}`).toEqual(
        Object.fromEntries([...expected].sort().map(([prefix, x]) => [prefix, [x.time, x.severity]])),
      );
      // The named queries' "latest" is the same, and the dashboard's matrix cells', from prefix_latest or, over a range, from the events.
      const country = (await store.namedQuery('country', { from: '2014-01-01', to: '2015-01-01', cc: 'BR' })).rows;
      expect(country.length).toBeGreaterThan(0);
      for (const r of country) expect(r.severity, String(r.prefix)).toBe(expected.get(String(r.prefix))!.severity);
      const cells = new Set(findings.filter((f) => f).map((f) => `${f!.prefixRir} ${f!.usageRegion}`));
      for (const range of [undefined, { from: T0 - 1, to: T0 + 1 }]) {
        const rows = [];
        for (const cell of cells) rows.push(...(await cellPrefixes(clientQuery(store.client, 30), 4, ...(cell.split(' ') as [Rir, Rir]), 100, range)));
        expect(Object.fromEntries(rows.map((r) => [r.prefix, r.severity])), JSON.stringify(range)).toEqual(Object.fromEntries([...expected].map(([prefix, x]) => [prefix, x.severity])));
      }
      const asn = await asnHistory(clientQuery(store.client, 30), ORIGIN, 100);
      expect(Object.fromEntries(asn.prefixes.map((r) => [r.prefix, r.severity]))).toEqual(Object.fromEntries([...expectedOfOrigin].map(([prefix, x]) => [prefix, x.severity])));
    }
  });
});
