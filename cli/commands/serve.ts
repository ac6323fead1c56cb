/**
 * `portolan serve`: the dashboard, its API, /metrics and /healthz over an existing store, with
 * no collector. The flags; the work is in serve.action.ts, loaded when it runs.
 */
import { Option, type Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../../common/defaults.js';
import { addAccessOptions } from '../access-options.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('dashboard, HTTP API, /metrics and /healthz over an existing store (no collector)')
    .addOption(new Option('--port <PORT>', 'TCP port').default(String(DEFAULT_PORT)).env('PORTOLAN_PORT'))
    .addOption(new Option('--host <HOST>', 'address to listen on').default(DEFAULT_HOST).env('PORTOLAN_HOST'))
    .addOption(commonOption('db'))
    .addOption(commonOption('clickhouse'))
    .addOption(commonOption('clickhouse-cluster'))
    .addOption(commonOption('raw-ttl-days'))
    .addOption(commonOption('rir-dir'))
    .addOption(commonOption('iana-dir'))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('geo'))
    .addOption(commonOption('rpki'))
    .addOption(commonOption('as-names'));
  addAccessOptions(cmd)
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./serve.action.js'), 'serve'));
}
