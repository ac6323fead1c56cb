import type { ClickHouseClient } from '@clickhouse/client';
import type { Params, Row, StoreRows } from './query-types.js';
import { clientQuery, literalQuery } from './sql-runner.js';

/** A named query as the store lists it. */
export interface NamedQueryInfo {
  name: string;
  description: string;
  params: Array<{ name: string; description: string; required: boolean; default?: string | number }>;
}

/**
 * The store the dashboard is given (`createDashboardServer({ store })`). Typed structurally so
 * the dashboard depends on the store's behaviour, not on its module layout: the analyzer's
 * `Store` fits it as it is. Without a `client` the dashboard binds its parameters as literals
 * and reads through `readonlySql`, and nothing compacts the read models.
 */
export interface DashboardStore {
  client?: Pick<ClickHouseClient, 'query' | 'command'>;
  namedQuery(name: string, params: Record<string, string | number>): Promise<StoreRows>;
  namedQueries(): NamedQueryInfo[];
  readonlySql(sql: string, opts?: { maxRows?: number; timeoutSeconds?: number }): Promise<StoreRows>;
  ping(): Promise<boolean>;
}

/** What the dashboard's routes use of the store: typed answers, failures of an unreachable store as StoreUnavailable. */
export interface StorePort {
  /** One of the dashboard's own read queries (fixed SQL, `{name:Type}` parameters); integers come back as JSON numbers. */
  query(sql: string, params?: Params): Promise<Row[]>;
  /** Analyst SQL, read-only, with limits. */
  readonlySql(sql: string, opts: { maxRows: number; timeoutSeconds: number }): Promise<SqlResult>;
  namedQuery(name: string, params: Record<string, string>): Promise<SqlResult>;
  namedQueries(): NamedQueryInfo[];
  ping(): Promise<boolean>;
  /** A statement such as `OPTIMIZE TABLE …`; absent when the store has no client. */
  command?: (sql: string) => Promise<void>;
}

/** The store cannot answer at all (down, closed, unreachable): the API answers 503. */
export class StoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailable';
  }
}

export interface SqlResult {
  truncated?: boolean;
  columns: Array<{ name: string }>;
  rows: Row[];
}

const toResult = (answer: StoreRows): SqlResult => ({
  ...(answer.truncated === undefined ? {} : { truncated: answer.truncated }),
  columns: answer.columns.map((name) => ({ name })),
  rows: answer.rows,
});

/**
 * The port over a store. Its own read queries prefer the store's client (server-side parameter
 * binding) and otherwise bind literals and go through `readonlySql`; either way they have a
 * time limit of `timeoutSeconds`.
 */
export function storePort(store: DashboardStore, timeoutSeconds = 20): StorePort {
  const client = store.client;
  const read = client ? clientQuery(client, timeoutSeconds) : literalQuery((sql) => store.readonlySql(sql, { maxRows: 100_000, timeoutSeconds }));
  return {
    query: (sql, params = {}) => guarded(store, () => read(sql, params)),
    readonlySql: async (sql, opts) => toResult(await store.readonlySql(sql, opts)),
    namedQuery: (name, params) => guarded(store, async () => toResult(await store.namedQuery(name, params))),
    namedQueries: () => store.namedQueries(),
    ping: () => store.ping(),
    command: client
      ? async (sql) => {
          await client.command({ query: sql });
        }
      : undefined,
  };
}

type Pingable = Pick<DashboardStore, 'ping'>;

/** Is the store reachable? A ping that throws, or answers false, is "down". */
export async function storeUp(store: Pingable): Promise<{ ok: boolean; error?: string }> {
  try {
    return (await store.ping()) ? { ok: true } : { ok: false, error: 'store ping failed' };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Runs a store call; when it fails and the store does not answer a ping either, the failure is a 503. */
export async function guarded<T>(store: Pingable, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const up = await storeUp(store);
    if (!up.ok) throw new StoreUnavailable(`the store is not available: ${up.error ?? 'no answer'}`);
    throw err;
  }
}
