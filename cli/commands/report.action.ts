/**
 * `portolan report [--date D | --from A --to B] --out DIR`: the stored portability index as a
 * self-contained HTML report (report.html) with its data (index.csv, index.json). Rendering is
 * analyzer/report; this only reads the options, the store and writes the files.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommonOptions } from '../../common/config.js';
import { isDay } from '../../common/time.js';
import { reportHtml } from '../../analyzer/report/html.js';
import { loadReportData } from '../../analyzer/report/load.js';
import { SERIES_COLUMNS, reportJson, seriesCsvRows } from '../../analyzer/report/series.js';
import { action } from '../action.js';
import { UsageError } from '../errors.js';
import { render } from '../render.js';
import { loadAsNamesFor, openMigratedStore } from '../setup.js';
import { withReportAsNames } from '../../analyzer/report/names.js';

export interface ReportOptions extends CommonOptions {
  date?: string;
  from?: string;
  to?: string;
  out: string;
}

const BUILD_HINT = 'run `portolan index build FILE…` (or `portolan run`, which stores one each UTC midnight) first';

export const report = action(reportCommand);

async function reportCommand(opts: ReportOptions): Promise<void> {
  const range = reportRange(opts);
  // A report reads; it must not create an empty store where none is.
  if (!opts.clickhouse && !existsSync(resolve(opts.db))) throw new UsageError(`no store at ${opts.db}: ${BUILD_HINT}`);
  const store = await openMigratedStore(opts);
  let data;
  try {
    data = await loadReportData(store.client, range);
  } finally {
    await store.close();
  }
  if (!data) {
    const period = range.from && range.from === range.to ? `on ${range.from}` : range.from || range.to ? `from ${range.from ?? 'the first day'} to ${range.to ?? 'the last day'}` : 'in the store';
    throw new UsageError(`no portability index stored ${period}: ${BUILD_HINT}`, 1);
  }
  // Origin ASes with their names (--as-names, or asn.txt in the registry cache).
  data = withReportAsNames(data, loadAsNamesFor(opts));
  const dir = resolve(opts.out);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.html'), reportHtml(data));
  writeFileSync(join(dir, 'index.csv'), render('csv', [...SERIES_COLUMNS], seriesCsvRows(data.series)));
  writeFileSync(join(dir, 'index.json'), JSON.stringify(reportJson(data), null, 1) + '\n');
  process.stdout.write(`report ${data.from === data.to ? `for ${data.from}` : `for ${data.from} to ${data.to}`} (${data.days.length} day${data.days.length === 1 ? '' : 's'}) written to ${join(dir, 'report.html')}, index.csv, index.json\n`);
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
