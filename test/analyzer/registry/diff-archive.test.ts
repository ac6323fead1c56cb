/** `portolan run`'s daily step: the archive's two newest dates diffed into registry_changes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFolder } from '../../../analyzer/registry/archive.js';
import { diffNewestArchived, newestArchivedPair } from '../../../analyzer/registry/diff-archive.js';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const file = (rir: string, date: string, lines: string[]): string =>
  [`2.3|${rir}|${date}|${lines.length}|19850101|${date}|+0000`, ...lines].join('\n') + '\n';

const day = (root: string, name: string, files: Record<string, string>): string => {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [n, c] of Object.entries(files)) writeFileSync(join(dir, n), c);
  return dir;
};

describe('diffNewestArchived', () => {
  let store: Store;
  const root = makeTmpDir('diff-archive');
  const archive = join(root, 'archive');
  beforeAll(async () => {
    store = await openStore({ db: join(root, 'db') });
    await store.migrate();
  });
  afterAll(async () => store?.close());

  it('does nothing until the archive holds two dates, then stores the events of the newest pair once', async () => {
    expect(await diffNewestArchived(archive, store.client)).toBeNull();
    importFolder(archive, day(root, 'd1', {
      'delegated-arin-latest': file('arin', '20240104', ['arin|US|ipv4|198.51.100.0|256|20000101|allocated', 'arin|US|asn|64500|1|20000101|assigned']),
      'delegated-apnic-latest': file('apnic', '20240104', ['apnic|JP|ipv4|203.0.113.0|256|20000101|allocated']),
    }), { date: '2024-01-04' });
    expect(newestArchivedPair(archive)).toBeNull();
    expect(await diffNewestArchived(archive, store.client)).toBeNull();
    // The next day only ARIN publishes: half its /24 is transferred to APNIC.
    importFolder(archive, day(root, 'd2', {
      'delegated-arin-latest': file('arin', '20240105', ['arin|US|ipv4|198.51.100.0|128|20000101|allocated', 'arin|US|asn|64500|1|20000101|assigned']),
    }), { date: '2024-01-05' });
    importFolder(archive, day(root, 'd3', {
      'delegated-apnic-latest': file('apnic', '20240105', ['apnic|JP|ipv4|203.0.113.0|256|20000101|allocated', 'apnic|HK|ipv4|198.51.100.128|128|20240105|allocated']),
    }), { date: '2024-01-05' });
    const r = await diffNewestArchived(archive, store.client);
    expect(r).toEqual({ from: '2024-01-04', to: '2024-01-05', events: 1, leftOut: [], routed: 0, stale: null });
    const rows = (await store.readonlySql("SELECT toString(from_date) AS f, toString(to_date) AS t, kind, `start`, `end`, from_rir, to_rir, to_cc FROM registry_changes FINAL")).rows;
    expect(rows).toEqual([{ f: '2024-01-04', t: '2024-01-05', kind: 'moved', start: '198.51.100.128', end: '198.51.100.255', from_rir: 'arin', to_rir: 'apnic', to_cc: 'HK' }]);
    // Already diffed by this process: skipped.
    expect(await diffNewestArchived(archive, store.client, { skipTo: '2024-01-05' })).toBeNull();
  });

  it('warns when a RIR\'s newest file is older than the max age, and stores the ages for the dashboard', async () => {
    // Five days later only ARIN publishes: APNIC's newest file is 5 days older than the snapshot.
    importFolder(archive, day(root, 'd4', {
      'delegated-arin-latest': file('arin', '20240110', ['arin|US|ipv4|198.51.100.0|128|20000101|allocated', 'arin|US|asn|64500|1|20000101|assigned']),
    }), { date: '2024-01-10' });
    const r = await diffNewestArchived(archive, store.client, { maxAgeDays: 3 });
    expect(r?.stale).toContain("apnic's file for 2024-01-10 is from 2024-01-05 (5 days older)");
    expect(r?.stale).not.toContain('arin');
    const rows = (await store.readonlySql("SELECT rir, stale_from, stale_to, to_age_days, toString(to_file_date) AS tf, max_age_days FROM registry_diff_files FINAL WHERE to_date = '2024-01-10' ORDER BY rir")).rows;
    expect(rows).toEqual([
      { rir: 'apnic', stale_from: false, stale_to: true, to_age_days: 5, tf: '2024-01-05', max_age_days: 3 },
      { rir: 'arin', stale_from: false, stale_to: false, to_age_days: 0, tf: '2024-01-10', max_age_days: 3 },
    ]);
    // A larger limit: not stale.
    importFolder(archive, day(root, 'd5', {
      'delegated-arin-latest': file('arin', '20240111', ['arin|US|ipv4|198.51.100.0|128|20000101|allocated', 'arin|US|asn|64500|1|20000101|assigned']),
    }), { date: '2024-01-11' });
    expect((await diffNewestArchived(archive, store.client, { maxAgeDays: 7 }))?.stale).toBeNull();
  });
});
