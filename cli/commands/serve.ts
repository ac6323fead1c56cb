import type { Command } from 'commander';
import { Option } from 'commander';
import { commonOption, type CommonOptions } from '../../common/config.js';
import { log } from '../../common/log.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { openStore } from '../../analyzer/store/index.js';
import { createDashboardServer } from '../../dashboard/server/index.js';
import { loadRegistry } from '../../analyzer/registry/index.js';
import { openGeo } from '../../analyzer/geo/index.js';

interface ServeOptions extends CommonOptions {
  port: string;
  host: string;
}

/** Loads an optional part; on failure the dashboard runs without it and its pages say so. */
async function tryLoad<T>(what: string, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, `${what} not loaded; its parts of the dashboard will say so`);
    return undefined;
  }
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('dashboard and HTTP API over an existing store (no collector)')
    .addOption(new Option('--port <PORT>', 'TCP port').default('8080'))
    .addOption(new Option('--host <HOST>', 'address to listen on').default('127.0.0.1'))
    .addOption(commonOption('db'))
    .addOption(commonOption('clickhouse'))
    .addOption(commonOption('rir-dir'))
    .addOption(commonOption('iana-dir'))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('geo'))
    .addOption(commonOption('log-level'))
    .action(
      action(async (opts: ServeOptions) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, not ${opts.port}`);
        const store = await openStore({ db: opts.db, clickhouse: opts.clickhouse });
        await store.migrate();
        // Registry and geo are optional: each module is loaded only if present and working.
        const registry = await tryLoad('registry', () => loadRegistry({ rirDir: opts.rirDir, ianaDir: opts.ianaDir, cacheDir: opts.cacheDir }));
        const geo = await tryLoad('geolocation', () => openGeo(opts.geo));
        const server = await createDashboardServer({ store, registry, geo, port, host: opts.host });
        process.stdout.write(`portolan dashboard on ${server.url}\n`);
        await new Promise<void>((resolve) => {
          const stop = (signal: string): void => {
            log.info({ signal }, 'stopping the dashboard');
            resolve();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await server.close();
        await store.close();
      }),
    );
}
