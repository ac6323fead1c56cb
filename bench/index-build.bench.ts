/**
 * `portolan index build` on the largest RIB in shared data against `bgpdump -m` on the same file
 * (wall time, same run; the aim is at most 2×), then the same build in process, phase by phase,
 * with this process's peak RSS. Nothing is stored: a RIB needs no per-element rows to be indexed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readTableInWorker } from '../analyzer/accounting/table-worker.js';
import { tableFromSource } from '../analyzer/accounting/from-files.js';
import { computePortabilityIndex, utcDay } from '../analyzer/accounting/portability.js';
import { DEFAULT_FILTERS } from '../analyzer/accounting/routed.js';
import { openGeo } from '../analyzer/geo/index.js';
import { loadRegistry } from '../analyzer/registry/index.js';
import { FileSource } from '../collector/sources/index.js';
import { projectRoot } from '../common/paths.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write('index-build.bench: shared data not found, skipped\n');
  process.exit(0);
}

const RIB = sharedData('mrt', 'bgpdump-testdata', 'bview.20020722.2337.gz');
const RIR_DIR = sharedData('rir', '2013-08-13');
const IANA_DIR = sharedData('iana');
const devNull = openSync('/dev/null', 'w');

const wall = (cmd: string, args: string[]): number => {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', devNull, 'inherit'], env: { ...process.env, PORTOLAN_LOG_LEVEL: 'silent' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
};

// The CLI as users run it (dist/, built by `npm ci` or `npm run build`), unless it is older than the
// sources: then through tsx, whose start-up costs about half a second more.
const dist = join(projectRoot(), 'dist', 'cli', 'main.js');
const fresh = existsSync(dist) && statSync(dist).mtimeMs >= newestSource(['analyzer', 'cli', 'collector', 'common']);
const cli = fresh ? [dist] : ['--import', 'tsx', join(projectRoot(), 'cli', 'main.ts')];
const args = [...cli, 'index', 'build', RIB, '--rir-dir', RIR_DIR, '--iana-dir', IANA_DIR, '--min-peers', '1', '--no-store', '--json'];

const runs = Number(process.env.BENCH_INDEX_RUNS ?? 3);
for (let i = 0; i < runs; i++) {
  const theirs = existsSync('/usr/bin/bgpdump') ? wall('/usr/bin/bgpdump', ['-m', RIB]) : NaN;
  const ours = wall(process.execPath, args);
  report(`index build cli vs bgpdump (run ${i + 1})`, { portolan_s: ours, bgpdump_s: theirs, ratio: ours / theirs, cli: fresh ? 'dist' : 'tsx (dist older than the sources: npm run build)' });
}

// In process, by phase: one thread (registry and geo, then the file, then the accounting), and
// the file read on a worker while the registry and geo load, as `index build` does.
let t = process.hrtime.bigint();
const lap = (): number => {
  const now = process.hrtime.bigint();
  const s = Number(now - t) / 1e9;
  t = now;
  return s;
};
const [registry, geo] = await Promise.all([loadRegistry({ rirDir: RIR_DIR, ianaDir: IANA_DIR }), openGeo()]);
const loadS = lap();
const table = await tableFromSource(new FileSource([RIB]));
const tableS = lap();
const index = computePortabilityIndex({
  table: table.state,
  registry,
  geo,
  filters: { ...DEFAULT_FILTERS, min_peers: 1 },
  date: utcDay(table.latest as number),
  snapshotAt: table.latest as number,
  source: { kind: 'files', files: [RIB], peers: table.state.size().peers, elements: table.elements },
});
const accountS = lap();
const overlapStart = process.hrtime.bigint();
const [read] = await Promise.all([readTableInWorker([RIB], { ...DEFAULT_FILTERS, min_peers: 1 }), Promise.all([loadRegistry({ rirDir: RIR_DIR, ianaDir: IANA_DIR }), openGeo()])]);
const overlapS = Number(process.hrtime.bigint() - overlapStart) / 1e9;
report('index build in process', {
  read_on_worker_while_loading_s: overlapS,
  worker_routed_equal: String(read.routed[4].length + read.routed[6].length === index.params.prefixes_seen.ipv4.kept + index.params.prefixes_seen.ipv6.kept),
  load_registry_geo_s: loadS,
  read_rib_into_state_s: tableS,
  elements_per_s: Math.round(table.elements / tableS),
  accounting_s: accountS,
  routed_prefixes: index.params.prefixes_seen.ipv4.kept + index.params.prefixes_seen.ipv6.kept,
});

function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const d of dirs) walk(join(projectRoot(), d));
  return newest;
}
