import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { MIGRATIONS } from '../../../analyzer/store/migrations.js';
import { MISMATCH_KINDS } from '../../../analyzer/models/finding.js';
import type { LifecycleEvent } from '../../../analyzer/models/lifecycle.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { generateDdl, VIEWS } from '../../../analyzer/store/schema.js';
import { LATEST_ORDER } from '../../../analyzer/store/schema/route-events.js';
import { dataset } from './fixtures.js';

const items = dataset(400);
const announces = items.filter((x) => x.event.elem_type === 'announce');
const pair = (x: (typeof items)[number]) => `${x.event.prefix}|${x.event.origin_asns![0]}`;
const lifecycle: LifecycleEvent[] = announces
  .filter((x) => x.finding!.kinds.length > 0)
  .slice(0, 30)
  .map((x, i) => (i % 3 === 2 ? { type: 'finding-ended', time: x.event.timestamp + 5, reason: 'withdrawn', finding: x.finding! } : { type: 'finding-started', time: x.event.timestamp, finding: x.finding! }));

let store: Store;
const dir = makeTmpDir('store');

async function writeAll(s: Store): Promise<void> {
  const w = s.createWriter({ batchSize: 64, flushIntervalMs: 50 });
  for (const x of items) await w.writeEvent(x.event, x.finding);
  for (const l of lifecycle) await w.writeLifecycle(l);
  await w.close();
  expect(w.stats().inserted).toBe(items.length + lifecycle.length);
}

beforeAll(async () => {
  store = await openStore({ db: join(dir, 'db') });
  await store.migrate();
  await writeAll(store);
});
afterAll(async () => store?.close());

describe('migrations', () => {
  it('are idempotent: a second run applies nothing and changes no table', async () => {
    const tables = async () => (await store.readonlySql("SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase() ORDER BY name")).rows;
    const before = await tables();
    const again = await store.migrate();
    expect(again.applied).toEqual([]);
    expect(again.skipped).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await tables()).toEqual(before);
    const recorded = await store.readonlySql('SELECT count() AS n FROM schema_migrations');
    expect(Number(recorded.rows[0].n)).toBe(MIGRATIONS.length);
    expect(before.map((r) => r.name)).toEqual(expect.arrayContaining(['route_events', 'finding_events', 'ingest_ledger', 'mismatch_matrix_hourly_mv']));
  });
});

