/**
 * `portolan registry diff --store` joins the events with the store's routing (the JSON fields, the
 * table's routed section) and warns about stale files: an archive and a store filled by the test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../analyzer/registry/archive.js';
import { openStore } from '../../analyzer/store/index.js';
import { announce, makeFinding } from '../dashboard/fixture.js';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';

const file = (rir: string, date: string, lines: string[]): string => [`2.3|${rir}|${date}|${lines.length}|19850101|${date}|+0000`, ...lines].join('\n') + '\n';

describe('portolan registry diff --store with routing', () => {
  const root = makeTmpDir('cli-registry-routing');
  const cache = join(root, 'cache');
  const archive = join(cache, 'archive');
  const db = join(root, 'db');
  const day = (name: string, files: Record<string, string>, date: string) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const [n, c] of Object.entries(files)) writeFileSync(join(dir, n), c);
    importFolder(archive, dir, { date });
  };

  beforeAll(async () => {
    // ARIN moves 45.10.1.0/24 to APNIC between the 4th and the 5th; RIPE publishes nothing after the 1st.
    day('d1', { 'delegated-ripencc-latest': file('ripencc', '20240101', ['ripencc|NL|ipv4|46.0.0.0|256|20000101|allocated']) }, '2024-01-01');
    day('d4', {
      'delegated-arin-latest': file('arin', '20240104', ['arin|US|ipv4|45.10.0.0|512|20000101|allocated']),
      'delegated-apnic-latest': file('apnic', '20240104', ['apnic|JP|ipv4|103.20.0.0|1024|20000101|allocated']),
    }, '2024-01-04');
    day('d5', {
      'delegated-arin-latest': file('arin', '20240105', ['arin|US|ipv4|45.10.0.0|256|20000101|allocated']),
      'delegated-apnic-latest': file('apnic', '20240105', ['apnic|JP|ipv4|103.20.0.0|1024|20000101|allocated', 'apnic|HK|ipv4|45.10.1.0|256|20240105|allocated']),
    }, '2024-01-05');
    const store = await openStore({ db });
    try {
      await store.migrate();
      const w = store.createWriter({ flushIntervalMs: 50 });
      const route = async (prefix: string, origin: number, country: string, iso: string) => {
        const f = { ...makeFinding({ prefix, origin, rir: 'arin', region: country === 'HK' ? 'apnic' : 'arin', country, time: Date.parse(iso) / 1000 }), originRir: country === 'HK' ? ('apnic' as const) : ('arin' as const) };
        for (const p of ['192.0.2.1', '192.0.2.2']) await w.writeEvent(announce(f, p), f);
      };
      await route('45.10.1.0/24', 64500, 'US', '2024-01-04T06:00:00Z');
      await route('45.10.1.0/24', 64500, 'HK', '2024-01-05T06:00:00Z');
      await w.flush();
      await w.close();
    } finally {
      await store.close();
    }
  }, 60_000);

  it('--json events carry the routing before and after; the events and their routing are stored', async () => {
    const r = await runCli(['registry', 'diff', '--from', '2024-01-04', '--to', '2024-01-05', '--json', '--store', '--db', db, '--cache-dir', cache, '--log-level', 'error']);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const moved = events.find((e) => e.kind === 'moved');
    expect(moved).toMatchObject({
      start: '45.10.1.0',
      end: '45.10.1.255',
      from_rir: 'arin',
      to_rir: 'apnic',
      from_routing: 'routed',
      to_routing: 'routed',
      from_prefixes: ['45.10.1.0/24'],
      from_origins: [64500],
      to_origins: [64500],
      from_origin_rirs: ['arin'],
      to_origin_rirs: ['apnic'],
      from_countries: ['US'],
      to_countries: ['HK'],
      from_routed_addresses: 256,
      routing_summary: 'routed before and after; origin AS unchanged (AS64500); origin registry arin → apnic; used in US before, HK after',
    });
    expect(r.stderr).toMatch(/stored 1 event\(s\) in registry_changes \(2024-01-04 → 2024-01-05\); 1 routed on either side \(before: routes at 2024-01-05T00:00:00.000Z; after: routes at 2024-01-06T00:00:00.000Z\)/);
    // RIPE's newest file on or before each date is from the 1st: 3 days older than the from date (the limit), 4 than the to date (stale).
    expect(r.stderr).toContain("WARNING: stale registry files (more than 3 days older than the snapshot; its changes since are not seen): ripencc's file for 2024-01-05 is from 2024-01-01 (4 days older)");
    const store = await openStore({ db });
    try {
      const rows = (await store.readonlySql("SELECT to_routing, to_countries, routing_summary FROM registry_change_routing FINAL WHERE kind = 'moved'")).rows;
      expect(rows).toEqual([{ to_routing: 'routed', to_countries: ['HK'], routing_summary: moved.routing_summary }]);
      const files = (await store.readonlySql("SELECT rir, stale_to FROM registry_diff_files FINAL WHERE to_date = '2024-01-05' ORDER BY rir")).rows;
      expect(files).toEqual([{ rir: 'apnic', stale_to: false }, { rir: 'arin', stale_to: false }, { rir: 'ripencc', stale_to: true }]);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('the table lists routed changes with their sentence; --max-age raises the limit', async () => {
    const r = await runCli(['registry', 'diff', '--from', '2024-01-04', '--to', '2024-01-05', '--store', '--max-age', '7', '--db', db, '--cache-dir', cache, '--log-level', 'error']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 change event(s) of routed space');
    expect(r.stdout).toContain('  moved 45.10.1.0 – 45.10.1.255 (arin → apnic): routed before and after; origin AS unchanged (AS64500)');
    expect(r.stderr).not.toContain('stale');
    const bad = await runCli(['registry', 'diff', '--from', '2024-01-04', '--to', '2024-01-05', '--max-age', 'x', '--cache-dir', cache]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-age must be a whole number of days');
  }, 120_000);
});
