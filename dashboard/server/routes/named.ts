import { HttpError, notFound, sendList } from '../http.js';
import { StoreUnavailable } from '../store-port.js';
import type { Route } from '../types.js';

export const namedRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/queries$/,
    handle({ res, query, deps }) {
      const queries = deps.store.namedQueries();
      sendList(res, query, 'queries', queries, { queries });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/queries\/(?<name>[\w-]+)$/,
    async handle({ res, query, params, deps }) {
      const known = deps.store.namedQueries();
      if (!known.some((q) => q.name === params.name)) throw notFound(`no named query ${JSON.stringify(params.name)}; see GET /api/queries`);
      const args: Record<string, string> = {};
      for (const [k, v] of query) if (k !== 'format') args[k] = v;
      let result;
      try {
        result = await deps.store.namedQuery(params.name, args);
      } catch (err) {
        if (err instanceof StoreUnavailable) throw err;
        throw new HttpError(400, 'query-rejected', err instanceof Error ? err.message : String(err));
      }
      sendList(res, query, params.name, result.rows, { name: params.name, columns: result.columns });
    },
  },
];
