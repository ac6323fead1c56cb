/** `portolan registry stats|holders|import|diff|update`: the flags; the work is in registry.action.ts, loaded when a sub-command runs. */
import { Option, type Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { DEFAULT_MAX_AGE_DAYS } from '../../common/defaults.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  const registry = program
    .command('registry')
    .description('the RIR / IANA registry files: per-RIR totals, downloading them into the cache, the dated archive and diffs between dates');

  registry
    .command('stats')
    .description('per RIR: file date, record counts by type and status, delegated IPv4 addresses, IPv6 /48s and ASNs')
    .option('--json', 'print one JSON object instead of the table')
    .addOption(commonOption('rir-dir'))
    .addOption(commonOption('iana-dir'))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./registry.action.js'), 'stats'));

  registry
    .command('holders')
    .description('registered holders: the delegated-extended records grouped by the holder\'s opaque id (RIR, main country, records, IPv4 addresses, IPv6 /48s, ASNs), largest IPv4 space first; named after the holder\'s AS where the AS-name list knows it (the files carry no holder names)')
    .option('--rir <RIR>', 'only this RIR\'s holders')
    .option('--cc <CC>', 'only holders with records in this country')
    .option('--limit <N>', 'at most N holders (0: all)', '50')
    .option('--format <FORMAT>', 'table, csv or json (one object per line)', 'table')
    .addOption(commonOption('rir-dir'))
    .addOption(commonOption('iana-dir'))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('as-names'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./registry-holders.action.js'), 'holders'));

  registerArchive(registry);

  registry
    .command('update')
    .description('download the RIR delegated files, IANA registries, transfer logs and RIPE NCC\'s AS-name list (asn.txt) into the cache (conditional GET, MD5 check, atomic replace; the last good copy is kept on failure)')
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('log-level'))
    .option('--only <NAME...>', 'only these cache file names (e.g. delegated-arin-extended-latest)')
    .addOption(new Option('--base-url <URL>', 'fetch every file from <URL>/<name> (a mirror; tests)').hideHelp())
    .action(lazy(() => import('./registry.action.js'), 'update'));
}

function registerArchive(registry: Command): void {
  registry
    .command('import')
    .description('bring a folder of old registry files (delegated files, .gz or plain; transfer logs) into the archive under each file\'s own date')
    .argument('<DIR>', 'folder of delegated-<rir>-[extended-]latest[.gz] files')
    .requiredOption('--date <YYYY-MM-DD>', 'the day the folder was taken (files dated after it are refused; files without a date of their own take it)')
    .option('--allow-older', 'backfill: accept files older than the newest the archive holds for that RIR')
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./registry.action.js'), 'importDir'));

  registry
    .command('diff')
    .description('change events between two registry snapshots (archive dates or folders): added, removed, moved, status-, cc-, holder- and date-changed, with transfer-log matching')
    .option('--from <DATE>', 'archive snapshot: each RIR\'s newest archived file on or before DATE')
    .option('--to <DATE>', 'archive snapshot compared to')
    .option('--from-dir <DIR>', 'a folder of delegated files instead of --from')
    .option('--to-dir <DIR>', 'a folder of delegated files instead of --to')
    .option('--json', 'one JSON event per line')
    .option('--all-rirs', 'also compare RIRs present on one side only (their whole space becomes added or removed)')
    .option('--store', 'write the events into the store (table registry_changes), joined with the store\'s routing of both dates (registry_change_routing; the JSON events carry it)')
    .option('--max-age <DAYS>', 'warn when a RIR\'s file is more than DAYS older than its snapshot\'s date (stale: its later changes are not seen)', String(DEFAULT_MAX_AGE_DAYS))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('db'))
    .addOption(commonOption('clickhouse'))
    .addOption(commonOption('clickhouse-cluster'))
    .addOption(commonOption('raw-ttl-days'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./registry.action.js'), 'diff'));
}
