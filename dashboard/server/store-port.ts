/**
 * The part of the analyzer's store the dashboard uses. Typed structurally so the dashboard
 * depends on the store's behaviour, not on its module layout.
 */
export interface DashboardStore {
  namedQuery(name: string, params?: Record<string, unknown>): Promise<unknown>;
  namedQueries(): unknown;
  readonlySql(sql: string, opts?: { maxRows?: number; timeoutSeconds?: number }): Promise<unknown>;
  ping(): Promise<unknown>;
}

/** The store cannot answer at all (down, closed, unreachable): the API answers 503. */
export class StoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailable';
  }
}

export type Row = Record<string, unknown>;

export interface SqlResult {
  columns: Array<{ name: string; type?: string }>;
  rows: Row[];
  truncated?: boolean;
  [key: string]: unknown;
}

/** Normalises the store's answer (an array of rows, or an object with `rows`/`data`) to rows and columns. */
export function toResult(answer: unknown): SqlResult {
  if (Array.isArray(answer)) return { columns: columnsOf(answer as Row[]), rows: answer as Row[] };
  if (answer && typeof answer === 'object') {
    const a = answer as Record<string, unknown>;
    const rows = (Array.isArray(a.rows) ? a.rows : Array.isArray(a.data) ? a.data : []) as Row[];
    const rawCols = (a.columns ?? a.meta) as unknown;
    const columns = Array.isArray(rawCols)
      ? rawCols.map((c) => (typeof c === 'string' ? { name: c } : (c as { name: string; type?: string })))
      : columnsOf(rows);
    const { rows: _r, data: _d, columns: _c, meta: _m, ...rest } = a;
    return { ...rest, columns, rows };
  }
  return { columns: [], rows: [] };
}

function columnsOf(rows: Row[]): Array<{ name: string }> {
  return rows.length ? Object.keys(rows[0]).map((name) => ({ name })) : [];
}

/** Is the store reachable? A ping that throws, or answers false, is "down". */
export async function storeUp(store: DashboardStore): Promise<{ ok: boolean; error?: string }> {
  try {
    const answer = await store.ping();
    if (answer === false) return { ok: false, error: 'store ping failed' };
    if (answer && typeof answer === 'object' && 'success' in answer && (answer as { success: unknown }).success === false) {
      const e = (answer as { error?: unknown }).error;
      return { ok: false, error: e instanceof Error ? e.message : 'store ping failed' };
    }
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Runs a store call; when it fails and the store does not answer a ping either, the failure is a 503. */
export async function guarded<T>(store: DashboardStore, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const up = await storeUp(store);
    if (!up.ok) throw new StoreUnavailable(`the store is not available: ${up.error ?? 'no answer'}`);
    throw err;
  }
}
