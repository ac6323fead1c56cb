/**
 * `portolan index build` on the largest RIB in shared data against `bgpdump -m` on the same file
 * (wall time, same run; the aim is at most 2×; with GNU time also each one's CPU time and the
 * CLI's peak RSS), each run twice: from the registry files (`--no-prepared`), and with the
 * registry as prepared by an earlier build on the same files (a cache folder primed first).
 * Then the same build in process, phase by phase, in CPU time. Nothing is stored: a RIB needs
 * no per-element rows to be indexed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTableInWorker } from '../analyzer/accounting/table-worker.js';
import { tableFromSource } from '../analyzer/accounting/from-files.js';
import { computePortabilityIndex } from '../analyzer/accounting/portability.js';
import { utcDay } from '../common/time.js';
import { DEFAULT_FILTERS, routedPrefixes } from '../analyzer/accounting/routed.js';
import { prepareAccounting } from '../analyzer/accounting/account.js';
import { openGeo } from '../analyzer/geo/index.js';
import { loadRegistry } from '../analyzer/registry/index.js';
import { FileSource } from '../collector/sources/index.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { portolanCli } from './cli.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write('index-build.bench: shared data not found, skipped\n');
  process.exit(0);
}

const RIB = sharedData('mrt', 'bgpdump-testdata', 'bview.20020722.2337.gz');
const RIR_DIR = sharedData('rir', '2013-08-13');
const IANA_DIR = sharedData('iana');
const devNull = openSync('/dev/null', 'w');

/** Wall time of a command; with GNU time installed also its CPU time and peak RSS (children are not in this process's rusage). */
interface Run {
  wall_s: number;
  cpu_s: number;
  peak_rss_mib: number;
}
const TIME = '/usr/bin/time';
const run = (cmd: string, args: string[]): Run => {
  const out = join(tmpdir(), `index-build-bench-${process.pid}.time`);
  const timed = existsSync(TIME);
  const t = process.hrtime.bigint();
  const r = timed
    ? spawnSync(TIME, ['-f', '%U %S %M', '-o', out, cmd, ...args], { stdio: ['ignore', devNull, 'inherit'], env: { ...process.env, PORTOLAN_LOG_LEVEL: 'silent' } })
    : spawnSync(cmd, args, { stdio: ['ignore', devNull, 'inherit'], env: { ...process.env, PORTOLAN_LOG_LEVEL: 'silent' } });
  const wall_s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  if (!timed) return { wall_s, cpu_s: NaN, peak_rss_mib: NaN };
  const [user, sys, rssKb] = readFileSync(out, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
  rmSync(out, { force: true });
  return { wall_s, cpu_s: user + sys, peak_rss_mib: rssKb / 1024 };
};

const cli = portolanCli();
const args = [...cli.args, 'index', 'build', RIB, '--rir-dir', RIR_DIR, '--iana-dir', IANA_DIR, '--min-peers', '1', '--no-store', '--json'];
const cacheDir = mkdtempSync(join(tmpdir(), 'index-build-bench-'));
const variants = { files: [...args, '--no-prepared'], prepared: [...args, '--cache-dir', cacheDir] };
run(process.execPath, variants.prepared); // primes the cache folder

const runs = Number(process.env.BENCH_INDEX_RUNS ?? 3);
const ratios = new Map<string, number[]>(Object.keys(variants).map((v) => [v, []]));
for (let i = 0; i < runs; i++) {
  for (const [registry, argv] of Object.entries(variants)) {
    const theirs = existsSync('/usr/bin/bgpdump') ? run('/usr/bin/bgpdump', ['-m', RIB]) : { wall_s: NaN, cpu_s: NaN, peak_rss_mib: NaN };
    const ours = run(process.execPath, argv);
    ratios.get(registry)!.push(ours.wall_s / theirs.wall_s);
    report(`index build cli vs bgpdump (registry: ${registry}, run ${i + 1})`, {
      portolan_s: ours.wall_s,
      bgpdump_s: theirs.wall_s,
      ratio: ours.wall_s / theirs.wall_s,
      portolan_cpu_s: ours.cpu_s,
      bgpdump_cpu_s: theirs.cpu_s,
      cli_peak_rss_mib: ours.peak_rss_mib,
      cli: cli.label,
    });
  }
}
rmSync(cacheDir, { recursive: true, force: true });
// The aim (at most 2x) per variant, over the runs: a noisy machine moves single runs either way.
for (const [registry, r] of ratios) {
  const sorted = [...r].sort((a, b) => a - b);
  report(`index build cli vs bgpdump, ${runs} runs (registry: ${registry})`, {
    ratio_min: sorted[0],
    ratio_median: (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2,
    ratio_max: sorted[sorted.length - 1],
    runs_at_most_2x: `${r.filter((x) => x <= 2).length} of ${r.length}`,
  });
}

// In process, by phase, one thread (CPU time of this process, which runs nothing else meanwhile):
// registry and geo, what the accounting prepares from them, the file into a routing state, its
// routed prefixes, the accounting; then the file read on a worker while the registry and geo
// load and are prepared, as `index build` does (wall).
const filters = { ...DEFAULT_FILTERS, min_peers: 1 };
let cpu = process.cpuUsage();
const lap = (): number => {
  const d = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  return (d.user + d.system) / 1e6;
};
const [registry, geo] = await Promise.all([loadRegistry({ rirDir: RIR_DIR, ianaDir: IANA_DIR }), openGeo()]);
const loadS = lap();
prepareAccounting(registry, geo);
const prepareS = lap();
const table = await tableFromSource(new FileSource([RIB]));
const tableS = lap();
const routed = routedPrefixes(table.state, filters);
const routedS = lap();
const index = computePortabilityIndex({
  table: routed,
  registry,
  geo,
  filters,
  date: utcDay(table.latest as number),
  snapshotAt: table.latest as number,
  source: { kind: 'files', files: [RIB], peers: table.state.size().peers, elements: table.elements },
});
const accountS = lap();
const overlapStart = process.hrtime.bigint();
const [read] = await Promise.all([
  readTableInWorker([RIB], filters),
  Promise.all([loadRegistry({ rirDir: RIR_DIR, ianaDir: IANA_DIR }), openGeo()]).then(([r, g]) => prepareAccounting(r, g)),
]);
const overlapS = Number(process.hrtime.bigint() - overlapStart) / 1e9;
report('index build in process (cpu s)', {
  load_registry_geo: loadS,
  prepare_segments_asn_geo_runs: prepareS,
  read_rib_into_state: tableS,
  elements_per_cpu_s: Math.round(table.elements / tableS),
  routed_prefixes: routedS,
  accounting: accountS,
  worker_read_while_loading_wall_s: overlapS,
  worker_routed_equal: String(read.routed[4].length + read.routed[6].length === index.params.prefixes_seen.ipv4.kept + index.params.prefixes_seen.ipv6.kept),
  prefixes: index.params.prefixes_seen.ipv4.kept + index.params.prefixes_seen.ipv6.kept,
});
