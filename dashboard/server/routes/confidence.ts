import { badRequest } from '../http.js';
import type { GeoScope, IndexBuild } from '../portability-queries.js';

/** `confidence` of the index-backed views: `all` (default) or `confirmed`; anything else is a 400 naming it. */
export function scopeParam(query: URLSearchParams): GeoScope {
  const v = query.get('confidence');
  if (v === null || v === '' || v === 'all') return 'all';
  if (v === 'confirmed') return 'confirmed';
  throw badRequest(`confidence must be all or confirmed, not ${JSON.stringify(v)}`);
}

export const NO_CONFIRMED_MESSAGE =
  'This day has no confirmed-only count: build it with `portolan index build --confirmed --geo A.mmdb,B.mmdb …` (two or more independent databases). Builds made before store migration 9 cannot be recounted.';

/** What a response says about its scope; `available` false when the build has no confirmed count (its cells are then empty). */
export function scopeMeta(build: IndexBuild | null, scope: GeoScope): { confidence: GeoScope; confirmed_available: boolean; message?: string } {
  const available = Boolean(build?.params.geo_agreement);
  if (scope === 'confirmed' && build && !available) return { confidence: scope, confirmed_available: false, message: NO_CONFIRMED_MESSAGE };
  return { confidence: scope, confirmed_available: available };
}
