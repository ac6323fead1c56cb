/** `portolan report`: its flags; the period check and the work are in report.action.ts, loaded when it runs. */
import type { Command } from 'commander';
import { commonOption } from '../../common/config.js';
import { lazy } from '../lazy.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('the stored portability index as a self-contained HTML report (report.html, print-ready, no external requests) with its data (index.csv, index.json); default: every stored day')
    .option('--date <YYYY-MM-DD>', 'one day')
    .option('--from <YYYY-MM-DD>', 'first day of the period')
    .option('--to <YYYY-MM-DD>', 'last day of the period')
    .requiredOption('--out <DIR>', 'folder to write report.html, index.csv and index.json into (created if missing)')
    .addOption(commonOption('db'))
    .addOption(commonOption('clickhouse'))
    .addOption(commonOption('clickhouse-cluster'))
    .addOption(commonOption('raw-ttl-days'))
    .addOption(commonOption('as-names'))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./report.action.js'), 'report'));
}
