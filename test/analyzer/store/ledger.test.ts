/** The ingest ledger in a real embedded store: what a file's rows say, and the --jobs it was stored under. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { identifyFile } from '../../../analyzer/store/ledger.js';
import { makeTmpDir } from '../../helpers/tmp.js';

describe('ingest ledger', () => {
  let store: Store;
  const dir = makeTmpDir('ledger');
  beforeAll(async () => {
    store = await openStore({ db: join(dir, 'db') });
    await store.migrate();
  });
  afterAll(async () => store?.close());

  const file = (name: string, bytes: number) => {
    const path = join(dir, name);
    writeFileSync(path, Buffer.alloc(bytes, name));
    return identifyFile(path);
  };

  it('begin, checkpoint and complete keep the jobs the file was begun with', async () => {
    const id = await file('a.mrt', 3000);
    expect(await store.ledger.get(id.key)).toBeNull();
    expect(await store.ledger.begin(id, 3)).toMatchObject({ status: 'started', elements: 0, jobs: 3 });
    await store.ledger.checkpoint(id, 10, 2);
    expect(await store.ledger.get(id.key)).toMatchObject({ status: 'started', elements: 10, findings: 2, jobs: 3 });
    await store.ledger.complete(id, 25, 4);
    expect(await store.ledger.get(id.key)).toMatchObject({ status: 'completed', elements: 25, findings: 4, jobs: 3 });
    // A second begin (a rerun) returns the entry as it is.
    expect(await store.ledger.begin(id, 1)).toMatchObject({ status: 'completed', jobs: 3 });
  });

  it('a row written before the jobs column (its default, 0) reads as one job', async () => {
    const id = await file('b.mrt', 100);
    await store.client.insert({
      table: 'ingest_ledger',
      values: [{ file_key: id.key, path: id.path, size: id.size, status: 'completed', elements: 5, findings: 0, started_at: 1, updated_at: 2 }],
      format: 'JSONEachRow',
    });
    expect(await store.ledger.get(id.key)).toMatchObject({ status: 'completed', jobs: 1 });
  });

  it('a file is known by its content, not its path', async () => {
    const a = await file('c.mrt', 2 << 20);
    const copy = join(dir, 'copy-of-c.mrt');
    writeFileSync(copy, Buffer.alloc(2 << 20, 'c.mrt'));
    expect((await identifyFile(copy)).key).toBe(a.key);
    expect((await file('d.mrt', 2 << 20)).key).not.toBe(a.key);
  });
});
