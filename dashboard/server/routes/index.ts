import { sendJson } from '../http.js';
import type { Route } from '../types.js';
import { feedRoutes } from './feed.js';
import { findingRoutes } from './findings.js';
import { healthRoutes } from './health.js';
import { historyRoutes } from './history.js';
import { holderRoutes } from './holders.js';
import { indexRoutes } from './index-api.js';
import { mapRoutes } from './map.js';
import { matrixRoutes } from './matrix.js';
import { namedRoutes } from './named.js';
import { pageRoutes } from './pages.js';
import { registryChangeRoutes } from './registry-changes.js';
import { searchRoutes } from './search.js';
import { sqlRoutes } from './sql.js';
import { summaryRoutes } from './summary.js';
import { topRoutes } from './top.js';

const ENDPOINTS = [
  'GET /api/summary',
  'GET /api/index?from=YYYY-MM-DD&to=YYYY-MM-DD&family=4|6&format=csv',
  'GET /api/index/dates',
  'GET /api/index/{YYYY-MM-DD}',
  'GET /api/matrix?family=4|6&date=YYYY-MM-DD&format=csv',
  'GET /api/matrix/cell?rir=&region=&family&date&limit&from&to&part=prefixes|origins&format=csv',
  'GET /api/map?view=used-here|used-abroad&family&date&format=csv',
  'GET /api/top/{origins|prefixes|holders|countries}?from&to&limit&kind&format=csv',
  'GET /api/prefix/{addr}/{len}',
  'GET /api/ip/{addr}',
  'GET /api/asn/{asn}',
  'GET /api/country/{cc}?family&date',
  'GET /api/history/prefix/{addr}/{len} (origins, visibility and findings over time)',
  'GET /api/history/asn/{asn} (announced space by registering RIR per day)',
  'GET /api/history/country/{cc}?family (space used there by registering RIR per day, from the index)',
  'GET /api/holders?rir&cc&q&limit&format=csv (registered holders: opaque id, RIR, cc, registered and announced space, name via the holder\'s AS)',
  'GET /api/holders/{rir}/{id} (a holder\'s records and announced prefixes)',
  'GET /api/search?q=',
  'GET /api/health',
  'GET /api/feed?rir&kind&country&asn&severity&backlog (text/event-stream)',
  'GET /api/feed/recent?…&format=csv',
  'GET /api/findings/recent?limit&format=csv (stored finding events, newest first)',
  'GET /api/asnames?asn=3333,13335',
  'GET /api/registry-changes?kind&rir&cc&limit&from&to&format=csv (stored registry diff events, newest snapshot first)',
  'GET /api/registry-changes/flows?family=4|6&format=csv (inter-RIR moved space per year, net flow per RIR)',
  'POST /api/sql {sql, maxRows, timeoutSeconds} (?format=csv)',
  'POST /api/session (with the bearer token: sets the web UI session cookie) · POST /api/session/end',
  'GET /api/queries',
  'GET /api/queries/{name}?params&format=csv',
];

const indexRoute: Route = {
  method: 'GET',
  pattern: /^\/api\/?$/,
  handle({ res }) {
    sendJson(res, 200, { endpoints: ENDPOINTS, docs: 'README.md, section HTTP API' });
  },
};

export const apiRoutes: Route[] = [indexRoute, ...summaryRoutes, ...indexRoutes, ...matrixRoutes, ...mapRoutes, ...topRoutes, ...pageRoutes, ...historyRoutes, ...holderRoutes, ...searchRoutes, ...healthRoutes, ...feedRoutes, ...findingRoutes, ...sqlRoutes, ...namedRoutes, ...registryChangeRoutes];
