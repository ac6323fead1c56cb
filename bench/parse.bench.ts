/**
 * MRT parser throughput on the largest real files: in-process elements/s and MB/s (the full
 * decode into elements, as ingest reads; the text `parse` prints, clean BGP4MP records written
 * straight from their bytes), then `portolan parse --format bgpdump` and `--format jsonl`
 * against `bgpdump -m`, all to /dev/null, same run (issue 13's aim: at most 1.0× bgpdump's wall
 * time, start-up included).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readMrtRecords, recordToElems } from '../collector/mrt/index.js';
import { printMrt, type TextFormat } from '../collector/text/print.js';
import { projectRoot } from '../common/paths.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { report } from './report.js';

const FILES = [
  'bgpkit-example/updates.20240914.2230.bz2',
  'bgpstream-testdata/routeviews.route-views.jinx.updates.1427846400.bz2',
  'bgpstream-testdata/ris.rrc06.updates.1427846400.gz',
  'bgpdump-testdata/updates.20070211.0141.gz',
  'bgpdump-testdata/updates.20160811.1600.gz',
  'bgpdump-testdata/bview.20020722.2337.gz',
  'pyasn-data/rib.20140523.0600_firstMB.bz2',
  // The largest file by size (19.5 MB raw): one readable entry, then a header whose length runs to
  // the end, so both tools report and stop; it measures what reading to the end costs.
  'bgpkit-fixtures/rrc00/2000.01/bview.20000111.0032.gz',
];

if (!hasSharedData) {
  process.stdout.write('parse.bench: shared data not found, skipped\n');
  process.exit(0);
}

// The built CLI when dist/ is there (as users run it), else the sources through tsx.
const built = join(projectRoot(), 'dist', 'cli', 'main.js');
const cli = existsSync(built) ? [join(projectRoot(), 'bin', 'portolan.js')] : ['--import', 'tsx', join(projectRoot(), 'cli', 'main.ts')];
if (!existsSync(built)) process.stdout.write('parse.bench: dist/ not built; the CLI runs through tsx (slower start-up)\n');

const devNull = openSync('/dev/null', 'w');
const wall = (cmd: string, args: string[]): number => {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', devNull, 'ignore'], env: { ...process.env, PORTOLAN_LOG_LEVEL: 'silent' } });
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
};

for (const name of FILES) {
  const file = sharedData('mrt', name);
  if (!existsSync(file)) continue;
  const mb = statSync(file).size / 1e6;
  // In process: records → elements (the path the analyzer uses), and the text parse prints.
  let elems = 0;
  let records = 0;
  const t = process.hrtime.bigint();
  for await (const r of readMrtRecords(file, undefined, { summary: false })) {
    records++;
    elems += recordToElems(r).length;
  }
  const sElems = Number(process.hrtime.bigint() - t) / 1e9;
  const text = async (format: TextFormat) => {
    let bytes = 0;
    const start = process.hrtime.bigint();
    await printMrt(file, format, (chunk) => ((bytes += chunk.length), true));
    return { s: Number(process.hrtime.bigint() - start) / 1e9, mb: bytes / 1e6 };
  };
  const bgpdumpText = await text('bgpdump');
  const jsonText = await text('jsonl');
  report(`parse elems ${name.split('/').pop()}`, {
    records,
    elements: elems,
    elements_per_s: Math.round(elems / sElems),
    mb_per_s_compressed: mb / sElems,
    bgpdump_text_s: bgpdumpText.s,
    bgpdump_text_mb: bgpdumpText.mb,
    jsonl_text_s: jsonText.s,
    jsonl_text_mb: jsonText.mb,
  });
  if (existsSync('/usr/bin/bgpdump')) {
    // Best of 3, interleaved: the CLI as installed (bin/portolan.js → dist, start-up included).
    const best = { bgpdump: Infinity, jsonl: Infinity, bgpdumpFormat: Infinity };
    for (let i = 0; i < 3; i++) {
      best.bgpdumpFormat = Math.min(best.bgpdumpFormat, wall(process.execPath, [...cli, 'parse', '--format', 'bgpdump', file]));
      best.jsonl = Math.min(best.jsonl, wall(process.execPath, [...cli, 'parse', '--format', 'jsonl', file]));
      best.bgpdump = Math.min(best.bgpdump, wall('/usr/bin/bgpdump', ['-m', file]));
    }
    report(`parse cli vs bgpdump ${name.split('/').pop()}`, {
      portolan_bgpdump_s: best.bgpdumpFormat,
      portolan_jsonl_s: best.jsonl,
      bgpdump_s: best.bgpdump,
      ratio_bgpdump_format: best.bgpdumpFormat / best.bgpdump,
      ratio_jsonl: best.jsonl / best.bgpdump,
      records_per_s: Math.round(records / best.bgpdumpFormat),
      mb_per_s_compressed: mb / best.bgpdumpFormat,
    });
  }
}
