import { RIRS } from '../../../analyzer/models/registry.js';
import { isDay } from '../../../common/time.js';
import { badRequest, sendList } from '../http.js';
import { countryList, intParam, listParam, rirList } from '../params.js';
import { CHANGE_KINDS, flowCells, flowsByYear, NO_CHANGES_MESSAGE, recentChanges, staleFiles, storedChanges } from '../registry-change-queries.js';
import type { Route } from '../types.js';
import { helpersOf } from './context.js';

const dayParam = (query: URLSearchParams, name: string): string | null => {
  const v = query.get(name);
  if (v === null || v === '') return null;
  if (!isDay(v)) throw badRequest(`${name} must be a date YYYY-MM-DD, not ${JSON.stringify(v)}`);
  return v;
};

const boolParam = (query: URLSearchParams, name: string): boolean => {
  const v = query.get(name);
  if (v === null || v === '' || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  throw badRequest(`${name} must be 1 or 0, not ${JSON.stringify(v)}`);
};

const changeKinds = (query: URLSearchParams): string[] =>
  listParam(query, 'kind').map((k) => {
    if (!(CHANGE_KINDS as readonly string[]).includes(k)) throw badRequest(`kind must be one of ${CHANGE_KINDS.join(', ')}, not ${JSON.stringify(k)}`);
    return k;
  });

const changeFamily = (query: URLSearchParams): 'ipv4' | 'ipv6' => {
  const v = query.get('family');
  if (v === null || v === '' || v === '4' || v === 'ipv4') return 'ipv4';
  if (v === '6' || v === 'ipv6') return 'ipv6';
  throw badRequest(`family must be 4 or 6, not ${JSON.stringify(v)}`);
};

/** GET /api/registry-changes and /api/registry-changes/flows: the stored registry diff events (issue 14). */
export const registryChangeRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/registry-changes$/,
    async handle({ res, query, deps }) {
      const filter = {
        kinds: changeKinds(query),
        rirs: rirList(query),
        countries: countryList(query, 'cc'),
        from: dayParam(query, 'from'),
        to: dayParam(query, 'to'),
        routed: boolParam(query, 'routed'),
        limit: intParam(query, 'limit', 200, 1, 10_000),
      };
      if (filter.from && filter.to && filter.from > filter.to) throw badRequest(`from (${filter.from}) must not be after to (${filter.to})`);
      const { run, cache } = helpersOf(deps);
      const key = JSON.stringify(filter);
      const [stored, rows, stale] = await Promise.all([
        cache.get('registry-changes:stored', () => storedChanges(run)),
        cache.get(`registry-changes:${key}`, () => recentChanges(run, filter)),
        cache.get(`registry-changes:stale:${filter.from}:${filter.to}`, () => staleFiles(run, filter)),
      ]);
      sendList(res, query, 'registry-changes', rows, { stored_events: stored, filter, kinds: CHANGE_KINDS, rirs: RIRS, stale_files: stale, note: stored === 0 ? NO_CHANGES_MESSAGE : null });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/registry-changes\/flows$/,
    async handle({ res, query, deps }) {
      const family = changeFamily(query);
      const { run, cache } = helpersOf(deps);
      const [stored, cells] = await Promise.all([cache.get('registry-changes:stored', () => storedChanges(run)), cache.get(`registry-changes:flows:${family}`, () => flowCells(run, family))]);
      sendList(res, query, `registry-flows-${family}`, cells, {
        family,
        unit: family === 'ipv4' ? 'addresses' : '/48s',
        rirs: RIRS,
        years: flowsByYear(cells),
        stored_events: stored,
        note: stored === 0 ? NO_CHANGES_MESSAGE : null,
      });
    },
  },
];
