/** The ingest ledger in a real embedded store: what a file's rows say, and the --jobs it was stored under. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { identifyFile, IngestLedger } from '../../../analyzer/store/ledger.js';
import { makeTmpDir } from '../../helpers/tmp.js';

/** The client, counting the calls of its method `method` (the ledger's queries or inserts). */
function counting<T extends object>(client: T, method: string): { client: T; calls: () => number } {
  let n = 0;
  const counted = new Proxy(client, {
    get(target, name) {
      const value = Reflect.get(target, name) as unknown;
      if (name === method) n++;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { client: counted, calls: () => n };
}

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
    await store.ledger.settle([{ id, elements: 25, findings: 4, completed: true }]);
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

  it('reads many files in one query; begin, checkpoint and settle then read nothing, and what they wrote reads back as they return it', async () => {
    const [x, y] = await Promise.all([file('e.mrt', 10), file('f.mrt', 20)]);
    const { client, calls } = counting(store.client, 'query');
    const ledger = new IngestLedger(client);
    expect([...(await ledger.entries([x.key, y.key])).values()]).toEqual([null, null]);
    expect(await ledger.entries([])).toEqual(new Map());
    const begun = await ledger.begin(x, 2);
    await ledger.checkpoint(x, 5, 1);
    await ledger.settle([{ id: x, elements: 9, findings: 3, completed: true }]);
    expect(calls()).toBe(1);
    const completed = await ledger.begin(x, 1);
    expect(completed).toMatchObject({ status: 'completed', elements: 9, findings: 3, jobs: 2, startedAt: begun.startedAt });
    expect(await new IngestLedger(store.client).get(x.key)).toEqual(completed);
    expect(await store.ledger.get(y.key)).toBeNull();
  });

  it('settles several files in one insert: the completed ones and an interrupted one\'s progress', async () => {
    const [x, y, z] = await Promise.all([file('g.mrt', 10), file('h.mrt', 20), file('i.mrt', 30)]);
    const { client, calls: inserts } = counting(store.client, 'insert');
    const ledger = new IngestLedger(client);
    await ledger.entries([x.key, y.key, z.key]);
    for (const f of [x, y, z]) await ledger.begin(f, 1);
    expect(inserts()).toBe(3);
    await ledger.settle([
      { id: x, elements: 4, findings: 1, completed: true },
      { id: y, elements: 6, findings: 0, completed: true },
      { id: z, elements: 2, findings: 0, completed: false },
    ]);
    expect(inserts()).toBe(4);
    const stored = await new IngestLedger(store.client).entries([x.key, y.key, z.key]);
    expect([...stored.values()].map((e) => [e?.status, e?.elements])).toEqual([['completed', 4], ['completed', 6], ['started', 2]]);
  });

  it('a file is known by its content, not its path', async () => {
    const a = await file('c.mrt', 2 << 20);
    const copy = join(dir, 'copy-of-c.mrt');
    writeFileSync(copy, Buffer.alloc(2 << 20, 'c.mrt'));
    expect((await identifyFile(copy)).key).toBe(a.key);
    expect((await file('d.mrt', 2 << 20)).key).not.toBe(a.key);
  });
});
