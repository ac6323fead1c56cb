import type { ClickHouseClient } from '@clickhouse/client';

export interface ReadonlyOptions {
  /** Rows returned at most (default 10000); `truncated` says when more existed. */
  maxRows?: number;
  /** ClickHouse max_execution_time in seconds (default 60). */
  timeoutSeconds?: number;
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
 * 1. ClickHouse's own parser (`formatQuerySingleLine`, the SQL passed as a bound String)
 *    normalises it and rejects several statements: chDB would otherwise run each of
 *    `SELECT 1; DROP TABLE x` in turn.
 * 2. The statement must be a query (SELECT / WITH … SELECT); it runs as a subquery whose
 *    query-level SETTINGS carry readonly = 1, max_execution_time and max_result_rows.
 *    Query-level, because chDB turns `clickhouse_settings` into session-wide SETs that
 *    would make the writer's session read-only too. readonly = 1 also refuses table
 *    functions such as file() and url(). A SETTINGS clause of the user's is refused: inside
 *    the subquery it could set readonly = 0 again.
 */
export async function runReadonly(client: ClickHouseClient, sql: string, opts: ReadonlyOptions = {}): Promise<QueryResult> {
  const maxRows = opts.maxRows ?? 10_000;
  const timeout = opts.timeoutSeconds ?? 60;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new ReadonlyQueryError('maxRows must be a positive integer');
  if (!(timeout > 0)) throw new ReadonlyQueryError('timeoutSeconds must be positive');

  let normalized: string;
  try {
    const rs = await client.query({ query: 'SELECT formatQuerySingleLine({sql:String}) AS q', query_params: { sql }, format: 'JSONEachRow' });
    normalized = (await rs.json<{ q: string }>())[0].q;
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
    `SETTINGS readonly = 1, max_execution_time = ${Number(timeout)}, max_result_rows = ${maxRows + 1}, result_overflow_mode = 'throw'`;
  try {
    const rs = await client.query({ query: wrapped, format: 'JSONCompactEachRowWithNames' });
    const lines = await rs.json<unknown[]>();
    const columns = (lines[0] ?? []) as string[];
    const data = lines.slice(1);
    const truncated = data.length > maxRows;
    const rows = data.slice(0, maxRows).map((values) => Object.fromEntries(columns.map((c, i) => [c, values[i]])));
    return { columns, rows, truncated };
  } catch (err) {
    throw new ReadonlyQueryError(firstLine(err));
  }
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
