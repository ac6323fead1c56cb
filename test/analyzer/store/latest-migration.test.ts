/**
 * Migration 12 on a store written before it. prefix_latest, whose views broke ties of time
 * arbitrarily (a RIB dump's entries all share its time), is filled again from the stored route
 * events and RIB snapshots, and then holds each prefix's dump entry the most peers carried.
 * origin_prefixes (the ASN page) keeps what it held, and takes the same rule for what comes after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MIGRATIONS } from '../../../analyzer/store/migrations.js';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { migrateStoreTo } from '../../helpers/store-version.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { asnHistory } from '../../../dashboard/server/event-queries.js';
import { clientQuery } from '../../../dashboard/server/sql-runner.js';
import { classify, latestByPeers, rib, T0 } from './rib-fixture.js';

describe('migration 12 on a store written before it', () => {
  const dir = makeTmpDir('latest-migration');
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ db: join(dir, 'db') });
  });
  afterAll(async () => store?.close());

  const latest = async (): Promise<Record<string, unknown>> =>
    Object.fromEntries((await store.readonlySql('SELECT prefix, toUnixTimestamp(last_time) AS t, severity FROM prefix_latest FINAL ORDER BY prefix')).rows.map((r) => [r.prefix, [Number(r.t), r.severity]]));

  it('fills prefix_latest again from route events and RIB snapshots alike; the ASN page keeps its rows and reads new ones by peers', async () => {
    await migrateStoreTo(store.client, 11);
    // A collector's first dump: half its prefixes stored as route events, half as snapshots.
    const dump = rib().filter((e) => e.timestamp === T0);
    const findings = classify(dump);
    const expected = latestByPeers(dump, findings);
    for (const ribSnapshots of [false, true]) {
      const w = store.createWriter({ flushIntervalMs: 0, batchSize: 100_000, ribSnapshots });
      for (const [i, e] of dump.entries()) if ((Number(e.prefix.split('.')[1]) % 2 === 1) === ribSnapshots) await w.writeEvent(e, findings[i]);
      await w.close();
    }
    expect(Number((await store.readonlySql('SELECT count() AS n FROM rib_snapshots')).rows[0].n)).toBeGreaterThan(0);
    // What a tie broken the other way leaves: each prefix's row at its time with its first entry's severity.
    await store.client.insert({
      table: 'prefix_latest',
      values: [...expected].map(([prefix, x]) => ({ family: 4, prefix, last_time: x.time, addresses: 0, prefix_rir: '', registered_cc: '', holder_id: '', usage_region: '', main_country: '', kinds: [], severity: 'low' })),
      format: 'JSONEachRow',
    });
    const want = Object.fromEntries([...expected].sort().map(([prefix, x]) => [prefix, [x.time, x.severity]]));
    expect(Object.values(want).some(([, severity]) => severity !== 'low')).toBe(true);
    expect(await latest()).not.toEqual(want);

    const asnPage = async (): Promise<Record<string, unknown>> =>
      Object.fromEntries((await asnHistory(clientQuery(store.client, 30), 64507, 100)).prefixes.map((r) => [r.prefix, r.severity]));
    // What version 11's origin_prefixes holds for AS64507 (its page's reader is version 12's).
    const before = Object.fromEntries(
      (await store.readonlySql('SELECT prefix, tupleElement(argMaxMerge(latest), 5) AS severity FROM origin_prefixes WHERE origin_asn = 64507 GROUP BY prefix')).rows.map((r) => [r.prefix, r.severity]),
    );
    expect(Object.keys(before).length).toBeGreaterThan(2);

    expect((await store.migrate()).applied).toEqual(MIGRATIONS.filter((m) => m.version > 11).map((m) => m.version));
    expect(await latest()).toEqual(want);
    // origin_prefixes cannot be filled again (its sums would count twice): rows stored before
    // the migration keep their classification, read from latest (by time).
    expect(await asnPage()).toEqual(before);
    // The redefined views feed it from now on: a later dump of one prefix with fewer peers is its latest.
    const later = dump.filter((e) => e.prefix === '10.1.0.0/17').slice(0, 2).map((e) => ({ ...e, timestamp: T0 + 60 }));
    const w = store.createWriter({ flushIntervalMs: 0, batchSize: 100_000, ribSnapshots: true });
    for (const e of later) await w.writeEvent(e, { ...classify(later)[0]!, severity: 'medium' });
    await w.close();
    expect((await latest())['10.1.0.0/17']).toEqual([T0 + 60, 'medium']);
    // A later dump of AS64507's prefixes: its page reads the entry the most peers carried, not the first.
    const again = dump.filter((e) => e.origin_asns!.join() === '64507').map((e) => ({ ...e, timestamp: T0 + 120 }));
    const againFindings = classify(again).map((f) => f && { ...f, severity: f.visibility >= 3 ? ('high' as const) : ('info' as const) });
    const w2 = store.createWriter({ flushIntervalMs: 0, batchSize: 100_000, ribSnapshots: true });
    for (const [i, e] of again.entries()) await w2.writeEvent(e, againFindings[i]);
    await w2.close();
    const byPeers = latestByPeers(again, againFindings);
    expect([...byPeers.values()].some((x) => x.severity === 'high')).toBe(true);
    expect(await asnPage()).toEqual({ ...before, ...Object.fromEntries([...byPeers].map(([prefix, x]) => [prefix, x.severity])) });
  });
});
