/**
 * `portolan index build|backfill|show`: the flags; the work is in portability-index.action.ts,
 * loaded when a sub-command runs.
 */
import type { Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { addFilterOptions, CONFIRMED_HELP } from '../filters.js';
import { fileListInput } from '../file-list.js';
import { lazy } from '../lazy.js';

/** The registry, geo and store flags that build and backfill share. */
const withDataOptions = (cmd: Command): Command =>
  (['rir-dir', 'iana-dir', 'cache-dir', 'geo', 'db', 'clickhouse', 'clickhouse-cluster', 'raw-ttl-days', 'log-level'] as const)
    .reduce((c, name) => c.addOption(commonOption(name)), cmd)
    .option('--no-prepared', 'neither read nor write the registry and the geo database\'s IPv4 runs as prepared for the accounting in <cache-dir>/prepared (keyed by the files\' content; a build on the same files skips parsing the registry and walking the database)');

export function register(program: Command): void {
  const index = program
    .command('index')
    .description('the daily portability index per RIR: build it from MRT files, show the stored series');

  const build = fileListInput(index.command('build'), 'MRT (raw, .gz, .bz2) or RIS Live JSONL files for one day (local paths or http(s) URLs)')
    .description(
      'one day\'s index from MRT RIB/updates or RIS Live JSONL files (applied in order; the table after the last element is measured), stored and printed. ' +
        'Routed space = announced prefixes within the length range, not IANA special-purpose, seen by at least --min-peers peers; each address counted once',
    )
    .option('--date <YYYY-MM-DD>', 'the UTC day the files describe (default: the day of the latest element)')
    .option('--json', 'print the index as one JSON object (date, params, ipv4, ipv6)')
    .option('--no-store', 'do not store the result')
    .option('--confirmed', CONFIRMED_HELP);
  withDataOptions(addFilterOptions(build)).action(lazy(() => import('./portability-index.action.js'), 'build'));

  const backfill = fileListInput(index.command('backfill'), 'MRT or JSONL files, several days (local paths or http(s) URLs)')
    .description('one index per day over many days: files are grouped by the date in their names (bview.20020722.2337.gz, rib.20140523.0600.bz2, …), each group built and stored like `index build`')
    .option('--confirmed', CONFIRMED_HELP);
  withDataOptions(addFilterOptions(backfill)).action(lazy(() => import('./portability-index.action.js'), 'backfill'));

  index
    .command('show')
    .description('the stored series: per day, family and RIR, the latest build of each day')
    .option('--from <YYYY-MM-DD>', 'first day')
    .option('--to <YYYY-MM-DD>', 'last day')
    .option('--family <4|6>', 'one family only')
    .option('-f, --format <FORMAT>', 'table, csv (RFC 4180) or json (one object per line)', 'table')
    .addOption(commonOption('db'))
    .addOption(commonOption('clickhouse'))
    .addOption(commonOption('clickhouse-cluster'))
    .addOption(commonOption('raw-ttl-days'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./portability-index.action.js'), 'show'));
}
