import { badRequest, sendJson, sendList } from '../http.js';
import { intParam } from '../params.js';
import { recentFindings } from '../event-queries.js';
import type { Route } from '../types.js';
import { helpersOf } from './context.js';
import { named } from '../as-names.js';

const MAX_ASNS = 500;

export const findingRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/findings\/recent$/,
    async handle({ res, query, deps }) {
      const limit = intParam(query, 'limit', 50, 1, 1000);
      const { run, cache } = helpersOf(deps);
      const { rows, storedEvents } = await cache.get(`findings-recent:${limit}`, () => recentFindings(run, limit));
      const note =
        storedEvents === 0
          ? 'No store yet: run `portolan ingest FILE` or `portolan run`.'
          : rows.length === 0
            ? 'The store has route events but no findings yet (no prefix was classified as a portability finding).'
            : null;
      sendList(res, query, 'findings-recent', named(deps, rows), { source: 'store', stored_events: storedEvents, note });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/asnames$/,
    handle({ res, query, deps }) {
      const asns = (query.get('asn') ?? '').split(',').filter(Boolean);
      if (asns.length > MAX_ASNS) throw badRequest(`at most ${MAX_ASNS} AS numbers per request`);
      const names: Record<string, { name: string; cc: string | null }> = {};
      for (const a of asns) {
        if (!/^\d{1,10}$/.test(a)) throw badRequest(`asn must be a comma-separated list of AS numbers, not ${JSON.stringify(a)}`);
        const n = deps.asNames?.get(Number(a));
        if (n) names[a] = { name: n.name, cc: n.cc };
      }
      sendJson(res, 200, { loaded: Boolean(deps.asNames), source: deps.asNames?.source ?? null, names });
    },
  },
];
