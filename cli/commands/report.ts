/** `portolan report`: its flags and the period check; the work is in report.action.ts, loaded when it runs. */
import type { Command } from 'commander';
import { commonOption, type CommonOptions } from '../../common/config.js';
import { isDay } from '../../common/time.js';
import { UsageError } from '../errors.js';
import { lazy } from '../lazy.js';

export interface ReportOptions extends CommonOptions {
  date?: string;
  from?: string;
  to?: string;
  out: string;
}

export const BUILD_HINT = 'run `portolan index build FILE…` (or `portolan run`, which stores one each UTC midnight) first';

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
    .addOption(commonOption('as-names'))
    .addOption(commonOption('cache-dir'))
    .addOption(commonOption('log-level'))
    .action(lazy(() => import('./report.action.js'), 'report'));
}

/** The period asked for: one day, a range, or (neither) every stored day. */
export function reportRange(opts: Pick<ReportOptions, 'date' | 'from' | 'to'>): { from?: string; to?: string } {
  for (const [flag, v] of [['--date', opts.date], ['--from', opts.from], ['--to', opts.to]] as const) {
    if (v !== undefined && !isDay(v)) throw new UsageError(`${flag} takes a day as YYYY-MM-DD (not "${v}")`);
  }
  if (opts.date !== undefined && (opts.from !== undefined || opts.to !== undefined)) throw new UsageError('--date and --from/--to exclude each other: give one day or a period');
  if (opts.from !== undefined && opts.to !== undefined && opts.from > opts.to) throw new UsageError(`--from ${opts.from} is after --to ${opts.to}`);
  return opts.date !== undefined ? { from: opts.date, to: opts.date } : { from: opts.from, to: opts.to };
}
