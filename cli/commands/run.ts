/** `portolan run`: its flags; the job is in run.action.ts, loaded when it runs. */
import { Option, type Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../../common/defaults.js';
import { addAccessOptions } from '../access-options.js';
import { addFilterOptions, CONFIRMED_HELP } from '../filters.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('the main job: RIS Live (or --replay FILE…) → classifier → store, alerts and the dashboard')
    .option('--replay <FILE...>', 'read MRT or RIS Live JSONL files instead of RIS Live (a ws:// URL of a replay server works too)')
    .option('--record <FILE.jsonl>', 'also write every received RIS Live message to this JSONL file (readable by --replay and ingest)')
    .addOption(new Option('--hosts <LIST>', 'only these RIS collectors, comma-separated (e.g. rrc00,rrc01), to shard the feed over several collectors; `all` for every collector').env('PORTOLAN_HOSTS'))
    .addOption(new Option('--port <PORT>', 'port of the dashboard, API, /metrics and /healthz').default(String(DEFAULT_PORT)).env('PORTOLAN_PORT'))
    .addOption(new Option('--host <HOST>', 'address they listen on').default(DEFAULT_HOST).env('PORTOLAN_HOST'))
    .option('--no-dashboard', 'serve only /metrics and /healthz (a collector writing to a shared ClickHouse)')
    .option('--state <FILE>', 'prefix-state snapshot, restored at start and saved at exit (default: <db>.state); alert pairs go to <FILE>.alerts.json')
    .option('--snapshot-minutes <N>', 'also save the prefix state every N minutes (0: only at exit)', '15')
    .option('--index-minutes <N>', "the portability index: the day that ended at each UTC midnight, plus a provisional one of the current day every N minutes of event time and at exit (0: midnight and exit only)", '60')
    .option('--confirmed', CONFIRMED_HELP);
  addAccessOptions(addFilterOptions(cmd))
    .addOption(commonOption('rir-dir'))
    .addOption(commonOption('iana-dir'))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('geo'))
    .addOption(commonOption('rpki'))
    .addOption(commonOption('rpki-refresh'))
    .addOption(commonOption('db'))
    .addOption(commonOption('clickhouse'))
    .addOption(commonOption('clickhouse-cluster'))
    .addOption(commonOption('raw-ttl-days'))
    .addOption(commonOption('ris-live'))
    .addOption(commonOption('overload'))
    .addOption(commonOption('alerts'))
    .addOption(commonOption('as-names'))
    .addOption(commonOption('log-level'))
    .addHelpText(
      'after',
      `\nExamples:\n  portolan run                                   # RIS Live, embedded store, dashboard on :${DEFAULT_PORT}\n` +
        '  portolan run --replay updates.20240914.2230.bz2 --rir-dir ./rir\n' +
        '  portolan run --no-dashboard --clickhouse http://ch:8123 --hosts rrc00,rrc01\n',
    )
    .action(lazy(() => import('./run.action.js'), 'run'));
}
