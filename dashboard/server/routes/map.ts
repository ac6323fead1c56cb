import { badRequest, sendList } from '../http.js';
import { mapCountries, type IndexMapView } from '../portability-queries.js';
import type { Route } from '../types.js';
import { familyParam, helpersOf } from './context.js';
import { resolveBuild } from './index-build.js';
import { scopeMeta, scopeParam } from './confidence.js';

export const mapRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/map$/,
    async handle({ res, query, deps }) {
      const view = (query.get('view') ?? 'used-here') as IndexMapView;
      if (view !== 'used-here' && view !== 'used-abroad') throw badRequest(`view must be used-here or used-abroad, not ${JSON.stringify(view)}`);
      if (query.has('from') || query.has('to')) throw badRequest('the map shows one day of the portability index: use ?date=YYYY-MM-DD (see GET /api/index/dates), not from/to');
      const family = familyParam(query);
      const scope = scopeParam(query);
      const { run, cache } = helpersOf(deps);
      const { build, meta } = await resolveBuild(deps, query);
      const countries = build ? await cache.get(`map:${scope}:${view}:${family}:${build.date}:${build.computed_at}`, () => mapCountries(run, build, view, family, scope)) : [];
      sendList(res, query, `map-${view}${scope === 'confirmed' ? '-confirmed' : ''}${build ? `-${build.date}` : ''}`, countries, { view, family, unit: family === 4 ? 'addresses' : '/48s', ...meta, ...scopeMeta(build, scope), countries });
    },
  },
];
