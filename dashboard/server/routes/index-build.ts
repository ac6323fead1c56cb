import { isDay } from '../../../common/time.js';
import { badRequest, notFound } from '../http.js';
import { readIndexDates } from '../../../analyzer/store/portability.js';
import { latestBuild, metaOf, type IndexBuild, type IndexMeta } from '../portability-queries.js';
import type { DashboardDeps } from '../types.js';
import { helpersOf } from './context.js';

/** A `YYYY-MM-DD` parameter (null when absent); anything else is a 400 naming it. */
export function dayParam(query: URLSearchParams, name: string): string | null {
  const v = query.get(name);
  if (v === null || v === '') return null;
  if (!isDay(v)) throw badRequest(`${name} must be a day as YYYY-MM-DD, not ${JSON.stringify(v)}`);
  return v;
}

/**
 * The index build an index-backed view reads: `?date=` (404 when that day has no index), else
 * the latest stored day; null when no index is stored at all. `meta` says what it describes.
 */
export async function resolveBuild(deps: DashboardDeps, query: URLSearchParams): Promise<{ build: IndexBuild | null; meta: IndexMeta }> {
  const { run, cache } = helpersOf(deps);
  const asked = dayParam(query, 'date');
  const dates = await cache.get('index:dates', () => readIndexDates(run));
  if (!dates.length) return { build: null, meta: metaOf(null, dates) };
  if (asked !== null && !dates.includes(asked)) {
    throw notFound(`no index stored for ${asked}; stored days: ${dates.slice(0, 10).join(', ')}${dates.length > 10 ? ', …' : ''} (see GET /api/index/dates)`);
  }
  const date = asked ?? dates[0];
  const build = await cache.get(`index:build:${date}`, () => latestBuild(run, date));
  return { build, meta: metaOf(build, dates) };
}
