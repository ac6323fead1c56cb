/** The ingest ledger in a real embedded store: what a file's rows say, and the --jobs it was stored under. */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { identifyFile, identifyFiles, identifyUrl, IngestLedger } from '../../../analyzer/store/ledger.js';
import { fileServer } from '../../helpers/http.js';
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
    expect((await store.ledger.begin([id], 3))[0]).toMatchObject({ status: 'started', elements: 0, jobs: 3 });
    await store.ledger.checkpoint(id, 10, 2);
    expect(await store.ledger.get(id.key)).toMatchObject({ status: 'started', elements: 10, findings: 2, jobs: 3 });
    await store.ledger.settle([{ id, elements: 25, findings: 4, completed: true }]);
    expect(await store.ledger.get(id.key)).toMatchObject({ status: 'completed', elements: 25, findings: 4, jobs: 3 });
    // A second begin (a rerun) returns the entry as it is.
    expect((await store.ledger.begin([id], 1))[0]).toMatchObject({ status: 'completed', jobs: 3 });
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
    const [begun] = await ledger.begin([x], 2);
    await ledger.checkpoint(x, 5, 1);
    await ledger.settle([{ id: x, elements: 9, findings: 3, completed: true }]);
    expect(calls()).toBe(1);
    const [completed] = await ledger.begin([x], 1);
    expect(completed).toMatchObject({ status: 'completed', elements: 9, findings: 3, jobs: 2, startedAt: begun.startedAt });
    expect(await new IngestLedger(store.client).get(x.key)).toEqual(completed);
    expect(await store.ledger.get(y.key)).toBeNull();
  });

  it('begins several files in one insert, and settles them in one: the completed ones and an interrupted one\'s progress', async () => {
    const [x, y, z] = await Promise.all([file('g.mrt', 10), file('h.mrt', 20), file('i.mrt', 30)]);
    const { client, calls: inserts } = counting(store.client, 'insert');
    const ledger = new IngestLedger(client);
    await ledger.entries([x.key, y.key, z.key]);
    // Begun together: one insert; begun again, nothing is written.
    expect((await ledger.begin([x, y, z], 1)).map((e) => [e.key, e.status])).toEqual([x, y, z].map((f) => [f.key, 'started']));
    await ledger.begin([x, y], 2);
    expect(inserts()).toBe(1);
    await ledger.settle([
      { id: x, elements: 4, findings: 1, completed: true },
      { id: y, elements: 6, findings: 0, completed: true },
      { id: z, elements: 2, findings: 0, completed: false },
    ]);
    expect(inserts()).toBe(2);
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

describe('file identity', () => {
  const dir = makeTmpDir('ledger-identity');
  const MIB = 1 << 20;
  /** A file of `size` bytes, each byte from its position and `seed`, so heads and tails differ. */
  const write = (name: string, size: number, seed: number): { path: string; bytes: Buffer } => {
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 12)) & 0xff;
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return { path, bytes };
  };

  it('is SHA-256 of the size, the first MiB and the last MiB after it, as stored ledgers key their files', async () => {
    for (const size of [0, 3000, MIB, MIB + MIB / 2, 3 * MIB]) {
      const { path, bytes } = write(`f-${size}.mrt`, size, size % 251);
      const h = createHash('sha256').update(`size:${size}\n`).update(bytes.subarray(0, Math.min(MIB, size)));
      if (size > MIB) h.update(bytes.subarray(size - Math.min(MIB, size - MIB)));
      expect(await identifyFile(path), `${size} bytes`).toEqual({ key: h.digest('hex'), path, size });
    }
  });

  it('many files, a few readers with a buffer each: the identities of each file, in order', async () => {
    const files = Array.from({ length: 9 }, (_, i) => write(`m-${i}.mrt`, [100, MIB + 5, 2 * MIB + 7][i % 3], i).path);
    const ids = await identifyFiles(files, 2);
    expect(ids).toEqual(await Promise.all(files.map((f) => identifyFile(f))));
    expect(new Set(ids.map((id) => id?.key)).size).toBe(9);
    expect(await identifyFiles([])).toEqual([]);
  });

  it('a URL whose server answers byte ranges has the identity of its local copy; one that answers none, or not at all, has none', async () => {
    const files = [3000, MIB + MIB / 2, 3 * MIB].map((size, i) => write(`u-${i}.mrt`, size, 40 + i).path);
    const ranged = await fileServer(dir, { ranges: true });
    const whole = await fileServer(dir, { ranges: false });
    try {
      for (const f of files) {
        const name = f.split('/').pop()!;
        const local = await identifyFile(f);
        expect(await identifyUrl(`${ranged.base}/${name}`), name).toEqual({ ...local, path: `${ranged.base}/${name}` });
        expect(await identifyUrl(`${whole.base}/${name}`), name).toBeNull();
      }
      expect(await identifyUrl(`${ranged.base}/absent.mrt`)).toBeNull();
      // A connection reset before any answer (a kept-alive one the server closed) is asked again.
      const resetting = await fileServer(dir, { ranges: true, resets: 1 });
      try {
        const name = files[2].split('/').pop()!;
        expect(await identifyUrl(`${resetting.base}/${name}`)).toEqual({ ...(await identifyFile(files[2])), path: `${resetting.base}/${name}` });
        expect(resetting.requests()).toBe(3);
      } finally {
        await resetting.close();
      }
      expect(await identifyUrl('http://127.0.0.1:1/refused.mrt')).toBeNull();
      const name = files[1].split('/').pop()!;
      expect((await identifyFiles([files[0], `${ranged.base}/${name}`, `${whole.base}/${name}`])).map((id) => id?.key ?? null)).toEqual([(await identifyFile(files[0])).key, (await identifyFile(files[1])).key, null]);
    } finally {
      await ranged.close();
      await whole.close();
    }
  });
});
