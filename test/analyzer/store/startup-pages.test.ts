/**
 * The embedded store hands chDB's start-up pages back to the kernel (native/page-out.c): the
 * process's file-backed resident memory falls, and the engine goes on answering and storing as
 * before, its pages read back from the library file as it needs them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { pageOutMappedFile } from '../../../common/page-out.js';
import { makeTmpDir } from '../../helpers/tmp.js';

/** This process's resident file-backed pages, in MiB (/proc/self/status). */
const rssFileMiB = (): number => Number(/RssFile:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

const built = pageOutMappedFile('/no-such-mapping/') !== null;
const reason = 'native/page-out not built (npm run build:native needs a C compiler and Node headers) or not Linux';

let store: Store | undefined;
afterAll(async () => store?.close());

describe('chDB start-up pages', () => {
  it.skipIf(!built)(`are released after migration, and the store still works (skipped when ${reason})`, async () => {
    store = await openStore({ db: join(makeTmpDir('startup-pages'), 'db') });
    await store.migrate();
    const before = rssFileMiB();
    const advised = store.releaseStartupPages();
    const after = rssFileMiB();
    // The library is about 540 MiB; start-up leaves well over 100 MiB of it resident.
    expect(advised).toBeGreaterThan(400 * 2 ** 20);
    expect(before - after).toBeGreaterThan(50);
    // Everything still works: migrations (DDL), an insert through the views, and reads of it.
    expect((await store.migrate()).applied).toEqual([]);
    await store.client.command({ query: 'CREATE TABLE t (n UInt64, s String) ENGINE = MergeTree ORDER BY n' });
    await store.client.command({ query: 'INSERT INTO t SELECT number, toString(number) FROM numbers(100000)' });
    const rows = await (await store.client.query({ query: 'SELECT count() AS c, sum(n) AS total, uniqExact(s) AS u FROM t', format: 'JSONEachRow' })).json<{ c: number; total: number; u: number }>();
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
