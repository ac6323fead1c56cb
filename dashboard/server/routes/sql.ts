import { HttpError, badRequest, readBody, sendCsv, sendJson } from '../http.js';
import { clientAddress, consoleGate } from '../limits.js';
import { storeUp, StoreUnavailable } from '../store-port.js';
import type { Route } from '../types.js';

export const SQL_MAX_ROWS = 10_000;
export const SQL_MAX_SECONDS = 30;

interface SqlRequest {
  sql?: unknown;
  maxRows?: unknown;
  timeoutSeconds?: unknown;
  maxMemoryBytes?: unknown;
  format?: unknown;
}

const bounded = (v: unknown, name: string, dflt: number, max: number): number => {
  if (v === undefined || v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw badRequest(`${name} must be a whole number from 1 to ${max}`);
  return n;
};

/** Accepts JSON `{ sql, maxRows?, timeoutSeconds?, maxMemoryBytes?, format? }` or a form post (`sql=…`), for the CSV download button. */
async function parseRequest(body: string, contentType: string): Promise<SqlRequest> {
  if (contentType.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  try {
    return JSON.parse(body) as SqlRequest;
  } catch {
    throw badRequest('the body must be JSON: { "sql": "SELECT …" }');
  }
}

export const sqlRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/api\/sql$/,
    async handle({ req, res, query, deps }) {
      const body = await parseRequest(await readBody(req), String(req.headers['content-type'] ?? ''));
      if (typeof body.sql !== 'string' || body.sql.trim() === '') throw badRequest('sql is required: { "sql": "SELECT …" }');
      const maxRows = bounded(body.maxRows, 'maxRows', 1000, SQL_MAX_ROWS);
      const timeoutSeconds = bounded(body.timeoutSeconds, 'timeoutSeconds', 10, SQL_MAX_SECONDS);
      const gate = consoleGate(deps);
      // A client may ask for less memory than the server's cap, never more (more is capped).
      const maxMemoryBytes = Math.min(bounded(body.maxMemoryBytes, 'maxMemoryBytes', gate.limits.maxMemoryBytes, Number.MAX_SAFE_INTEGER), gate.limits.maxMemoryBytes);
      const limits = { maxRows, timeoutSeconds, maxMemoryBytes, maxResultBytes: gate.limits.maxResultBytes };
      const format = String(query.get('format') ?? body.format ?? 'json');
      if (format !== 'json' && format !== 'csv') throw badRequest(`format must be json or csv, not ${JSON.stringify(format)}`);
      const started = performance.now();
      let result;
      try {
        const sql = body.sql;
        result = await gate.run(clientAddress(req), () => deps.store.readonlySql(sql, limits));
      } catch (err) {
        if (err instanceof HttpError) throw err;
        const up = await storeUp(deps.store);
        if (!up.ok) throw new StoreUnavailable(`the store is not available: ${up.error ?? 'no answer'}`);
        // The store refused or ClickHouse rejected the query: the analyst's to fix.
        throw new HttpError(400, 'query-rejected', err instanceof Error ? err.message : String(err));
      }
      const elapsedMs = Math.round(performance.now() - started);
      if (format === 'csv') return sendCsv(res, 'query', result.rows, result.columns.map((c) => c.name));
      sendJson(res, 200, { ...result, maxRows, timeoutSeconds, maxMemoryBytes, elapsedMs });
    },
  },
];
