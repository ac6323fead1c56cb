/** The shapes of the dashboard's reads: rows, parameters, and the function that runs a query. */
export type Row = Record<string, unknown>;

/** `{name:Type}` query parameters, bound by name. */
export type Params = Record<string, unknown>;

/** Rows as the store answers analyst SQL and named queries. */
export interface StoreRows {
  columns: string[];
  rows: Row[];
  truncated?: boolean;
}

/** Runs one of the dashboard's own read queries with typed `{name:Type}` parameters. */
export type QueryRunner = (sql: string, params?: Params) => Promise<Row[]>;
