import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ChdbExtension } from 'chdb/connection';
import { log } from '../../common/log.js';
import { columnTypes, type Payload } from './batch.js';
import { repairOnce } from './dedup-repair.js';
import { sqlString } from './sql.js';

/** Sends one batch to the store; throws errors whose `code` is the ClickHouse error code as text. */
export interface Inserter {
  insert(p: Payload, token: string): Promise<void>;
  /** Removes what the inserter staged on disk and closes the connections it opened. */
  close(): Promise<void>;
}

/** What the embedded inserts use of the chDB connection (`connect` returns it): its raw passthrough insert (text formats only). */
export type EmbeddedChdb = Pick<ChdbExtension, 'rawInsert'>;

/**
 * Per-insert settings. `optimize_on_insert = 0`: the Replacing/Aggregating tables (route_events
 * and every read model its views feed) skip collapsing each new part at insert; merges collapse
 * them later and every read goes through FINAL or -Merge functions, so results are unchanged,
 * and the store spends about a fifth less per event.
 */
const insertSettings = (token: string): string[] => [`insert_deduplication_token = ${sqlString(token)}`, 'optimize_on_insert = 0'];

/**
 * How batches reach the store. Embedded chDB: RowBinary, staged in a file and read with
 * `INSERT … SELECT FROM file()` (the connection takes no binary payload, and parsing text is
 * most of a text insert's cost); text batches (old spools) through its raw insert. A server (or
 * `distributed`): the batch as the HTTP body of `INSERT … FORMAT`, RowBinary (a text batch of an
 * old spool as it is), so an ingest into a server encodes each row straight from its event, as
 * into the embedded store, instead of building JSON text (docs/scaling.md, session 42).
 * Embedded, each insert takes a free connection: one chDB connection runs one query at a time,
 * so concurrent inserts run at once only on as many (a server runs concurrent requests at once).
 * `openConnection` opens another to the same store when an insert finds none free, up to
 * `connections` in all; a writer whose inserts never overlap (a live feed's) opens none.
 */
export function storeInserter(
  client: ClickHouseClient,
  opts: { chdb?: EmbeddedChdb | null; distributed?: boolean; connections?: number; openConnection?: () => ClickHouseClient } = {},
): Inserter {
  const chdb = opts.distributed ? null : opts.chdb;
  if (!chdb) return serverInserter(client, Boolean(opts.distributed));
  return embeddedInserter(client, chdb, opts.connections ?? 1, opts.openConnection);
}

function embeddedInserter(client: ClickHouseClient, chdb: EmbeddedChdb, connections: number, openConnection?: () => ClickHouseClient): Inserter {
  // One folder per writer; a staged file lives only for the duration of its insert.
  let stagingDir: string | null = null;
  const idle = [client];
  const opened: ClickHouseClient[] = [];
  const waiting: Array<(c: ClickHouseClient) => void> = [];
  const acquire = (): ClickHouseClient | Promise<ClickHouseClient> => {
    const free = idle.pop();
    if (free) return free;
    if (openConnection && 1 + opened.length < connections) {
      try {
        const another = openConnection();
        opened.push(another);
        return another;
      } catch (err) {
        // Not a failed insert: the batch waits for a connection already open, and no more are tried.
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'another connection to the embedded store could not be opened; inserts share the open ones');
        openConnection = undefined;
      }
    }
    return new Promise((r) => waiting.push(r));
  };
  const release = (c: ClickHouseClient): void => {
    const next = waiting.shift();
    if (next) next(c);
    else idle.push(c);
  };
  return {
    async insert(p, token) {
      // Before the first batch: an id a killed process logged without its part would drop the retry.
      await repairOnce(client);
      if (p.format !== 'RowBinary') {
        await asClickHouseError(chdb.rawInsert({ table: p.table, values: p.data, format: p.format, columns: p.columns, settings: { insert_deduplication_token: token, optimize_on_insert: '0' } }));
        return;
      }
      stagingDir ??= mkdtempSync(join(tmpdir(), 'portolan-staging-'));
      const file = join(stagingDir, `${token}.rowbinary`);
      writeFileSync(file, p.data);
      try {
        const types = columnTypes(p.table, p.columns).map(stagedType);
        const structure = p.columns.map((c, i) => `${c} ${types[i]}`).join(', ');
        const connection = await acquire();
        try {
          await connection.command({
            query: `INSERT INTO ${p.table} (${p.columns.join(', ')}) SETTINGS ${insertSettings(token).join(', ')} SELECT * FROM file(${sqlString(file)}, 'RowBinary', ${sqlString(structure)})`,
          });
        } finally {
          release(connection);
        }
      } finally {
        rmSync(file, { force: true });
      }
    },
    async close() {
      if (stagingDir) rmSync(stagingDir, { recursive: true, force: true });
      stagingDir = null;
      await Promise.all(opened.splice(0).map((c) => c.close()));
    },
  };
}

/**
 * A column's type as the staged file declares it. LowCardinality(T) is read as plain T (RowBinary
 * writes both the same way) and converted a whole column at a time on insert: read row by row
 * into LowCardinality columns, the file cost chDB 4–5 µs per route event, most of its insert.
 */
export const stagedType = (type: string): string => type.replace(/LowCardinality\(([^()]*)\)/g, '$1');

function serverInserter(client: ClickHouseClient, distributed: boolean): Inserter {
  return {
    async insert(p, token) {
      // Settings go in the statement (not clickhouse_settings): chDB applies those as session-wide SETs.
      const settings = insertSettings(token);
      if (distributed) settings.push('distributed_foreground_insert = 1');
      const rs = await client.exec({
        query: `INSERT INTO ${p.table} (${p.columns.join(', ')}) SETTINGS ${settings.join(', ')} FORMAT ${p.format}`,
        values: Readable.from([p.data]),
      });
      // Read the (empty) answer to its end: destroyed unread, it took the connection with it (a
      // new one for every insert) and the client warned on stderr each time.
      await finished(rs.stream.resume());
    },
    async close() {},
  };
}

/** chDB's errors in the client's shape (`code` = the ClickHouse code as text), so permanent errors are told apart the same way. */
async function asClickHouseError(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { clickhouseCode?: number };
    const code = e.clickhouseCode ?? /Code: (\d+)\./.exec(String(e.message))?.[1];
    throw Object.assign(new Error(e.message, { cause: err }), { code: code === undefined ? undefined : String(code) });
  }
}
