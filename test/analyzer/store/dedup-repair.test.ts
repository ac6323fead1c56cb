/**
 * The deduplication-log repair on a real embedded store. The state a `kill -9` between logging a
 * block and renaming its part leaves (an id in the log, no part) is made here by removing a landed
 * part's folder while its table is detached, which is what chDB's start-up does with the
 * `tmp_insert_*` folder of a part the kill stopped short. test/reliability/dedup-kill.test.ts makes
 * the same state with a real kill at the rename.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../analyzer/store/connection.js';
import { danglingIds, partRange, repairDeduplicationLogs, replayLog } from '../../../analyzer/store/dedup-repair.js';
import { makeTmpDir } from '../../helpers/tmp.js';

describe('replaying a deduplication log', () => {
  it('keeps the ids added and not dropped, in file order, and stops a file at a record of another shape or one cut short', () => {
    const files = [
      '1\tall_1_1_0\tall_a\n1\tall_2_2_0\tall_b\n2\tall_1_1_0\tall_a\n1\tall_3_3_0\tall_c\n',
      // A malformed record ends this file's replay (all_x is never read), not the next file's.
      '1\tall_4_4_0\tall_d\nnonsense\n1\tall_5_5_0\tall_x\n',
      '2\tall_2_2_0\tall_b\n1\tall_6_6_0\tall_e\n1\tall_7_7_0\tall_cut',
    ];
    expect(replayLog(files)).toEqual([
      { blockId: 'all_c', part: 'all_3_3_0' },
      { blockId: 'all_d', part: 'all_4_4_0' },
      { blockId: 'all_e', part: 'all_6_6_0' },
    ]);
  });

  it('keeps only the newest ids of the window, as ClickHouse does', () => {
    const log = '1\tall_1_1_0\tall_a\n1\tall_2_2_0\tall_b\n1\tall_3_3_0\tall_c\n2\tall_3_3_0\tall_c\n';
    expect(replayLog([log], 1)).toEqual([{ blockId: 'all_b', part: 'all_2_2_0' }]);
    expect(replayLog([log]).map((b) => b.blockId)).toEqual(['all_a', 'all_b']);
  });

  it('names the ids whose part no part of the table covers', () => {
    expect(partRange('202311_3_3_0')).toEqual({ partitionId: '202311', minBlock: 3, maxBlock: 3 });
    expect(partRange('all_1_9_2_12')).toEqual({ partitionId: 'all', minBlock: 1, maxBlock: 9 });
    expect(partRange('not_a_part')).toBeNull();
    const logged = [
      { blockId: 'p1', part: '202311_2_2_0' }, // merged into 202311_1_4_1
      { blockId: 'p2', part: '202311_5_5_0' }, // never landed
      { blockId: 'p3', part: '202312_5_5_0' }, // landed in its own partition
      { blockId: 'p4', part: '202312_6_6_0' }, // another partition's part spans 6: not this one
    ];
    const parts = [
      { partitionId: '202311', minBlock: 1, maxBlock: 4 },
      { partitionId: '202312', minBlock: 5, maxBlock: 5 },
      { partitionId: '202311', minBlock: 6, maxBlock: 6 },
    ];
    expect(danglingIds(logged, parts).map((b) => b.blockId)).toEqual(['p2', 'p4']);
  });
});

describe('repairing the deduplication logs of an embedded store', () => {
  const dir = makeTmpDir('dedup-repair');
  let client: ClickHouseClient;
  const run = (query: string) => client.command({ query });
  const count = async (table: string): Promise<number> => {
    const rs = await client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
    return Number((await rs.json<{ n: string }>())[0].n);
  };
  /** Inserts rows k*1000 … k*1000+n-1 with the token `batch-k`, as the writer inserts a batch. */
  const insertBatch = (k: number, n: number) =>
    run(`INSERT INTO raw SETTINGS insert_deduplication_token = 'batch-${k}' SELECT ${k * 1000} + number, ${k} FROM numbers(${n})`);
  const dataPath = async (table: string): Promise<string> => {
    const rs = await client.query({ query: `SELECT data_paths[1] AS p FROM system.tables WHERE database = currentDatabase() AND name = '${table}'`, format: 'JSONEachRow' });
    return (await rs.json<{ p: string }>())[0].p;
  };

  beforeAll(async () => {
    client = connect({ db: join(dir, 'db') }).client;
    // A raw table and a view's target, each with a window, as the store's route_events and read models.
    await run('CREATE TABLE raw (id UInt64, batch UInt8) ENGINE = MergeTree PARTITION BY batch % 2 ORDER BY id SETTINGS non_replicated_deduplication_window = 100');
    await run('CREATE TABLE per_batch (batch UInt8, rows UInt64) ENGINE = SummingMergeTree ORDER BY batch SETTINGS non_replicated_deduplication_window = 100');
    await run('CREATE MATERIALIZED VIEW per_batch_mv TO per_batch AS SELECT batch, count() AS rows FROM raw GROUP BY batch');
  });
  afterAll(async () => {
    await client?.close();
  });

  it('drops the id of a part that never landed, so the retried batch is stored once, and keeps every other id', async () => {
    await insertBatch(1, 500);
    await insertBatch(2, 300);
    await insertBatch(3, 200);
    expect(await count('raw')).toBe(1000);
    // Batch 2's part goes as a kill at its rename leaves it: the id logged, no part.
    const raw = await dataPath('raw');
    await run('DETACH TABLE raw');
    const part = readdirSync(raw).find((f) => /^0_\d+_\d+_0$/.test(f) && f !== '0_1_1_0');
    expect(part, readdirSync(raw).join(' ')).toBeDefined();
    rmSync(join(raw, part!), { recursive: true });
    await run('ATTACH TABLE raw');
    expect(await count('raw')).toBe(700);

    // Unrepaired, the retry of batch 2 is dropped as a duplicate: the hazard.
    await insertBatch(2, 300);
    expect(await count('raw')).toBe(700);

    const repaired = await repairDeduplicationLogs(client);
    expect(repaired).toEqual([{ table: 'raw', part, blockId: expect.stringMatching(/^0_/) }]);
    await insertBatch(2, 300);
    expect(await count('raw')).toBe(1000);
    // The view's target had its part: its id stays, and it counts batch 2 once.
    const perBatch = await client.query({ query: 'SELECT batch, sum(rows) AS rows FROM per_batch GROUP BY batch ORDER BY batch', format: 'JSONEachRow' });
    expect(await perBatch.json()).toEqual([
      { batch: 1, rows: 500 },
      { batch: 2, rows: 300 },
      { batch: 3, rows: 200 },
    ]);
    // The ids of landed parts still deduplicate, batch 2's new one too.
    for (const k of [1, 2, 3]) await insertBatch(k, [0, 500, 300, 200][k]);
    expect(await count('raw')).toBe(1000);
    expect(await repairDeduplicationLogs(client)).toEqual([]);
  });

  it('leaves the ids of parts merged since alone', async () => {
    await run('OPTIMIZE TABLE raw FINAL');
    expect(await repairDeduplicationLogs(client)).toEqual([]);
    await insertBatch(3, 200);
    expect(await count('raw')).toBe(1000);
  });
});