describe('named queries on data written through the writer', () => {
  it('summary counts announcements, withdrawals, prefixes and pairs per kind', async () => {
    const r = await store.namedQuery('summary', {});
    const row = r.rows[0];
    expect(Number(row.announcements)).toBe(announces.length);
    expect(Number(row.withdrawals)).toBe(items.length - announces.length);
    expect(Number(row.prefixes)).toBe(new Set(items.map((x) => x.event.prefix)).size);
    expect(Number(row.prefix_origin_pairs)).toBe(new Set(announces.map(pair)).size);
    for (const k of MISMATCH_KINDS) {
      const expected = new Set(announces.filter((x) => x.finding!.kinds.includes(k)).map(pair)).size;
      expect(Number(row[`pairs_${k.replace(/-/g, '_')}`]), k).toBe(expected);
    }
  });

  it('summary honours from/to', async () => {
    const from = items[100].event.timestamp;
    const to = items[200].event.timestamp;
    const r = await store.namedQuery('summary', { from: String(from), to: new Date(to * 1000).toISOString() });
    expect(Number(r.rows[0].announcements)).toBe(items.slice(100, 200).filter((x) => x.event.elem_type === 'announce').length);
  });

  it('mismatch-matrix: prefixes, addresses (each prefix once), origin ASes per RIR × region', async () => {
    const cells = new Map<string, { prefixes: Map<string, number>; origins: Set<number> }>();
    for (const x of announces) {
      const key = `${x.finding!.prefixRir}|${x.finding!.usageRegion}`;
      const c = cells.get(key) ?? { prefixes: new Map(), origins: new Set() };
      c.prefixes.set(x.event.prefix, x.finding!.addresses);
      c.origins.add(x.finding!.originAsn!);
      cells.set(key, c);
    }
    const r = await store.namedQuery('mismatch-matrix', {});
    expect(r.rows.length).toBe(cells.size);
    for (const row of r.rows) {
      const c = cells.get(`${row.prefix_rir}|${row.usage_region}`)!;
      expect(Number(row.prefixes)).toBe(c.prefixes.size);
      expect(Number(row.addresses)).toBe([...c.prefixes.values()].reduce((a, b) => a + b, 0));
      expect(Number(row.origin_ases)).toBe(c.origins.size);
    }
  });

  it('matrix-by-hour sums back to the distinct pairs per hour', async () => {
    const r = await store.namedQuery('matrix-by-hour', {});
    const expected = new Map<string, Set<string>>();
    for (const x of announces) {
      const key = `${Math.floor(x.event.timestamp / 3600)}|${x.finding!.prefixRir}|${x.finding!.usageRegion}`;
      expected.set(key, (expected.get(key) ?? new Set()).add(pair(x)));
    }
    expect(r.rows.length).toBe(expected.size);
    const total = r.rows.reduce((a, row) => a + Number(row.prefix_origin_pairs), 0);
    expect(total).toBe([...expected.values()].reduce((a, s) => a + s.size, 0));
  });

  it('top-origins ranks by mismatched prefixes', async () => {
    const per = new Map<number, { all: Set<string>; bad: Set<string> }>();
    for (const x of announces) {
      const o = x.finding!.originAsn!;
      const e = per.get(o) ?? { all: new Set(), bad: new Set() };
      e.all.add(x.event.prefix);
      if (x.finding!.kinds.length) e.bad.add(x.event.prefix);
      per.set(o, e);
    }
    const r = await store.namedQuery('top-origins', { limit: 3 });
    expect(r.rows.length).toBe(3);
    for (const row of r.rows) {
      const e = per.get(Number(row.origin_asn))!;
      expect(Number(row.prefixes)).toBe(e.all.size);
      expect(Number(row.mismatched_prefixes)).toBe(e.bad.size);
    }
    const best = Math.max(...[...per.values()].map((e) => e.bad.size));
    expect(Number(r.rows[0].mismatched_prefixes)).toBe(best);
  });

  it('top-prefixes counts events per prefix', async () => {
    const counts = new Map<string, number>();
    for (const x of items) counts.set(x.event.prefix, (counts.get(x.event.prefix) ?? 0) + 1);
    const r = await store.namedQuery('top-prefixes', { limit: 5 });
    expect(r.rows.length).toBe(5);
    for (const row of r.rows) expect(Number(row.events)).toBe(counts.get(String(row.prefix)));
    expect(Number(r.rows[0].events)).toBe(Math.max(...counts.values()));
  });

  it('prefix: one row per origin seen plus each finding event', async () => {
    const prefix = announces[0].event.prefix;
    const origins = new Set(announces.filter((x) => x.event.prefix === prefix).map((x) => x.finding!.originAsn));
    const findings = lifecycle.filter((l) => l.finding.prefix === prefix);
    const r = await store.namedQuery('prefix', { prefix });
    expect(r.rows.filter((x) => x.source === 'route').length).toBe(origins.size);
    expect(r.rows.filter((x) => x.source === 'finding').map((x) => x.detail)).toEqual(findings.map((l) => l.finding.why));
  });

  it('asn and country list the matching prefixes', async () => {
    const asn = announces[0].finding!.originAsn!;
    const r = await store.namedQuery('asn', { asn: `AS${asn}` });
    expect(r.rows.map((x) => x.prefix).sort()).toEqual([...new Set(announces.filter((x) => x.finding!.originAsn === asn).map((x) => x.event.prefix))].sort());
    const cc = 'HK';
    const c = await store.namedQuery('country', { cc: 'hk' });
    const expected = new Set(announces.filter((x) => x.finding!.mainCountry === cc || x.finding!.registeredCc === cc).map((x) => x.event.prefix));
    expect(c.rows.map((x) => x.prefix).sort()).toEqual([...expected].sort());
  });

  it('recent returns the latest finding events first', async () => {
    const r = await store.namedQuery('recent', { limit: 5 });
    const latest = [...lifecycle].sort((a, b) => b.time - a.time).slice(0, 5);
    expect(r.rows.map((x) => x.why)).toEqual(latest.map((l) => l.finding.why));
    expect(r.rows[0].type).toBe(latest[0].type);
  });

  it('rejects unknown queries, missing and invalid params with a clear error', async () => {
    await expect(store.namedQuery('nope', {})).rejects.toThrow(/no named query "nope"/);
    await expect(store.namedQuery('prefix', {})).rejects.toThrow(/needs --param prefix/);
    await expect(store.namedQuery('prefix', { prefix: '10.0.0.0/33' })).rejects.toThrow(/not a CIDR prefix/);
    await expect(store.namedQuery('asn', { asn: 'ASx' })).rejects.toThrow(/not an AS number/);
    await expect(store.namedQuery('country', { cc: 'HKG' })).rejects.toThrow(/two-letter/);
    await expect(store.namedQuery('recent', { limit: 0 })).rejects.toThrow(/limit/);
    await expect(store.namedQuery('summary', { from: 'yesterday' })).rejects.toThrow(/not a time/);
    await expect(store.namedQuery('summary', { bogus: 1 })).rejects.toThrow(/no parameter "bogus"/);
    // An injection attempt is only ever a bound value.
    await expect(store.namedQuery('country', { cc: "x' OR 1=1 --" })).rejects.toThrow(/two-letter/);
  });
});

