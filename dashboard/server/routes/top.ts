import { notFound, sendList } from '../http.js';
import { intParam, kindList, timeRange } from '../params.js';
import { top, type TopList } from '../event-queries.js';
import type { Route } from '../types.js';
import { familyParam, helpersOf } from './context.js';
import { named } from '../as-names.js';

const LISTS: TopList[] = ['origins', 'prefixes', 'holders', 'countries'];

export const topRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/top\/(?<list>[^/]+)$/,
    async handle({ res, query, params, deps }) {
      const list = params.list as TopList;
      if (!LISTS.includes(list)) throw notFound(`no top list ${JSON.stringify(params.list)}; lists: ${LISTS.join(', ')}`);
      const range = timeRange(query);
      const limit = intParam(query, 'limit', 50, 1, 10_000);
      const kinds = kindList(query);
      const family = familyParam(query);
      const { run, cache } = helpersOf(deps);
      const rows = await cache.get(`top:${list}:${family}:${range.from}:${range.to}:${limit}:${kinds.join(',')}`, () => top(run, list, range, limit, kinds, family));
      const unit = family === 4 ? 'addresses' : '/48s';
      sendList(res, query, `top-${list}`, named(deps, rows), { list, family, unit, counted: 'each address once per row (the union of its prefixes)', from: range.from, to: range.to, kinds });
    },
  },
];
