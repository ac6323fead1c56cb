/**
 * The embedded store hands chDB's start-up pages back to the kernel (native/page-out.c): the
 * process's file-backed resident memory falls, and the engine goes on answering and storing as
 * before, its pages read back from the library file as it needs them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { pageOutMappedFile } from '../../../common/page-out.js';
import { makeTmpDir } from '../../helpers/tmp.js';

/**
 * Resident clean pages of the chDB library that only this process maps, in MiB (Private_Clean of
 * its mappings in /proc/self/smaps): what MADV_PAGEOUT hands back. A page another process maps
 * too (another chDB process, such as a test file running beside this one) is shared and stays,
 * by the kernel's rule, so the process's whole RssFile is not the measure.
 */
function chdbPrivateCleanMiB(): number {
  let inChdb = false;
  let kb = 0;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inChdb = line.includes('/libchdb.');
    else if (inChdb && line.startsWith('Private_Clean:')) kb += Number(/(\d+)/.exec(line)![1]);
  }
  return kb / 1024;
}

const built = pageOutMappedFile('/no-such-mapping/') !== null;
const reason = 'native/page-out not built (npm run build:native needs a C compiler and Node headers) or not Linux';

let store: Store | undefined;
afterAll(async () => store?.close());

describe('chDB start-up pages', () => {
  beforeAll(async () => {
    if (!built) return;
    store = await openStore({ db: join(makeTmpDir('startup-pages'), 'db') });
    await store.migrate();
  });

  it.skipIf(!built)(`are released after migration (skipped when ${reason})`, (ctx) => {
    const before = chdbPrivateCleanMiB();
    const advised = store!.releaseStartupPages();
    const after = chdbPrivateCleanMiB();
    // The library is about 540 MiB; start-up leaves well over 100 MiB of it resident (alone on
    // the machine all of it private), and the release takes back most of what is private.
    expect(advised).toBeGreaterThan(400 * 2 ** 20);
    // Beside another chDB process (a test file running at the same time) the pages are shared:
    // the kernel keeps them, and there is nothing this process could release to measure.
    ctx.skip(before < 50, `only ${before.toFixed(1)} MiB of the library is private to this process (shared with another chDB process): the release cannot be measured`);
    expect(after).toBeLessThanOrEqual(before / 2);
  });

  it.skipIf(!built)('the store still works after the release', async () => {
    // Migrations (DDL), an insert through the views, and reads of it: pages read back from the library file.
    expect((await store!.migrate()).applied).toEqual([]);
    await store!.client.command({ query: 'CREATE TABLE t (n UInt64, s String) ENGINE = MergeTree ORDER BY n' });
    await store!.client.command({ query: 'INSERT INTO t SELECT number, toString(number) FROM numbers(100000)' });
    const rows = await (await store!.client.query({ query: 'SELECT count() AS c, sum(n) AS total, uniqExact(s) AS u FROM t', format: 'JSONEachRow' })).json<{ c: number; total: number; u: number }>();
    expect(rows).toEqual([{ c: 100_000, total: (99_999 * 100_000) / 2, u: 100_000 }]);
  });

  it('are not touched with a ClickHouse server (no chDB in the process)', async () => {
    const server = await openStore({ clickhouse: 'http://127.0.0.1:1/portolan' });
    expect(server.releaseStartupPages()).toBeNull();
    await server.close();
  });

  it('a mapping that matches nothing advises nothing', () => {
    if (built) expect(pageOutMappedFile('/no-such-mapping/')).toBe(0);
    else expect(pageOutMappedFile('/no-such-mapping/')).toBeNull();
  });
});