describe('read models kept by the views (migration 2)', () => {
  const rows = async (sql: string) => (await store.readonlySql(sql, { maxRows: 10_000 })).rows.map((r) => JSON.stringify(r));

  it('prefix_latest is the latest classified announcement of each prefix', async () => {
    const latest = new Map<string, { time: number; rir: string | null; region: string | null; n: number }>();
    for (const x of announces) {
      const cur = latest.get(x.event.prefix);
      if (cur && cur.time === x.event.timestamp) cur.n++;
      if (!cur || x.event.timestamp > cur.time) latest.set(x.event.prefix, { time: x.event.timestamp, rir: x.finding!.prefixRir, region: x.finding!.usageRegion, n: 1 });
    }
    const r = (await store.readonlySql('SELECT prefix, toFloat64(last_time) AS t, prefix_rir, usage_region FROM prefix_latest FINAL ORDER BY prefix', { maxRows: 10_000 })).rows;
    expect(r.length).toBe(latest.size);
    for (const row of r) {
      const want = latest.get(String(row.prefix))!;
      expect(Number(row.t), String(row.prefix)).toBeCloseTo(want.time, 3);
      if (want.n === 1) expect([row.prefix_rir, row.usage_region]).toEqual([want.rir ?? '', want.region ?? '']);
    }
  });

  it('prefix_activity, origin_prefixes and mismatch_prefix_hourly agree with the raw events', async () => {
    expect(await rows('SELECT prefix, sum(events) AS e, sum(withdrawals) AS w, min(first_time) AS f, max(last_time) AS l FROM prefix_activity GROUP BY prefix ORDER BY prefix')).toEqual(
      await rows("SELECT prefix, count() AS e, countIf(elem_type = 'withdraw') AS w, min(time) AS f, max(time) AS l FROM route_events FINAL GROUP BY prefix ORDER BY prefix"),
    );
    expect(await rows('SELECT origin_asn, prefix, sum(events) AS e, max(mismatched) AS m, max(latest_max).prefix_rir AS rir FROM origin_prefixes GROUP BY origin_asn, prefix ORDER BY origin_asn, prefix')).toEqual(
      await rows(
        `SELECT assumeNotNull(origin_asn) AS origin_asn, prefix, count() AS e, max(toUInt8(notEmpty(kinds))) AS m, toString(argMax(prefix_rir, ${LATEST_ORDER})) AS rir FROM route_events FINAL WHERE elem_type = 'announce' AND origin_asn IS NOT NULL GROUP BY origin_asn, prefix ORDER BY origin_asn, prefix`,
      ),
    );
    const mismatched = announces.filter((x) => x.finding!.kinds.length > 0).length;
    expect(mismatched).toBeGreaterThan(0);
    expect(await rows('SELECT sum(events) AS e FROM mismatch_prefix_hourly')).toEqual([JSON.stringify({ e: mismatched })]);
  });

  it('the backfill of a store that predates the views gives what the views hold', async () => {
    const fills = generateDdl({}, 2).filter((s) => s.startsWith('INSERT INTO '));
    expect(fills.length).toBe(4);
    for (const fill of fills) {
      const [, table, cols] = /^INSERT INTO (\w+) \(([^)]*)\)/.exec(fill)!;
      const select = fill.slice(fill.indexOf('\n') + 1).replace(/\nWHERE \(SELECT count\(\) FROM \w+\) = 0$/, '');
      const key = cols.split(', ').filter((c) => !['latest', 'events', 'first_time', 'last_time', 'mismatched', 'announcements', 'withdrawals', 'addresses', 'family'].includes(c)).join(', ');
      const sum = key === 'family, prefix' || table === 'prefix_latest' ? 'count()' : 'sum(events)';
      expect(await rows(`SELECT ${key}, ${sum} AS n FROM (${select}) GROUP BY ${key} ORDER BY ${key}`), table).toEqual(
        await rows(`SELECT ${key}, ${sum} AS n FROM ${table}${table === 'prefix_latest' ? ' FINAL' : ''} GROUP BY ${key} ORDER BY ${key}`),
      );
    }
  });
});

