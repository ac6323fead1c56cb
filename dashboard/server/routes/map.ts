import { badRequest, sendList } from '../http.js';
import { timeRange } from '../params.js';
import { worldMap, type MapView } from '../queries.js';
import type { Route } from '../types.js';
import { helpersOf } from './context.js';

export const mapRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/map$/,
    async handle({ res, query, deps }) {
      const view = (query.get('view') ?? 'used-here') as MapView;
      if (view !== 'used-here' && view !== 'used-abroad') throw badRequest(`view must be used-here or used-abroad, not ${JSON.stringify(view)}`);
      const range = timeRange(query);
      const { run, cache } = helpersOf(deps);
      const countries = await cache.get(`map:${view}:${range.from}:${range.to}`, () => worldMap(run, view, range));
      sendList(res, query, `map-${view}`, countries, { view, from: range.from, to: range.to, countries });
    },
  },
];
