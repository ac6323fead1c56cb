/** `portolan query`: its flags; the work is in query.action.ts, loaded when it runs. */
import { Option, type Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { DEFAULT_HOST, DEFAULT_PORT, httpLink } from '../../common/defaults.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('query')
    .description('analyst queries against the store: SQL (read-only) or a named query')
    .argument('[sql]', 'a SELECT query (runs read-only)')
    .option('-n, --name <NAME>', 'run a named query (see --list)')
    .option('-p, --param <k=v>', 'named-query parameter, repeatable', (v: string, prev: string[]) => [...prev, v], [])
    .option('--list', 'list the named queries and their parameters')
    .option('-f, --format <FORMAT>', 'table, csv (RFC 4180) or json (one object per line)', 'table')
    .option('--max-rows <N>', 'SQL: rows returned at most', '10000')
    .option('--timeout <SECONDS>', 'SQL: ClickHouse max_execution_time', '60')
    .addOption(commonOption('query-memory'))
    .addOption(commonOption('api-token'))
    .addOption(
      new Option('--server <URL>', 'a running `portolan run`/`serve` to ask when it holds the embedded store')
        .default(httpLink(DEFAULT_HOST, DEFAULT_PORT))
        .env('PORTOLAN_SERVER'),
    )
    .addOption(commonOption('db'))
    .addOption(commonOption('clickhouse'))
    .addOption(commonOption('clickhouse-cluster'))
    .addOption(commonOption('raw-ttl-days'))
    .addOption(commonOption('as-names'))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./query.action.js'), 'query'));
}
