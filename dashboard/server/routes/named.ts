import { HttpError, notFound, sendList } from '../http.js';
import { toResult } from '../store-port.js';
import { guarded } from '../store-port.js';
import type { Route } from '../types.js';

interface NamedQueryInfo {
  name: string;
  [key: string]: unknown;
}

/** The store's named queries as a list of `{ name, … }` whatever shape the store returns. */
export function listNamed(answer: unknown): NamedQueryInfo[] {
  const list = answer instanceof Map ? [...answer.values()] : Array.isArray(answer) ? answer : answer && typeof answer === 'object' ? Object.entries(answer).map(([name, v]) => ({ name, ...(typeof v === 'object' ? v : { sql: v }) })) : [];
  return list.map((q) => (typeof q === 'string' ? { name: q } : (q as NamedQueryInfo)));
}

export const namedRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/queries$/,
    handle({ res, query, deps }) {
      const queries = listNamed(deps.store.namedQueries());
      sendList(res, query, 'queries', queries, { queries });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/queries\/(?<name>[\w-]+)$/,
    async handle({ res, query, params, deps }) {
      const known = listNamed(deps.store.namedQueries());
      if (!known.some((q) => q.name === params.name)) throw notFound(`no named query ${JSON.stringify(params.name)}; see GET /api/queries`);
      const args: Record<string, string> = {};
      for (const [k, v] of query) if (k !== 'format') args[k] = v;
      let result;
      try {
        result = toResult(await guarded(deps.store, () => deps.store.namedQuery(params.name, args)));
      } catch (err) {
        if (err instanceof Error && err.name === 'StoreUnavailable') throw err;
        throw new HttpError(400, 'query-rejected', err instanceof Error ? err.message : String(err));
      }
      sendList(res, query, params.name, result.rows, { name: params.name, columns: result.columns });
    },
  },
];
