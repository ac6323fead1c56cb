/**
 * `portolan serve`: the dashboard, its API, /metrics and /healthz over an existing store, with
 * no collector. Registry and geolocation are optional: pages that need them say what is missing.
 */
import { createMetrics, handleOpsRequest, probeHealth } from '../../analyzer/metrics/index.js';
import { createDashboardServer } from '../../dashboard/server/index.js';
import { assertBindAllowed } from '../../dashboard/server/auth.js';
import { consoleLimitsFromFlags } from '../../dashboard/server/limits.js';
import type { CommonOptions } from '../../common/config.js';
import { log } from '../../common/log.js';
import { onShutdown } from '../../common/shutdown.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { loadAnalysis, loadAsNamesFor, loadVrpsOrWarn, openMigratedStore, parsePort } from '../setup.js';

interface ServeOptions extends CommonOptions {
  port: string;
  host: string;
}

export const serve = action(async (opts: ServeOptions) => {
  const port = parsePort(opts.port);
  let consoleLimits;
  try {
    assertBindAllowed(opts.host, opts.apiToken);
    consoleLimits = consoleLimitsFromFlags(opts);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const asNames = loadAsNamesFor(opts);
  const store = await openMigratedStore(opts);
  onShutdown('store', () => store.close());
  // VRPs apart from the registry and geo: a bad --rpki file costs the ROV state, not the analysis, and the warning names it.
  const vrps = await loadVrpsOrWarn(opts.rpki);
  const analysis = await loadAnalysis(opts, vrps).catch((err: unknown) => {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'registry or geolocation not loaded; the pages that need them will say so');
    return undefined;
  });
  const metrics = createMetrics();
  const ops = { metrics, health: () => probeHealth({ ping: () => store.ping() }) };
  const server = await createDashboardServer({
    store,
    analysis: () => analysis ?? null,
    asNames,
    port,
    host: opts.host,
    apiToken: opts.apiToken,
    publicPages: opts.publicPages,
    consoleLimits,
    ops: (req, res) => handleOpsRequest(req, res, ops),
  });
  onShutdown('dashboard', () => server.close());
  process.stdout.write(`portolan dashboard on ${server.url}${server.allAddresses ? ' (listening on all addresses)' : ''}\n`);
});
