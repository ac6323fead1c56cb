import { sendJson } from '../http.js';
import { summary } from '../event-queries.js';
import type { Route } from '../types.js';
import { helpersOf } from './context.js';

export const summaryRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/summary$/,
    async handle({ res, deps }) {
      const { run, cache } = helpersOf(deps);
      const s = await cache.get('summary', () => summary(run));
      sendJson(res, 200, { ...s, feed: deps.feed.stats() });
    },
  },
];
