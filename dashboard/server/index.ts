import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT, httpLink, listensOnAll } from '../../common/defaults.js';
import { log } from '../../common/log.js';
import { projectRoot } from '../../common/paths.js';
import { startCompactor } from './compactor.js';
import { LiveFeed, type LiveFeedOptions } from './feed.js';
import { assertBindAllowed, authorize, type AuthOptions } from './auth.js';
import { HttpError, SECURITY_HEADERS, sendError } from './http.js';
import { setConsoleLimits, type ConsoleLimits } from './limits.js';
import { MethodNotAllowed, matchRoute } from './router.js';
import { apiRoutes } from './routes/index.js';
import { helpersOf } from './routes/context.js';
import { serveStatic } from './static.js';
import { handleSession } from './session.js';
import { StoreUnavailable, storePort, type DashboardStore } from './store-port.js';
import type { AnalysisParts, DashboardDeps, FeedHealth } from './types.js';
import type { AsNameLookup } from '../../analyzer/models/asnames.js';

export type { FeedHealth } from './types.js';
export { LiveFeed } from './feed.js';
export type { FeedItem, Publishable } from './feed-item.js';

export interface DashboardServerOptions {
  store: DashboardStore;
  /** Read on every request, so parts loaded after the start (an offline `run`) are used as soon as they exist. */
  analysis?: () => AnalysisParts | null;
  health?: () => FeedHealth;
  /** AS names shown beside AS numbers (API field `as_name`, `as_cc`) and searched by the search box. */
  asNames?: AsNameLookup | null;
  port?: number;
  host?: string;
  /** The built web UI (default: dashboard/web/dist of the package). */
  webRoot?: string;
  feed?: LiveFeedOptions;
  /** How long whole-table aggregates are reused (default 5000 ms). */
  cacheTtlMs?: number;
  /** How often the read models are merged with OPTIMIZE … FINAL (default 10 minutes; 0: only once at start). */
  compactEveryMs?: number;
  /** Operations endpoints (/metrics, /healthz) mounted first; answers true when it handled the request. */
  ops?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Bearer token (or the session cookie the web UI trades it for) for every API; required when `host` is not loopback (auth.ts). */
  apiToken?: string;
  /** With a token: GET/HEAD of pages, the live feed and read-only APIs are public. The SQL console never is. */
  publicPages?: boolean;
  /** SQL console limits: memory and result size per query, queries at once, rate per client (limits.ts). */
  consoleLimits?: Partial<ConsoleLimits>;
}

export interface DashboardServer {
  /** A link that works from this machine: the host as given, loopback when it listens on all addresses (common/defaults.ts: httpLink). */
  url: string;
  /** Listening on every address (0.0.0.0, ::): `url` is only the local link. */
  allAddresses: boolean;
  port: number;
  feed: LiveFeed;
  /** Forgets every cached aggregate (the next request asks the store). */
  clearCache(): void;
  /** Merges the read models now (or waits for the pass already running); see compactor.ts. */
  compactNow(): Promise<void>;
  close(): Promise<void>;
}

export const defaultWebRoot = (): string => join(projectRoot(), 'dashboard', 'web', 'dist');

/** Starts the dashboard's HTTP server: JSON API under /api, the live feed, and the web UI. */
export async function createDashboardServer(opts: DashboardServerOptions): Promise<DashboardServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const apiToken = opts.apiToken || undefined;
  assertBindAllowed(host, apiToken);
  const auth: AuthOptions = { token: apiToken, publicPages: opts.publicPages };
  const feed = new LiveFeed(opts.feed);
  const parts = () => opts.analysis?.() ?? null;
  const store = storePort(opts.store);
  const deps: DashboardDeps = {
    store,
    get registry() {
      return parts()?.registry;
    },
    get classifier() {
      return parts()?.classifier;
    },
    get geo() {
      return parts()?.geo;
    },
    health: opts.health,
    asNames: opts.asNames ?? null,
    feed,
    startedAt: Date.now() / 1000,
    cacheTtlMs: opts.cacheTtlMs,
  };
  setConsoleLimits(deps, opts.consoleLimits);
  const webRoot = opts.webRoot ?? defaultWebRoot();
  if (!existsSync(join(webRoot, 'index.html'))) log.warn({ webRoot }, 'web UI not built (run `npm run build`); serving the API only');

  const ops = opts.ops;
  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const path = pathOf(req.url);
    try {
      authorize(req, path, auth);
    } catch (err) {
      return sendError(res, err as HttpError);
    }
    if (handleSession(req, res, path, apiToken)) return;
    if (!ops) return void handle(req, res, deps, webRoot);
    void ops(req, res).then(
      (done) => (done ? undefined : handle(req, res, deps, webRoot)),
      (err: unknown) => log.error({ err, path: req.url }, 'operations endpoint failed'),
    );
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const compactor = startCompactor(store, { everyMs: opts.compactEveryMs ?? 10 * 60_000 });
  const { port } = server.address() as AddressInfo;
  return {
    url: httpLink(host, port),
    allAddresses: listensOnAll(host),
    port,
    feed,
    clearCache: () => helpersOf(deps).cache.clear(),
    compactNow: () => compactor.runNow(),
    close: async () => {
      await new Promise<void>((resolve) => {
        feed.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await compactor.stop();
    },
  };
}

const pathOf = (raw: string | undefined): string => {
  try {
    return new URL(raw ?? '/', 'http://localhost').pathname;
  } catch {
    return '/';
  }
};

async function handle(req: IncomingMessage, res: ServerResponse, deps: DashboardDeps, webRoot: string): Promise<void> {
  const started = performance.now();
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return sendError(res, new HttpError(400, 'bad-request', 'malformed request URL'));
  }
  try {
    if (url.pathname.startsWith('/api/') || url.pathname === '/api') {
      const found = matchRoute(apiRoutes, req.method ?? 'GET', url.pathname);
      if (!found) throw new HttpError(404, 'not-found', `no API endpoint ${url.pathname} (see GET /api for the list)`);
      await found.route.handle({ req, res, url, query: url.searchParams, params: found.params, deps });
    } else {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new MethodNotAllowed(['GET', 'HEAD']);
      if (!serveStatic(webRoot, req, res, url.pathname)) {
        throw new HttpError(404, 'not-found', existsSync(join(webRoot, 'index.html')) ? `no file ${url.pathname}` : 'the web UI is not built: run `npm run build`');
      }
    }
  } catch (err) {
    if (err instanceof MethodNotAllowed) res.setHeader('allow', err.allow.join(', '));
    if (err instanceof HttpError) sendError(res, err);
    else if (err instanceof StoreUnavailable) sendError(res, new HttpError(503, 'store-unavailable', err.message));
    else {
      log.error({ err, path: url.pathname }, 'dashboard request failed');
      sendError(res, new HttpError(500, 'internal', err instanceof Error ? err.message : String(err)));
    }
  } finally {
    log.debug({ method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
  }
}
