/** `portolan ingest FILE…`: its flags; the work is in ingest.action.ts, loaded when it runs. */
import { Option, type Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { fileListInput } from '../file-list.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  fileListInput(program.command('ingest'), 'MRT updates/RIB files or RIS Live JSONL captures (local paths or http(s) URLs)')
    .description('backfill MRT (raw, .gz, .bz2) or RIS Live JSONL files into the store; prints a summary')
    .option('--force', 'ingest files again even if the ledger says they are complete (stored events are still deduplicated)')
    .option('--continue', 'start from the routing state the last ingest into this store ended with, as if its files headed the list: files already ingested are skipped and not replayed (for a backfill kept up to date in several runs, e.g. from cron)')
    .option('--collector <NAME>', 'collector name for MRT elements (default: from the file path, rrcNN or route-views…; files whose path names none share the collector `unknown`)')
    .option('--json', 'print the summary as one JSON object')
    .option('--jobs <N>', 'worker threads, each reading every file for its share of the prefixes (the store and ledger stay with the main thread); the result is that of one job; a file read again (interrupted, --force) is redone with the jobs it was stored under', '1')
    .addOption(
      new Option('--rib-rows <FORM>', 'how RIB dump entries are stored: snapshot (one rib_snapshots row per prefix, origin and classification, the peers\' routes in arrays) or events (one route_events row each); the read models and readers of route events see the same either way')
        .choices(['snapshot', 'events'])
        .default('snapshot'),
    )
    .addOption(commonOption('rir-dir'))
    .addOption(commonOption('iana-dir'))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('geo'))
    .addOption(commonOption('rpki'))
    .addOption(commonOption('db'))
    .addOption(commonOption('clickhouse'))
    .addOption(commonOption('clickhouse-cluster'))
    .addOption(commonOption('raw-ttl-days'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./ingest.action.js'), 'ingest'));
}
