import { RIRS } from '../../../analyzer/models/registry.js';
import { badRequest, sendJson, sendList } from '../http.js';
import { intParam, regionValue, timeRange } from '../params.js';
import { matrixCell, matrixCells } from '../portability-queries.js';
import { cellOrigins, cellPrefixes } from '../event-queries.js';
import type { Route } from '../types.js';
import { familyParam, helpersOf } from './context.js';
import { resolveBuild } from './index-build.js';
import { named } from '../as-names.js';
import { scopeMeta, scopeParam } from './confidence.js';

const AXIS = [...RIRS, 'unknown'];

/** The matrix is one day of the index: a time range no longer applies to it. */
function refuseRange(query: URLSearchParams, what: string): void {
  if (query.has('from') || query.has('to')) throw badRequest(`the ${what} shows one day of the portability index: use ?date=YYYY-MM-DD (see GET /api/index/dates), not from/to`);
}

export const matrixRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/matrix$/,
    async handle({ res, query, deps }) {
      const family = familyParam(query);
      refuseRange(query, 'matrix');
      const scope = scopeParam(query);
      const { run, cache } = helpersOf(deps);
      const { build, meta } = await resolveBuild(deps, query);
      const cells = build ? await cache.get(`matrix:${scope}:${family}:${build.date}:${build.computed_at}`, () => matrixCells(run, build, family, scope)) : [];
      if (query.get('format') === 'csv') return sendList(res, query, `matrix-ipv${family}${scope === 'confirmed' ? '-confirmed' : ''}${build ? `-${build.date}` : ''}`, cells);
      const unit = family === 4 ? 'addresses' : '/48s';
      sendList(res, query, 'matrix', cells, { family, unit, ...meta, ...scopeMeta(build, scope), rirs: AXIS, regions: AXIS, cells });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/matrix\/cell$/,
    async handle({ res, query, deps }) {
      const family = familyParam(query);
      const rir = regionValue(query.get('rir'), 'rir');
      const region = regionValue(query.get('region'), 'region');
      const limit = intParam(query, 'limit', 200, 1, 10_000);
      const range = timeRange(query);
      const part = query.get('part');
      const scope = scopeParam(query);
      if (part !== null && part !== 'prefixes' && part !== 'origins') throw badRequest(`part must be prefixes or origins, not ${JSON.stringify(part)}`);
      const { run, cache } = helpersOf(deps);
      const key = `${family}:${rir}:${region}:${limit}:${range.from}:${range.to}`;
      const prefixes = () => cache.get(`cell-p:${key}`, () => cellPrefixes(run, family, rir, region, limit, range));
      const origins = () => cache.get(`cell-o:${key}`, () => cellOrigins(run, family, rir, region, limit, range));
      if (query.get('format') === 'csv') {
        const rows = named(deps, part === 'origins' ? (await origins()).rows : await prefixes());
        return sendList(res, query, `cell-${rir}-${region}-${part ?? 'prefixes'}`, rows);
      }
      const { build, meta } = await resolveBuild(deps, query);
      const [p, o, accounted] = await Promise.all([
        prefixes(),
        origins(),
        build ? cache.get(`cell-a:${scope}:${family}:${rir}:${region}:${build.date}:${build.computed_at}`, () => matrixCell(run, build, family, rir, region, 50, scope)) : null,
      ]);
      sendJson(res, 200, {
        rir,
        region,
        family,
        ...meta,
        ...scopeMeta(build, scope),
        // The cell of the index: routed space counted once per address, and the usage countries behind it.
        accounted: accounted && { unit: family === 4 ? 'addresses' : '/48s', addresses: accounted.addresses, countries: accounted.countries },
        // The announced prefixes behind the cell, each by its latest classification; `addresses`
        // there is each prefix's size (overlapping prefixes each count their whole size).
        prefixes_note: "prefixes and origins list the announced prefixes classified into this cell (latest classification); their addresses are each prefix's size, so overlapping prefixes are counted in full each time. The cell's routed space is `accounted`.",
        totals: o.totals,
        prefixes: named(deps, p),
        origins: named(deps, o.rows),
      });
    },
  },
];
