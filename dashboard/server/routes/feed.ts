import { parseFeedFilter } from '../feed-filter.js';
import { sendList } from '../http.js';
import { intParam } from '../params.js';
import type { Route } from '../types.js';

export const feedRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/feed$/,
    handle({ req, res, query, deps }) {
      const filter = parseFeedFilter(query);
      const backlog = intParam(query, 'backlog', 50, 0, 1000);
      deps.feed.attach(req, res, filter, backlog);
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/feed\/recent$/,
    handle({ res, query, deps }) {
      const filter = parseFeedFilter(query);
      const limit = intParam(query, 'limit', 100, 1, 1000);
      const items = deps.feed.recent(filter, limit).reverse();
      if (query.get('format') === 'csv') {
        const rows = items.map((i) => ({
          id: i.id,
          type: i.type,
          time: i.time,
          prefix: i.finding.prefix,
          origin_asn: i.finding.originAsn,
          prefix_rir: i.finding.prefixRir,
          usage_region: i.finding.usageRegion,
          main_country: i.finding.mainCountry,
          kinds: i.finding.kinds.join(' '),
          severity: i.finding.severity,
          why: i.finding.why,
        }));
        return sendList(res, query, 'feed-recent', rows);
      }
      sendList(res, query, 'feed-recent', items);
    },
  },
];
