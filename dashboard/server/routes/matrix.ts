import { RIRS } from '../../../analyzer/models/registry.js';
import { badRequest, sendJson, sendList } from '../http.js';
import { intParam, regionValue, timeRange } from '../params.js';
import { cellOrigins, cellPrefixes, matrix } from '../queries.js';
import type { Route } from '../types.js';
import { familyParam, helpersOf } from './context.js';

const AXIS = [...RIRS, 'unknown'];

export const matrixRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/matrix$/,
    async handle({ res, query, deps }) {
      const family = familyParam(query);
      const range = timeRange(query);
      const { run, cache } = helpersOf(deps);
      const cells = await cache.get(`matrix:${family}:${range.from}:${range.to}`, () => matrix(run, family, range));
      if (query.get('format') === 'csv') return sendList(res, query, `matrix-ipv${family}`, cells);
      sendList(res, query, 'matrix', cells, { family, from: range.from, to: range.to, rirs: AXIS, regions: AXIS, cells });
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
      if (part !== null && part !== 'prefixes' && part !== 'origins') throw badRequest(`part must be prefixes or origins, not ${JSON.stringify(part)}`);
      const { run, cache } = helpersOf(deps);
      const key = `${family}:${rir}:${region}:${limit}:${range.from}:${range.to}`;
      const prefixes = () => cache.get(`cell-p:${key}`, () => cellPrefixes(run, family, rir, region, limit, range));
      const origins = () => cache.get(`cell-o:${key}`, () => cellOrigins(run, family, rir, region, limit, range));
      if (query.get('format') === 'csv') {
        const rows = part === 'origins' ? (await origins()).rows : await prefixes();
        return sendList(res, query, `cell-${rir}-${region}-${part ?? 'prefixes'}`, rows);
      }
      const [p, o] = await Promise.all([prefixes(), origins()]);
      sendJson(res, 200, { rir, region, family, totals: o.totals, prefixes: p, origins: o.rows });
    },
  },
];
