/**
 * `GET /metrics` and `GET /healthz` as a plain node:http handler, so the dashboard server and a
 * dashboard-less `portolan run` mount the same thing. Returns false for any other path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '../../common/log.js';
import { computeHealth, type HealthInput } from './health.js';
import type { Metrics } from './metrics.js';

export interface OpsHandlerDeps {
  metrics: Metrics;
  /** Gathers the health inputs at request time (ping the store with `pingWithin`, read the source). */
  health: () => HealthInput | Promise<HealthInput>;
}

const OPS_PATHS = new Set(['/metrics', '/healthz']);

export async function handleOpsRequest(req: IncomingMessage, res: ServerResponse, deps: OpsHandlerDeps): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (!OPS_PATHS.has(path)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end(`${req.method} not allowed on ${path}\n`);
    return true;
  }
  try {
    if (path === '/metrics') {
      const text = await deps.metrics.scrape();
      res.writeHead(200, { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    } else {
      const { httpStatus, body } = computeHealth(await deps.health());
      res.writeHead(httpStatus, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body) + '\n');
    }
  } catch (err) {
    log.error({ path, err: (err as Error).message }, 'ops endpoint failed');
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${path} failed: ${(err as Error).message}\n`);
  }
  return true;
}
