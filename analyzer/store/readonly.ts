import type { ClickHouseClient } from '@clickhouse/client';
import { sqlString } from './sql.js';

export interface ReadonlyOptions {
  /** Rows returned at most (default 10000); `truncated` says when more existed. */
  maxRows?: number;
  /** ClickHouse max_execution_time in seconds (default 60). */
  timeoutSeconds?: number;
  /** ClickHouse max_memory_usage per query, in bytes (default 1 GiB): past it the query fails instead of growing the process. */
  maxMemoryBytes?: number;
  /** ClickHouse max_result_bytes (default 256 MiB): a larger result fails with a clear error. */
  maxResultBytes?: number;
}

export const DEFAULT_QUERY_MEMORY_BYTES = 1024 ** 3;
export const DEFAULT_RESULT_BYTES = 256 * 1024 ** 2;

/** Reads a size such as `1G`, `512M`, `1.5GiB` or a number of bytes; throws on anything else. */
export function parseByteSize(text: string | number): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([KMGT])(?:i?B)?|B)?\s*$/i.exec(String(text));
  if (!m) throw new Error(`not a size: ${JSON.stringify(String(text))} (use bytes or K, M, G: 512M, 1G)`);
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[(m[2] ?? '').toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  const n = Math.floor(Number(m[1]) * unit);
  if (!(n >= 1)) throw new Error(`a size must be at least 1 byte, not ${JSON.stringify(String(text))}`);
  return n;
}

/** A size for messages: 1 GiB, 512 MiB, 10000 B. */
export function formatBytes(n: number): string {
  for (const [u, f] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (n >= f) return `${Number((n / f).toFixed(2))} ${u}`;
  return `${n} B`;
}

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
  truncated?: boolean;
}

export class ReadonlyQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadonlyQueryError';
  }
}

/**
 * Runs analyst SQL read-only, the same way on chDB and on a server:
 * 1. ClickHouse's own parser (`formatQuerySingleLine`, the SQL passed as a quoted String literal)
 *    normalises it and rejects several statements: chDB would otherwise run each of
 *    `SELECT 1; DROP TABLE x` in turn.
 * 2. The statement must be a query (SELECT / WITH … SELECT); it runs as a subquery whose
 *    query-level SETTINGS carry readonly = 1, max_execution_time, max_memory_usage (the
 *    per-query memory cap), max_result_rows and max_result_bytes (result_overflow_mode = throw).
 *    Query-level, because chDB turns `clickhouse_settings` into session-wide SETs that
 *    would make the writer's session read-only too. readonly = 1 also refuses table
 *    functions such as file() and url(). A SETTINGS clause of the user's is refused: inside
 *    the subquery it could set readonly = 0 again.
 */
export async function runReadonly(client: ClickHouseClient, sql: string, opts: ReadonlyOptions = {}): Promise<QueryResult> {
  const maxRows = opts.maxRows ?? 10_000;
  const timeout = opts.timeoutSeconds ?? 60;
  const maxMemory = opts.maxMemoryBytes ?? DEFAULT_QUERY_MEMORY_BYTES;
  const maxBytes = opts.maxResultBytes ?? DEFAULT_RESULT_BYTES;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new ReadonlyQueryError('maxRows must be a positive integer');
  if (!(timeout > 0)) throw new ReadonlyQueryError('timeoutSeconds must be positive');
  if (!Number.isInteger(maxMemory) || maxMemory < 1) throw new ReadonlyQueryError('maxMemoryBytes must be a positive integer');
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new ReadonlyQueryError('maxResultBytes must be a positive integer');

  let normalized: string;
  try {
    // The SQL goes in as a quoted literal, not a bound {sql:String}: chDB runs every bound query
    // of the process through one global queue, so a console query waiting for its connection
    // would hold up the dashboard's own (bound) queries on the other connection.
    // chDB answers the first query after a failed one (on the same connection) with an empty
    // result once; a second try gets the real answer.
    let row: { q?: unknown } | undefined;
    for (let attempt = 0; attempt < 2 && typeof row?.q !== 'string'; attempt++) {
      const rs = await client.query({ query: `SELECT formatQuerySingleLine(${sqlString(sql)}) AS q`, format: 'JSONEachRow' });
      row = (await rs.json<{ q: string }>())[0];
    }
    if (typeof row?.q !== 'string') throw new Error('the store returned no normalised query');
    normalized = row.q;
  } catch (err) {
    throw new ReadonlyQueryError(`cannot parse the query: ${firstLine(err)}`);
  }
  if (!/^(SELECT|WITH)\b/i.test(normalized)) {
    throw new ReadonlyQueryError(`only SELECT queries run here (read-only); got: ${normalized.slice(0, 60)}`);
  }
  // A SETTINGS clause inside the subquery could lift readonly (ClickHouse accepts it there).
  if (/\bSETTINGS\b/i.test(normalized)) throw new ReadonlyQueryError('SETTINGS clauses are not allowed in read-only queries');
  if (/\bFORMAT\s+\w+$/i.test(normalized)) throw new ReadonlyQueryError('leave out FORMAT; use --format table|csv|json');

  const wrapped =
    `SELECT * FROM (${normalized}) LIMIT ${maxRows + 1} ` +
    `SETTINGS readonly = 1, max_execution_time = ${Number(timeout)}, max_memory_usage = ${maxMemory}, ` +
    `max_result_rows = ${maxRows + 1}, max_result_bytes = ${maxBytes}, result_overflow_mode = 'throw'`;
  try {
    const rs = await client.query({ query: wrapped, format: 'JSONCompactEachRowWithNames' });
    // max_result_bytes is not enforced on every back end (chDB returns the whole result): check the text too.
    const text = await rs.text();
    if (Buffer.byteLength(text) > maxBytes) throw new Error(`Limit for result exceeded: max_result_bytes ${maxBytes}`);
    const lines = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown[]);
    const columns = (lines[0] ?? []) as string[];
    const data = lines.slice(1);
    const truncated = data.length > maxRows;
    const rows = data.slice(0, maxRows).map((values) => Object.fromEntries(columns.map((c, i) => [c, values[i]])));
    return { columns, rows, truncated };
  } catch (err) {
    const msg = firstLine(err);
    if (/memory limit/i.test(msg)) {
      throw new ReadonlyQueryError(`refused: the query needs more memory than the per-query cap of ${formatBytes(maxMemory)} (max_memory_usage; raise it with --query-memory) — ${msg}`);
    }
    if (/max_result_bytes|Limit for result exceeded.*bytes/i.test(msg)) {
      throw new ReadonlyQueryError(`refused: the result is larger than ${formatBytes(maxBytes)} (max_result_bytes); select fewer columns or rows — ${msg}`);
    }
    throw new ReadonlyQueryError(msg);
  }
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