describe('read models kept by the views (migration 3)', () => {
  const rows = async (sql: string) => (await store.readonlySql(sql, { maxRows: 10_000 })).rows.map((r) => JSON.stringify(r));
  const KEY = 'prefix, origin_known, origin_asn, kinds, main_country, holder_id, prefix_rir, registered_cc';
  const RAW_KEY = 'prefix, toUInt8(isNotNull(origin_asn)) AS origin_known, ifNull(origin_asn, 0) AS origin_asn, kinds, main_country, holder_id, prefix_rir, registered_cc';
  const RAW_MISMATCH = "FROM route_events FINAL WHERE elem_type = 'announce' AND classified AND notEmpty(kinds)";

  it('mismatch_prefix_total, mismatch_prefix_daily and mismatch_events hold every mismatched announcement', async () => {
    const mismatched = announces.filter((x) => x.finding!.kinds.length > 0).length;
    expect(mismatched).toBeGreaterThan(0);
    const want = await rows(`SELECT ${RAW_KEY}, count() AS e, max(time) AS l, any(addresses) AS a ${RAW_MISMATCH} GROUP BY ${KEY} ORDER BY ${KEY}`);
    expect(want.length).toBeGreaterThan(1);
    expect(await rows(`SELECT ${KEY}, sum(events) AS e, max(last_time) AS l, any(addresses) AS a FROM mismatch_prefix_total GROUP BY ${KEY} ORDER BY ${KEY}`)).toEqual(want);
    expect(await rows(`SELECT ${KEY}, count() AS e, max(time) AS l, any(addresses) AS a FROM mismatch_events GROUP BY ${KEY} ORDER BY ${KEY}`)).toEqual(want);
    expect(await rows(`SELECT day, ${KEY}, sum(events) AS e FROM mismatch_prefix_daily GROUP BY day, ${KEY} ORDER BY day, ${KEY}`)).toEqual(
      await rows(`SELECT toDate(time) AS day, ${RAW_KEY}, count() AS e ${RAW_MISMATCH} GROUP BY day, ${KEY} ORDER BY day, ${KEY}`),
    );
    expect(await rows('SELECT sum(events) AS e FROM mismatch_prefix_total')).toEqual([JSON.stringify({ e: mismatched })]);
  });

  it('prefix_routes_daily counts every route event by day, type, origin, path and peer', async () => {
    const key = 'prefix, day, elem_type, origin_known, origin_asn, as_path, peer_ip';
    expect(await rows(`SELECT ${key}, sum(events) AS e, min(first_time) AS f, max(last_time) AS l FROM prefix_routes_daily GROUP BY ${key} ORDER BY ${key}`)).toEqual(
      await rows(
        `SELECT prefix, toDate(time) AS day, elem_type, toUInt8(isNotNull(origin_asn)) AS origin_known, ifNull(origin_asn, 0) AS origin_asn, as_path, toString(peer_ip) AS peer_ip,
           count() AS e, min(time) AS f, max(time) AS l FROM route_events FINAL GROUP BY ${key} ORDER BY ${key}`,
      ),
    );
    expect(await rows('SELECT sum(events) AS e FROM prefix_routes_daily')).toEqual([JSON.stringify({ e: items.length })]);
  });

  it('the backfill of a store that predates the views gives what the views hold', async () => {
    const fills = generateDdl({}, 3).filter((s) => s.startsWith('INSERT INTO '));
    expect(fills.map((f) => /^INSERT INTO (\w+)/.exec(f)![1]).sort()).toEqual(['mismatch_events', 'mismatch_prefix_daily', 'mismatch_prefix_total', 'prefix_routes_daily']);
    for (const fill of fills) {
      const [, table, cols] = /^INSERT INTO (\w+) \(([^)]*)\)/.exec(fill)!;
      const select = fill.slice(fill.indexOf('\n') + 1).replace(/\nWHERE \(SELECT count\(\) FROM \w+\) = 0$/, '');
      const key = cols.split(', ').filter((c) => !['events', 'first_time', 'last_time', 'addresses', 'stored_at', 'time'].includes(c)).join(', ');
      const n = table === 'mismatch_events' ? 'count()' : 'sum(events)';
      expect(await rows(`SELECT ${key}, ${n} AS n FROM (${select}) GROUP BY ${key} ORDER BY ${key}`), table).toEqual(
        await rows(`SELECT ${key}, ${n} AS n FROM ${table} GROUP BY ${key} ORDER BY ${key}`),
      );
    }
  });
});

