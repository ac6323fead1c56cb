import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../analyzer/store/index.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { runCli } from '../helpers/cli.js';
import { dataset } from '../analyzer/store/fixtures.js';

const db = join(makeTmpDir('cli-query'), 'db');
const items = dataset(60);
const announces = items.filter((x) => x.event.elem_type === 'announce').length;

beforeAll(async () => {
  // The store is written and closed here; chDB lets one process hold it, the CLI opens it after.
  const store = await openStore({ db });
  await store.migrate();
  const w = store.createWriter();
  for (const x of items) await w.writeEvent(x.event, x.finding);
  await store.close();
});

describe('portolan query', () => {
  it('--name summary --format json prints one object per line', async () => {
    const r = await runCli(['query', '--name', 'summary', '--format', 'json', '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(1);
    expect(Number(lines[0].announcements)).toBe(announces);
  });

  it('SQL with --format csv is RFC 4180 (CRLF, quoted fields)', async () => {
    const r = await runCli(['query', "SELECT prefix, 'a,\"b' AS odd FROM route_events FINAL ORDER BY prefix LIMIT 2", '--format', 'csv', '--db', db]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\r\n');
    expect(lines[0]).toBe('prefix,odd');
    expect(lines[1]).toMatch(/^10\.\d+\.0\.0\/\d+,"a,""b"$/);
    expect(lines.length).toBe(4); // header, 2 rows, trailing empty
  });

  it('--format table aligns columns; --param binds values', async () => {
    const prefix = items[0].event.prefix;
    const r = await runCli(['query', '--name', 'top-prefixes', '--param', 'limit=3', '--db', db]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^prefix\s+events\s+announcements/);
    expect(lines[1]).toMatch(/^-+ +-+/);
    expect(lines.length).toBe(5);
    const p = await runCli(['query', '-n', 'prefix', '-p', `prefix=${prefix}`, '-f', 'json', '--db', db]);
    expect(p.code).toBe(0);
    // The prefix's history: one 'origin-seen' row per origin it was announced with, each from the route events.
    const rows = p.stdout.trim().split('\n').map((l) => JSON.parse(l) as { source: string; event: string; origin_asn: number });
    const origins = new Set(items.filter((x) => x.event.prefix === prefix && x.event.elem_type === 'announce').map((x) => x.event.origin_asns?.[0]));
    const seen = rows.filter((r) => r.event === 'origin-seen');
    expect(origins.size).toBeGreaterThan(0);
    expect(seen.map((r) => r.source)).toEqual(seen.map(() => 'route'));
    expect(new Set(seen.map((r) => Number(r.origin_asn)))).toEqual(origins);
  });

  it('--list names every query; mistakes get a clear message and exit 2', async () => {
    const l = await runCli(['query', '--list', '--db', db]);
    expect(l.code).toBe(0);
    for (const n of ['summary', 'mismatch-matrix', 'top-origins', 'top-prefixes', 'prefix', 'asn', 'country', 'recent']) expect(l.stdout).toContain(n);
    const bad = await runCli(['query', '--name', 'prefix', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/portolan query: query prefix needs --param prefix=/);
    const ro = await runCli(['query', 'DROP TABLE route_events', '--db', db]);
    expect(ro.code).toBe(2);
    expect(ro.stderr).toMatch(/only SELECT queries/);
    const cluster = await runCli(['query', 'SELECT 1', '--db', db, '--clickhouse-cluster', 'portolan']);
    expect(cluster.code).toBe(2);
    expect(cluster.stderr).toMatch(/portolan query: --clickhouse-cluster needs --clickhouse/);
  });

  it('--raw-ttl-days changes the retention of an existing store\'s raw tables', async () => {
    const ttl = async (extra: string[]) => {
      const r = await runCli(['query', "SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = 'route_events'", '--format', 'json', '--db', db, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return /TTL stored_at \+ toIntervalDay\((\d+)\)/.exec(r.stdout)?.[1] ?? 'none';
    };
    expect(await ttl([])).toBe('90');
    expect(await ttl(['--raw-ttl-days', '3650'])).toBe('3650');
    expect(await ttl([])).toBe('3650'); // not given: left as it is
    expect(await ttl(['--raw-ttl-days', '0'])).toBe('none');
    expect(await ttl(['--raw-ttl-days', '90'])).toBe('90');
  });
});
