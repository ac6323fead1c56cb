/** `portolan geo compare`: its flags; the work is in geo.action.ts, loaded when it runs. */
import type { Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { DEFAULT_DB } from '../../common/defaults.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  const geo = program.command('geo').description('geolocation databases: how far they agree');
  geo
    .command('compare')
    .description('agreement of several geolocation databases by registering RIR and by country, over the prefixes in FILE… (one per line, first field; `-` for stdin; RouteViews prefix2as works) or the store\'s routed prefixes (--routed)')
    .argument('[FILE...]', 'prefix lists')
    .option('--db <FILE>', 'a database to compare (repeat; echo:FILE marks a registry echo); default: the --geo list', (v: string, all: string[] = []) => [...all, v])
    .option('--routed', "the store's announced prefixes (prefix_latest) instead of files")
    .option('--top <N>', 'countries listed (by located addresses)', '20')
    .option('--json', 'one JSON object instead of tables')
    .addOption(commonOption('geo'))
    .addOption(commonOption('rir-dir'))
    .addOption(commonOption('iana-dir'))
    .addOption(commonOption('cache-dir'))
    .option('--store <PATH>', 'with --routed: the embedded store folder (as --db elsewhere; here --db names databases)', DEFAULT_DB)
    .addOption(commonOption('clickhouse'))
    .addOption(commonOption('clickhouse-cluster'))
    .addOption(commonOption('raw-ttl-days'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./geo.action.js'), 'geoCompare'));
}
