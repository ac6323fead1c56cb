import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { log } from '../../common/log.js';
import { queryRows } from './sql.js';

/**
 * Repairs what a `kill -9` can leave in the embedded store's insert deduplication logs.
 *
 * A single-node MergeTree with `non_replicated_deduplication_window` records each new block's id
 * in `<table>/deduplication_logs/` and only then renames the block's part into place
 * (ClickHouse's `MergeTreeSink::commitPart`). A process killed between the two leaves an id whose
 * part never landed. The batch is retried after the crash with the same token (the rerun of an
 * interrupted ingest, a spool replay), and the table drops it as already stored, while the views,
 * whose own parts landed or land now, count it: its rows are lost without a word. Found by the
 * ingest kill test in CI: route_events held 5,549 of 55,549 events while every read model held all.
 *
 * Before a process's first insert (`repairOnce`: from the embedded inserter, and before pending
 * migrations, whose backfills are deduplicated by their blocks' hashes; readers never pay for
 * it), each table's log is replayed as ClickHouse replays it, and every id in its window whose
 * part no part of the table covers gets a DROP record, the record ClickHouse itself writes for a
 * dropped part. The table is detached and attached again around the write, so it loads the log
 * without the id, and the retry stores the batch. Ids of parts that landed, merged since or not,
 * are kept, so a retry of those is still dropped. A server's files are out of reach: a killed
 * single-node server keeps the hazard (docs/deployment.md).
 */

/** One id the log holds (its ADD not followed by a DROP) with the part it names. */
export interface LoggedBlock {
  blockId: string;
  part: string;
}

/** A part of the table as `system.parts` lists it. */
export interface PartRange {
  partitionId: string;
  minBlock: number;
  maxBlock: number;
}

export interface DanglingBlock extends LoggedBlock {
  table: string;
}

const ADD = '1';
const DROP = '2';
const LOG_DIR = 'deduplication_logs';
const LOG_FILE = /^deduplication_log_(\d+)\.txt$/;

/** A table's log files and their numbers, oldest first (ClickHouse replays them in number order). */
function logFiles(tablePath: string): Array<{ path: string; number: number }> {
  const dir = join(tablePath, LOG_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((f) => {
      const m = LOG_FILE.exec(f);
      return m ? [{ path: join(dir, f), number: Number(m[1]) }] : [];
    })
    .sort((a, b) => a.number - b.number);
}

/** The ids a table's deduplication log holds, the newest `window` of them (none without a log). */
export function loggedBlocks(tablePath: string, window = Infinity): LoggedBlock[] {
  return replayLog(logFiles(tablePath).map((f) => readFileSync(f.path, 'utf8')), window);
}

/**
 * Replays the log's files (`op \t part \t block id \n` records; 1 adds, 2 drops) into the ids
 * they still hold. A record of another shape, or one a crash cut short, ends its file's replay,
 * as it ends ClickHouse's.
 */
export function replayLog(texts: string[], window = Infinity): LoggedBlock[] {
  const held = new Map<string, string>();
  for (const text of texts) {
    const records = text.split('\n');
    records.pop(); // what follows the last newline: nothing, or a record cut short
    for (const record of records) {
      const [op, part, blockId, extra] = record.split('\t');
      if (extra !== undefined || !blockId || (op !== ADD && op !== DROP)) break;
      if (op === ADD) held.set(blockId, part);
      else held.delete(blockId);
    }
  }
  // ClickHouse keeps the newest `window` ids: an older one deduplicates nothing.
  return [...held].slice(-window).map(([blockId, part]) => ({ part, blockId }));
}

/** A part name's partition and block range (`<partition>_<min>_<max>_<level>[_<mutation>]`); null for another shape. */
export function partRange(name: string): PartRange | null {
  const f = name.split('_');
  if (f.length < 4 || f.length > 5 || !f.slice(1).every((x) => /^\d+$/.test(x))) return null;
  return { partitionId: f[0], minBlock: Number(f[1]), maxBlock: Number(f[2]) };
}

/**
 * The logged ids whose part no part of the table covers: their blocks never landed. Sound because
 * the engine numbers blocks under the lock it commits under: the block killed there has the
 * highest number of its table, no merge can span it, and the next part (which may take its
 * number) comes from an insert, after this check.
 */
export function danglingIds(logged: LoggedBlock[], parts: PartRange[]): LoggedBlock[] {
  return logged.filter(({ part }) => {
    const r = partRange(part);
    return r !== null && !parts.some((p) => p.partitionId === r.partitionId && p.minBlock <= r.minBlock && r.maxBlock <= p.maxBlock);
  });
}

const dropRecords = (blocks: LoggedBlock[]): string => blocks.map((b) => `${DROP}\t${b.part}\t${b.blockId}\n`).join('');

/**
 * Finds and drops the dangling ids of every MergeTree table of the embedded store's database.
 * Run before the first insert of a process that holds the store (chDB's lock: no other writer).
 */
export async function repairDeduplicationLogs(client: ClickHouseClient): Promise<DanglingBlock[]> {
  const tables = await queryRows<{ name: string; path: string; dedup_window: string }>(
    client,
    `SELECT name, data_paths[1] AS path, extract(create_table_query, 'non_replicated_deduplication_window = ([0-9]+)') AS dedup_window
     FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' AND notEmpty(data_paths)`,
  );
  const logged = tables.map((t) => ({ ...t, blocks: loggedBlocks(t.path, Number(t.dedup_window) || Infinity) })).filter((t) => t.blocks.length > 0);
  if (logged.length === 0) return [];
  const parts = await queryRows<{ table: string; partition_id: string; min_block_number: string; max_block_number: string }>(
    client,
    'SELECT table, partition_id, min_block_number, max_block_number FROM system.parts WHERE database = currentDatabase() AND active',
  );
  const repaired: DanglingBlock[] = [];
  for (const t of logged) {
    const ranges = parts.filter((p) => p.table === t.name).map((p) => ({ partitionId: p.partition_id, minBlock: Number(p.min_block_number), maxBlock: Number(p.max_block_number) }));
    const dangling = danglingIds(t.blocks, ranges);
    if (dangling.length === 0) continue;
    // Detached, the table's log is closed; attached again, it replays its files, the DROPs last:
    // they go in a file of their own, numbered after the others, so a record a crash cut short
    // at the end of the last file cannot swallow them.
    await client.command({ query: `DETACH TABLE \`${t.name}\`` });
    try {
      const next = logFiles(t.path).at(-1)!.number + 1;
      writeFileSync(join(t.path, LOG_DIR, `deduplication_log_${next}.txt`), dropRecords(dangling), { flag: 'wx' });
    } finally {
      await client.command({ query: `ATTACH TABLE \`${t.name}\`` });
    }
    log.warn(
      { table: t.name, blocks: dangling },
      'insert deduplication ids whose parts are not in the table (a process killed between logging a block and storing it) dropped: a retry of those batches is stored',
    );
    repaired.push(...dangling.map((d) => ({ ...d, table: t.name })));
  }
  return repaired;
}

const repairs = new WeakMap<ClickHouseClient, Promise<void>>();

/**
 * `repairDeduplicationLogs` once per connection, awaited by every insert. A failure is logged and
 * the inserts go on: the repair guards against a rare loss and must not stop the writer.
 */
export function repairOnce(client: ClickHouseClient): Promise<void> {
  let done = repairs.get(client);
  if (!done) {
    done = repairDeduplicationLogs(client).then(
      () => undefined,
      (err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'the insert deduplication logs could not be checked for ids of blocks that never landed'),
    );
    repairs.set(client, done);
  }
  return done;
}
