import type { DashboardDeps } from '../types.js';
import type { QueryRunner } from '../query-types.js';
import { TtlCache } from '../cache.js';
import { badRequest } from '../http.js';

/** Per-server helpers shared by the routes: the query runner and the aggregate cache. */
export interface RouteHelpers {
  run: QueryRunner;
  cache: TtlCache;
}

const helpers = new WeakMap<DashboardDeps, RouteHelpers>();

export function helpersOf(deps: DashboardDeps): RouteHelpers {
  let h = helpers.get(deps);
  if (!h) {
    h = { run: deps.store.query, cache: new TtlCache(deps.cacheTtlMs ?? 5000) };
    helpers.set(deps, h);
  }
  return h;
}

export const familyParam = (q: URLSearchParams): 4 | 6 => {
  const v = q.get('family');
  if (v === null || v === '' || v === '4') return 4;
  if (v === '6') return 6;
  throw badRequest(`family must be 4 or 6, not ${JSON.stringify(v)}`);
};
