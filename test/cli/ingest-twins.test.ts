/**
 * Announcements that share an event id, on real files: a peer announcing the same route again
 * within one second, a withdrawal between them, makes two elements identical but for the state
 * each leaves, so their visibilities differ. route_events keeps the one the most peers carried
 * (migration 16), so the store is the same however the backfill was split into commands. Before,
 * FINAL kept the row whose batch committed last: the same four files in one command and in two
 * showed other visibilities in 13 of 99,170 rows. Real CLI processes, real chDB stores.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../helpers/shared-data.js';
import { queryStore, storeDigest } from '../helpers/store-contents.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('ingest-twins');
const mrt = (name: string): string => sharedData('mrt', 'bgpdump-testdata', name);
const RIB = mrt('bview.20020722.2337.gz');
const UPDATES = ['updates.20070211.0141.gz', 'updates.20100722.2015.gz', 'updates.20160811.1600.gz'].map(mrt);

async function ingest(db: string, files: string[], extra: string[] = []): Promise<void> {
  const registry = ['--rir-dir', sharedData('rir', '2014-07-01'), '--iana-dir', sharedData('iana')];
  const r = await runCli(['ingest', '--db', db, ...registry, '--log-level', 'warn', ...extra, ...files]);
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
}

describe.skipIf(!hasSharedData)(`announcements sharing an event id (${sharedDataSkipReason})`, { timeout: 300_000 }, () => {
  const whole = join(dir, 'whole');
  let digest: Record<string, string>;
  beforeAll(async () => {
    await ingest(whole, [RIB, ...UPDATES]);
    digest = await storeDigest(whole);
  });

  it('the files announce routes again within their second, and FINAL shows, of each id, the row the most peers carried', async () => {
    // Independently of the store: the same announcement twice in the parser's bgpdump lines (second precision) shares an id.
    let repeated = 0;
    for (const file of UPDATES) {
      const r = await runCli(['parse', '--format', 'bgpdump', file]);
      expect(r.code, r.stderr).toBe(0);
      const seen = new Set<string>();
      for (const line of r.stdout.split('\n')) if (line.includes('|A|') && seen.size === seen.add(line).size) repeated++;
    }
    expect(repeated).toBeGreaterThan(100);
    // Against the raw rows, grouped here (merges may already have removed some of the others).
    const [wrong] = await queryStore<{ n: string }>(
      whole,
      `SELECT count() AS n FROM (SELECT prefix, time, event_id, visibility FROM route_events FINAL) AS f
       JOIN (SELECT prefix, time, event_id, max(visibility) AS most FROM route_events GROUP BY prefix, time, event_id) AS r USING (prefix, time, event_id)
       WHERE f.visibility != r.most`,
    );
    expect(Number(wrong.n)).toBe(0);
  });

  it('the same files in two commands (a list continued, or --continue) store what one command stores', async () => {
    const listed = join(dir, 'listed');
    await ingest(listed, [RIB, UPDATES[0]]);
    await ingest(listed, [RIB, ...UPDATES]);
    expect(await storeDigest(listed)).toEqual(digest);

    const continued = join(dir, 'continued');
    await ingest(continued, [RIB]);
    await ingest(continued, UPDATES, ['--continue']);
    expect(await storeDigest(continued)).toEqual(digest);
  });
});
