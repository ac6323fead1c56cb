import { sendJson } from '../http.js';
import { storeUp } from '../store-port.js';
import type { Route } from '../types.js';

export const healthRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/health$/,
    async handle({ res, deps }) {
      const started = performance.now();
      const store = await storeUp(deps.store);
      const pingMs = Math.round((performance.now() - started) * 10) / 10;
      let feed = null;
      let feedError: string | undefined;
      try {
        feed = deps.health ? deps.health() : null;
      } catch (err) {
        feedError = err instanceof Error ? err.message : String(err);
      }
      sendJson(res, store.ok ? 200 : 503, {
        feed,
        feedNote: deps.health ? feedError : 'no collector in this process (portolan serve shows a stored data set; portolan run has a live feed)',
        live: deps.feed.stats(),
        store: { ok: store.ok, error: store.error, pingMs },
        uptimeSeconds: Math.round(Date.now() / 1000 - deps.startedAt),
      });
    },
  },
];
