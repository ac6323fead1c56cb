/**
 * Where `ingest --continue` starts (cli/ingest/continue.ts), against a real embedded store's
 * ledger: the head written, the ledger behind it (a crash between the two), files changed since.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { identifyFile, type FileIdentity } from '../../../analyzer/store/ledger.js';
import { UsageError } from '../../../cli/errors.js';
import { continueFrom, lastIngest } from '../../../cli/ingest/continue.js';
import { HEAD_FILE, type IngestHead } from '../../../cli/ingest/head.js';
import { makeTmpDir } from '../../helpers/tmp.js';

describe('ingest --continue: the head checked against the files and the ledger', () => {
  let store: Store;
  const dir = makeTmpDir('ingest-continue-head');
  const stateDir = join(dir, 'db.ingest-state');
  beforeAll(async () => {
    store = await openStore({ db: join(dir, 'db') });
    await store.migrate();
  });
  afterAll(async () => store?.close());

  const file = (name: string, text: string): Promise<FileIdentity> => {
    writeFileSync(join(dir, name), text);
    return identifyFile(join(dir, name));
  };
  const writeHead = (head: IngestHead) => writeFileSync(join(stateDir, HEAD_FILE), JSON.stringify(head));

  it('a store nothing was ingested into starts with no routes', async () => {
    expect(await lastIngest(stateDir, store.ledger)).toBeNull();
    expect(continueFrom(null)).toEqual({ files: [], fromState: false });
  });

  it('completes in the ledger the head\'s files it has as started (the head is written first), with the counts the head recorded', async () => {
    const [a, b] = [await file('a.mrt', 'first file'), await file('b.mrt', 'second file')];
    await store.ledger.begin([a, b]);
    await store.ledger.settle([{ id: a, elements: 10, findings: 1, completed: true }]);
    mkdirSync(stateDir, { recursive: true });
    const head: IngestHead = {
      chain: 'c'.repeat(32),
      jobs: 1,
      fromState: false,
      files: [
        { file: a.path, key: a.key, chain: 'a'.repeat(32), elements: 10, findings: 1 },
        { file: b.path, key: b.key, chain: 'c'.repeat(32), elements: 25, findings: 4 },
      ],
      at: new Date().toISOString(),
    };
    writeHead(head);
    expect(await lastIngest(stateDir, store.ledger)).toEqual(head);
    const entries = await store.ledger.entries([a.key, b.key]);
    expect([...entries.values()].map((e) => [e?.status, e?.elements, e?.findings])).toEqual([
      ['completed', 10, 1],
      ['completed', 25, 4],
    ]);
    expect(continueFrom(head)).toEqual({ files: head.files.map((f) => ({ file: f.file, process: false, chain: f.chain })), fromState: false });

    // A file it replays changed since: refused, not replayed.
    writeFileSync(b.path, 'second file, rewritten');
    await expect(lastIngest(stateDir, store.ledger)).rejects.toThrow(new RegExp(`${b.path}, which the last ingest read after the routing state it saved, is not the file it read`));
    // The first file is the state's when it was saved after it: only those after it are checked,
    // and the state must be there.
    writeFileSync(a.path, 'first file, rewritten');
    writeHead({ ...head, fromState: true, files: [head.files[0]] });
    await expect(lastIngest(stateDir, store.ledger)).rejects.toThrow(`--continue: the routing state the last ingest saved is gone from ${stateDir}`);
    writeFileSync(join(stateDir, head.files[0].chain), 'a saved state');
    expect((await lastIngest(stateDir, store.ledger))?.files).toHaveLength(1);
  });

  it('a store with files ingested and no head, or a head it cannot use: refused, saying what to do', async () => {
    rmSync(join(stateDir, HEAD_FILE));
    await expect(lastIngest(stateDir, store.ledger)).rejects.toThrow(UsageError);
    await expect(lastIngest(stateDir, store.ledger)).rejects.toThrow(/where their ingest ended is not recorded .*run one ingest that lists all the files, in order/);
    writeFileSync(join(stateDir, HEAD_FILE), JSON.stringify({ unusable: 'the routing states the last ingest saved are gone', at: '' }));
    await expect(lastIngest(stateDir, store.ledger)).rejects.toThrow('--continue: the routing states the last ingest saved are gone: run one ingest');
  });
});
