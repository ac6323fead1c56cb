import { badRequest, notFound, sendJson, sendList } from '../http.js';
import { readIndexDates, readIndexSeries, readPortabilityIndex } from '../../../analyzer/store/portability.js';
import { latestBuild, metaOf } from '../portability-queries.js';
import type { Route } from '../types.js';
import { helpersOf } from './context.js';
import { dayParam } from './index-build.js';
import { readConfirmedSeries } from '../../../analyzer/store/portability-confirmed.js';
import { NO_CONFIRMED_MESSAGE, scopeParam } from './confidence.js';

/** `family` of the index endpoints: 4, 6, or both when absent. */
function familyFilter(query: URLSearchParams): 4 | 6 | null {
  const v = query.get('family');
  if (v === null || v === '') return null;
  if (v === '4' || v === '6') return Number(v) as 4 | 6;
  throw badRequest(`family must be 4 or 6, not ${JSON.stringify(v)}`);
}

export const indexRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/index$/,
    async handle({ res, query, deps }) {
      const from = dayParam(query, 'from');
      const to = dayParam(query, 'to');
      if (from !== null && to !== null && from > to) throw badRequest(`from (${from}) is after to (${to})`);
      const family = familyFilter(query);
      const { run, cache } = helpersOf(deps);
      if (scopeParam(query) === 'confirmed') {
        // The confirmed-only count: space figures per day, family and RIR (no prefix counts or origins).
        const c = await cache.get(`index:confirmed:${from}:${to}`, () => readConfirmedSeries(run, { from, to }));
        const rows = family === null ? c.rows : c.rows.filter((r) => r.family === family);
        if (query.get('format') === 'csv') return sendList(res, query, 'portability-index-confirmed', rows);
        const last = rows.length ? rows[rows.length - 1].date : null;
        const build = last === null ? null : await cache.get(`index:build:${last}`, () => latestBuild(run, last));
        const dates = await cache.get('index:dates', () => readIndexDates(run));
        const meta = metaOf(build, dates);
        if (dates.length) delete meta.message;
        const note = c.without.length ? { days_without_confirmed: c.without, message: NO_CONFIRMED_MESSAGE } : { days_without_confirmed: [] };
        return sendJson(res, 200, { from, to, family, confidence: 'confirmed', ...meta, ...note, params: build?.params ?? null, rows });
      }
      const series = await cache.get(`index:series:${from}:${to}`, () => readIndexSeries(run, { from, to }));
      const rows = family === null ? series : series.filter((r) => r.family === family);
      const dates = await cache.get('index:dates', () => readIndexDates(run));
      const last = rows.length ? rows[rows.length - 1].date : null;
      const build = last === null ? null : await cache.get(`index:build:${last}`, () => latestBuild(run, last));
      const meta = metaOf(build, dates);
      if (dates.length) delete meta.message; // stored days, none in the range
      if (query.get('format') === 'csv') {
        return sendList(res, query, 'portability-index', rows.map(({ prefixes, ...r }) => ({ ...r, prefixes_routed: prefixes.routed, prefixes_geolocated: prefixes.geolocated, prefixes_in_region: prefixes.in_region, prefixes_out_of_region: prefixes.out_of_region })));
      }
      sendJson(res, 200, { from, to, family, ...meta, params: build?.params ?? null, rows });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/index\/dates$/,
    async handle({ res, query, deps }) {
      const { run, cache } = helpersOf(deps);
      const dates = await cache.get('index:dates', () => readIndexDates(run));
      sendList(res, query, 'index-dates', dates.map((date) => ({ date })), { dates, ...(dates.length ? {} : { message: metaOf(null, dates).message }) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/index\/(?<date>[^/]+)$/,
    async handle({ res, params, deps }) {
      const date = dayParam(new URLSearchParams({ date: params.date }), 'date') as string;
      const { run, cache } = helpersOf(deps);
      const index = await cache.get(`index:day:${date}`, () => readPortabilityIndex(run, date));
      if (!index) throw notFound(`no index stored for ${date} (see GET /api/index/dates)`);
      sendJson(res, 200, index);
    },
  },
];
