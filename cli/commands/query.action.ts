/** `portolan query`: what the declaration in query.ts runs (the store, or a running server's API when it holds the store). */
import { openStore, StoreLockedError, type NamedQueryInfo } from '../../analyzer/store/index.js';
import { QueryParamError } from '../../analyzer/store/queries.js';
import { parseByteSize, ReadonlyQueryError } from '../../analyzer/store/readonly.js';
import { log } from '../../common/log.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { render } from '../render.js';
import { addAsNameColumn } from '../../analyzer/asnames/index.js';
import { loadAsNamesFor } from '../setup.js';
import { storeTarget } from '../store-target.js';

interface QueryOpts {
  name?: string;
  param: string[];
  list?: boolean;
  format: string;
  maxRows: string;
  timeout: string;
  queryMemory: string;
  apiToken?: string;
  db: string;
  clickhouse?: string;
  clickhouseCluster?: string;
  rawTtlDays?: string;
  server: string;
  asNames?: string;
  /** Where asn.txt is looked for when --as-names is not given (--cache-dir / PORTOLAN_CACHE_DIR). */
  cacheDir: string;
}

const memoryOf = (text: string): number => {
  try {
    return parseByteSize(text);
  } catch (err) {
    throw new UsageError(`--query-memory: ${(err as Error).message}`);
  }
};

/** What the command needs from a store: the embedded/server store itself, or a running Portolan's API. */
interface QueryPort {
  namedQueries(): NamedQueryInfo[] | Promise<NamedQueryInfo[]>;
  namedQuery(name: string, params: Record<string, string>): Promise<{ columns: string[]; rows: Record<string, unknown>[]; truncated?: boolean }>;
  readonlySql(sql: string, opts: { maxRows: number; timeoutSeconds: number; maxMemoryBytes: number }): Promise<{ columns: string[]; rows: Record<string, unknown>[]; truncated?: boolean }>;
  migrate(): Promise<unknown>;
  close(): Promise<void>;
}

/** The dashboard API of a running `portolan run`/`serve` (GET /api/queries…, POST /api/sql). */
async function serverPort(base: string, lockedMessage: string, token?: string): Promise<QueryPort> {
  const call = async (path: string, init: RequestInit = {}): Promise<Record<string, unknown>> => {
    let res: Response;
    try {
      const headers = { ...(init.headers as Record<string, string> | undefined), ...(token ? { authorization: `Bearer ${token}` } : {}) };
      res = await fetch(new URL(path, base), { ...init, headers });
    } catch (err) {
      throw new UsageError(`${lockedMessage}; and no Portolan server answers at ${base} (${(err as Error).message}): pass --server URL, or stop the other process`, 1);
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown> & { error?: { message?: string } };
    if (!res.ok) throw new UsageError(`${base}: ${body.error?.message ?? `HTTP ${res.status}`}`, res.status === 400 || res.status === 404 ? 2 : 1);
    return body;
  };
  // Columns come as names or as `{ name, type }`.
  const columnsOf = (body: Record<string, unknown>): string[] =>
    Array.isArray(body.columns)
      ? (body.columns as Array<string | { name: string }>).map((c) => (typeof c === 'string' ? c : c.name))
      : Object.keys(((body.rows as Record<string, unknown>[] | undefined) ?? [])[0] ?? {});
  log.info({ server: base }, 'the embedded store is held by a running Portolan; asking its API');
  return {
    namedQueries: async () => (await call('/api/queries')).queries as NamedQueryInfo[],
    namedQuery: async (name, params) => {
      const body = await call(`/api/queries/${encodeURIComponent(name)}?${new URLSearchParams(params)}`);
      return { columns: columnsOf(body), rows: body.rows as Record<string, unknown>[] };
    },
    readonlySql: async (sql, opts) => {
      const body = await call('/api/sql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql, maxRows: Math.min(opts.maxRows, 10_000), timeoutSeconds: Math.min(opts.timeoutSeconds, 30), maxMemoryBytes: opts.maxMemoryBytes }),
      });
      return { columns: columnsOf(body), rows: body.rows as Record<string, unknown>[], truncated: body.truncated === true };
    },
    migrate: async () => undefined,
    close: async () => undefined,
  };
}

export const query = action(async (sql: string | undefined, opts: QueryOpts) => {
  if (!['table', 'csv', 'json'].includes(opts.format)) throw new UsageError(`--format must be table, csv or json, not ${opts.format}`);
  const modes = [sql !== undefined, opts.name !== undefined, Boolean(opts.list)].filter(Boolean).length;
  if (modes !== 1) throw new UsageError('give exactly one of: SQL, --name NAME, --list');
  const params: Record<string, string> = {};
  for (const p of opts.param) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param takes k=v, not ${JSON.stringify(p)}`);
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }
  let store: QueryPort;
  try {
    store = await openStore(storeTarget(opts));
  } catch (err) {
    // One process owns an embedded store: ask the running server that holds it instead.
    if (!(err instanceof StoreLockedError)) throw err;
    store = await serverPort(opts.server, err.message, opts.apiToken);
  }
  try {
    let columns: string[];
    let rows: Record<string, unknown>[];
    if (opts.list) {
      columns = ['name', 'params', 'description'];
      rows = (await store.namedQueries()).map((q) => ({
        name: q.name,
        params: q.params.map((p) => (p.required ? p.name : `[${p.name}]`)).join(' '),
        description: q.description,
      }));
    } else {
      await store.migrate();
      try {
        const r = opts.name ? await store.namedQuery(opts.name, params) : await store.readonlySql(sql!, { maxRows: Number(opts.maxRows), timeoutSeconds: Number(opts.timeout), maxMemoryBytes: memoryOf(opts.queryMemory) });
        ({ columns, rows } = r);
        if (r.truncated) process.stderr.write(`portolan query: output truncated to ${opts.maxRows} rows (--max-rows)\n`);
      } catch (err) {
        if (err instanceof QueryParamError || err instanceof ReadonlyQueryError) throw new UsageError(err.message);
        throw err;
      }
    }
    // A column of AS numbers gets the names beside it (--as-names, or asn.txt in the registry cache).
    if (!opts.list) ({ columns, rows } = addAsNameColumn(columns, rows, loadAsNamesFor({ asNames: opts.asNames, cacheDir: opts.cacheDir })));
    process.stdout.write(render(opts.format, columns, rows));
  } finally {
    await store.close();
  }
});