describe('re-ingest', () => {
  it('writing the same events again changes no count', async () => {
    const before = await store.namedQuery('summary', {});
    const matrixBefore = await store.namedQuery('matrix-by-hour', {});
    const w = store.createWriter({ batchSize: 100, flushIntervalMs: 50 }); // other batch boundaries than the first pass
    for (const x of items) await w.writeEvent(x.event, x.finding);
    for (const l of lifecycle) await w.writeLifecycle(l);
    await w.close();
    expect(await store.namedQuery('summary', {})).toEqual(before);
    expect(await store.namedQuery('matrix-by-hour', {})).toEqual(matrixBefore);
    expect((await store.namedQuery('recent', { limit: 1000 })).rows.length).toBe(lifecycle.length);
  });

  it('a batch inserted again with its token (a rerun after a crash) changes no plain count, in the raw tables or any read model', async () => {
    // Plain sums and counts, no FINAL: what an analyst's SQL sees before merges run.
    const targets = [...new Set(VIEWS.map((v) => v.to))];
    const counts = async () =>
      (await store.readonlySql(`SELECT ${['route_events', 'finding_events', ...targets].map((t) => `(SELECT count() FROM ${t}) AS ${t}`).join(', ')}`)).rows[0];
    const write = async () => {
      const w = store.createWriter({ batchSize: 64, flushIntervalMs: 0 }); // no timed cuts: the same batches each time
      for (const x of items) await w.writeEvent(x.event, x.finding);
      for (const l of lifecycle) await w.writeLifecycle(l);
      await w.close();
    };
    // Merges collapse Replacing/Aggregating rows at any moment: held still, so a count moves only by inserts.
    await store.client.command({ query: 'SYSTEM STOP MERGES' });
    try {
      await write();
      const once = await counts();
      for (const t of targets) expect(Number(once[t]), t).toBeGreaterThan(0);
      await write();
      expect(await counts()).toEqual(once);
    } finally {
      await store.client.command({ query: 'SYSTEM START MERGES' });
    }
  });
});

describe('read-only SQL', () => {
  it('runs SELECTs and honours the row limit', async () => {
    const r = await store.readonlySql('SELECT prefix FROM route_events ORDER BY prefix', { maxRows: 7 });
    expect(r.rows.length).toBe(7);
    expect(r.truncated).toBe(true);
    const all = await store.readonlySql('SELECT count() AS n FROM route_events FINAL;');
    expect(Number(all.rows[0].n)).toBe(items.length);
    expect(all.truncated).toBe(false);
  });

  it('refuses INSERT, CREATE, DROP, ALTER, several statements and file access', async () => {
    for (const sql of [
      "INSERT INTO route_events (prefix) VALUES ('1.0.0.0/8')",
      'CREATE TABLE x (a UInt8) ENGINE = Memory',
      'DROP TABLE route_events',
      'ALTER TABLE route_events DELETE WHERE 1',
      'SELECT 1; DROP TABLE route_events',
      "SELECT * FROM file('/etc/hostname', 'LineAsString')",
      'SELECT 1 SETTINGS readonly = 0',
      "SELECT * FROM (SELECT * FROM file('/etc/hostname', 'LineAsString') SETTINGS readonly = 0)",
    ]) {
      await expect(store.readonlySql(sql), sql).rejects.toThrow();
    }
    const n = await store.readonlySql('SELECT count() AS n FROM route_events FINAL');
    expect(Number(n.rows[0].n)).toBe(items.length);
  });

  it('the read-only limit does not leak into the session (the writer still writes)', async () => {
    await store.readonlySql('SELECT 1');
    const w = store.createWriter();
    await w.writeLifecycle({ type: 'finding-started', time: 1_800_000_000, finding: { ...lifecycle[0].finding, why: 'after readonly' } });
    await w.close();
    expect(w.stats().inserted).toBe(1);
  });
});
