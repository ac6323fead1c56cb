/**
 * The head of an ingest (cli/ingest/head.ts): which files a later `--continue` takes back or
 * replays, from the states the shards saved (files in a temporary folder, named as the runner
 * names them).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEAD_FILE, HeadTracker, readHead, type ChainFile, type IngestHead } from '../../../cli/ingest/head.js';
import { stateFileName } from '../../../cli/ingest/shard.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const chainOf = (n: number): ChainFile[] => Array.from({ length: n }, (_, i) => ({ file: `f${i}.gz`, key: `key${i}`, chain: String(i).repeat(32), elements: 0, findings: 0 }));
const save = (dir: string, chain: ChainFile, index: number, count: number) => writeFileSync(join(dir, stateFileName(chain.chain!, { index, count })), 'state');

describe('HeadTracker', () => {
  it('lists the files from the earliest of the shards\' latest states to the last done, with what the ledger records for them', async () => {
    const dir = makeTmpDir('head-shards');
    const chain = chainOf(4);
    const tracker = new HeadTracker(dir, 2, chain, false);
    save(dir, chain[1], 0, 2);
    save(dir, chain[2], 1, 2);
    save(dir, chain[3], 0, 2);
    tracker.count(3, 120, 7);
    await tracker.done(3);
    const head = readHead(dir) as IngestHead;
    expect(head).toMatchObject({ chain: chain[3].chain, jobs: 2, fromState: true });
    expect(head.files).toEqual([
      { file: 'f2.gz', key: 'key2', chain: chain[2].chain, elements: 0, findings: 0 },
      { file: 'f3.gz', key: 'key3', chain: chain[3].chain, elements: 120, findings: 7 },
    ]);
  });

  it('without a state for every shard: every file from the first, replayed from no routes; unless the run started from a state', async () => {
    const dir = makeTmpDir('head-none');
    const chain = chainOf(3);
    save(dir, chain[1], 0, 2);
    await new HeadTracker(dir, 2, chain, false).done(2);
    expect(readHead(dir)).toMatchObject({ fromState: false, files: chain.map((f) => ({ file: f.file })) });
    await new HeadTracker(dir, 2, chain, true).done(2);
    expect(readHead(dir)).toMatchObject({ unusable: 'the routing states the last ingest saved are gone' });
  });

  it('a file without a key (a URL not identified) leaves no head to continue from', async () => {
    const dir = makeTmpDir('head-url');
    const chain = chainOf(2);
    chain[0] = { ...chain[0], file: 'http://127.0.0.1:1/x.gz', key: undefined, chain: null };
    chain[1] = { ...chain[1], chain: null };
    await new HeadTracker(dir, 1, chain, false).done(1);
    expect(readHead(dir)).toMatchObject({ unusable: expect.stringContaining('http://127.0.0.1:1/x.gz, which could not be identified') });
  });

  it('a head that cannot be written is not left behind (a later --continue refuses rather than start from an older end)', async () => {
    const dir = makeTmpDir('head-unwritable');
    const chain = chainOf(2);
    await new HeadTracker(dir, 1, chain, false).done(0);
    expect(readHead(dir)).toMatchObject({ chain: chain[0].chain });
    // Its temporary file cannot be made (a folder is in the way): the older head goes.
    mkdirSync(join(dir, `${HEAD_FILE}.tmp`));
    await new HeadTracker(dir, 1, chain, false).done(1);
    expect(readHead(dir)).toBeNull();
  });

  it('readHead: none, one it cannot read, and one another version wrote', () => {
    const dir = makeTmpDir('head-read');
    expect(readHead(dir)).toBeNull();
    writeFileSync(join(dir, HEAD_FILE), '{"chain": ');
    expect(readHead(dir)).toMatchObject({ unusable: expect.stringContaining('cannot be read') });
    writeFileSync(join(dir, HEAD_FILE), '{"chain": 3}');
    expect(readHead(dir)).toMatchObject({ unusable: expect.stringContaining('is not a head this version writes') });
  });
});
