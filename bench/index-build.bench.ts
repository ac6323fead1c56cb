/**
 * `portolan index build` against `bgpdump -m` on the same file (wall time, same run; the aim is at
 * most 2×; with GNU time also each one's CPU time and the CLI's peak RSS):
 * - on the 2002 RIB, the largest RIB file in shared data compressed, three ways: the registry from
 *   its files (`--no-prepared`), a new day's registry files with the geo runs prepared, and the
 *   registry as prepared by an earlier build on the same files (a cache folder primed first);
 * - on the 2014 RIS sample as published, the largest by routes and MRT bytes, registry prepared;
 * - on RIBs built from the 2014 sample's records, of 270,005 and 2,700,041 entries
 *   (BENCH_INDEX_SCALE copies): the ratio on a RIB of realistic size, and what one entry costs each tool.
 * Then the build in process, phase by phase, in CPU time. Nothing is stored: a RIB needs no
 * per-element rows to be indexed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTableInWorker } from '../analyzer/accounting/table-worker.js';
import { routedFromFiles, tableFromSource } from '../analyzer/accounting/from-files.js';
import { computePortabilityIndex } from '../analyzer/accounting/portability.js';
import { openInput } from '../common/input.js';
import { utcDay } from '../common/time.js';
import { DEFAULT_FILTERS } from '../analyzer/models/accounting.js';
import { routedPrefixes } from '../analyzer/accounting/routed.js';
import { prepareAccounting } from '../analyzer/accounting/account.js';
import { openGeo } from '../analyzer/geo/index.js';
import { loadRegistry } from '../analyzer/registry/index.js';
import { FileSource } from '../collector/sources/index.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { hasBgpdump, portolanCli, timedBgpdump, timedRun as run } from './cli.js';
import { mrtRecords } from './mrt-records.js';
import { report, spread } from './report.js';

if (!hasSharedData) {
  process.stdout.write('index-build.bench: shared data not found, skipped\n');
  process.exit(0);
}

const RIB = sharedData('mrt', 'bgpdump-testdata', 'bview.20020722.2337.gz');
const RIR_DIR = sharedData('rir', '2013-08-13');
const IANA_DIR = sharedData('iana');
const cli = portolanCli();
const args = [...cli.args, 'index', 'build', RIB, '--rir-dir', RIR_DIR, '--iana-dir', IANA_DIR, '--min-peers', '1', '--no-store', '--json'];
const cacheDir = mkdtempSync(join(tmpdir(), 'index-build-bench-'));
run(process.execPath, [...args, '--cache-dir', cacheDir]); // primes the cache folder
// A new day's registry files with the same geo database: the registry from its files, the geo runs
// prepared (a folder holding only those, emptied of the space each run writes after its output).
const geoRunsDir = mkdtempSync(join(tmpdir(), 'index-build-bench-runs-'));
const onlyGeoRuns = () => {
  rmSync(join(geoRunsDir, 'prepared'), { recursive: true, force: true });
  mkdirSync(join(geoRunsDir, 'prepared'));
  for (const f of readdirSync(join(cacheDir, 'prepared'))) if (f.startsWith('geo-runs-')) copyFileSync(join(cacheDir, 'prepared', f), join(geoRunsDir, 'prepared', f));
};
const variants: Record<string, { argv: string[]; before?: () => void }> = {
  files: { argv: [...args, '--no-prepared'] },
  'new files, geo runs prepared': { argv: [...args, '--cache-dir', geoRunsDir], before: onlyGeoRuns },
  prepared: { argv: [...args, '--cache-dir', cacheDir] },
};

const runs = Number(process.env.BENCH_INDEX_RUNS ?? 3);
const ratios = new Map<string, number[]>(Object.keys(variants).map((v) => [v, []]));
for (let i = 0; i < runs; i++) {
  for (const [registry, { argv, before }] of Object.entries(variants)) {
    before?.();
    const theirs = timedBgpdump(RIB);
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
// The aim (at most 2x) per variant, over the runs: a noisy machine moves single runs either way.
for (const [registry, r] of ratios) {
  const { min, median, max } = spread(r);
  report(`index build cli vs bgpdump, ${runs} runs (registry: ${registry})`, {
    ratio_min: min,
    ratio_median: median,
    ratio_max: max,
    runs_at_most_2x: `${r.filter((x) => x <= 2).length} of ${r.length}`,
  });
}

// The 2002 RIB is the largest RIB file compressed (1.18 MB of gzip); the largest by routes and by
// MRT bytes is the 2014 RIS sample as published (270,005 entries, 15.3 MB of MRT in 1 MiB of bzip2,
// cut inside its last record; the 2002 RIB holds 115,521 entries in 6.9 MB). The same comparison
// on it, with its registry prepared: both tools read the same bzip2 file.
const SAMPLE_2014 = sharedData('mrt', 'pyasn-data', 'rib.20140523.0600_firstMB.bz2');
const sampleArgs = [...cli.args, 'index', 'build', SAMPLE_2014, '--rir-dir', sharedData('rir', '2014-07-01'), '--iana-dir', IANA_DIR, '--min-peers', '1', '--no-store', '--json', '--cache-dir', cacheDir];
run(process.execPath, sampleArgs); // prepares this registry
const sampleRatios: number[] = [];
for (let i = 0; i < runs; i++) {
  const theirs = timedBgpdump(SAMPLE_2014);
  const ours = run(process.execPath, sampleArgs);
  sampleRatios.push(ours.wall_s / theirs.wall_s);
  report(`index build cli vs bgpdump (2014 sample as published, registry prepared, run ${i + 1})`, { portolan_s: ours.wall_s, bgpdump_s: theirs.wall_s, ratio: ours.wall_s / theirs.wall_s, cli_peak_rss_mib: ours.peak_rss_mib });
}
{
  const { min, median, max } = spread(sampleRatios);
  report(`index build cli vs bgpdump, ${runs} runs (2014 sample as published, registry prepared)`, { ratio_min: min, ratio_median: median, ratio_max: max, runs_at_most_2x: `${sampleRatios.filter((x) => x <= 2).length} of ${runs}` });
}

// The 2002 RIB holds one peer's routes (115,521 entries, 112,988 prefixes): a build's fixed costs
// (start-up, registry, accounting, which grows with prefixes, not entries) weigh most there. A
// collector's RIB of today holds tens of millions of entries, dozens per prefix. So the same
// comparison on RIBs made of the complete records of the 2014 RIS sample (35 peers, ~30 entries
// a prefix), once and BENCH_INDEX_SCALE times (default 10; copy k with the prefixes' first octet moved up by 16·k: the
// sample's prefixes lie in 0-12, so copies never meet): the ratio on a large RIB, and what one
// entry costs each tool (the difference between the two sizes over the entries added).
if (hasBgpdump) await compareOnScaledRibs(Number(process.env.BENCH_INDEX_SCALE ?? 10));
else process.stdout.write('index build on larger RIBs: skipped (no /usr/bin/bgpdump to compare with)\n');
for (const d of [cacheDir, geoRunsDir]) rmSync(d, { recursive: true, force: true });

// In process, by phase, one thread (CPU time of this process, which runs nothing else meanwhile):
// registry and geo, what the accounting prepares from them, the file into a routing state and its
// routed prefixes (any input's way), the same routed prefixes summed as the dump is read (a RIB
// dump's way, as index build reads it), the accounting; then the file read on a worker while the
// registry and geo load and are prepared, as `index build` does (wall).
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
const summed = await routedFromFiles([RIB], filters);
const summedS = lap();
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
  rib_summed_as_read: summedS,
  summed_equal: String(JSON.stringify([...summed.routed[4].origin]) === JSON.stringify([...routed[4].origin]) && summed.routed.counts.ipv4.kept === routed.counts.ipv4.kept),
  accounting: accountS,
  worker_read_while_loading_wall_s: overlapS,
  worker_routed_equal: String(read.routed[4].origin.length + read.routed[6].origin.length === index.params.prefixes_seen.ipv4.kept + index.params.prefixes_seen.ipv6.kept),
  prefixes: index.params.prefixes_seen.ipv4.kept + index.params.prefixes_seen.ipv6.kept,
});

async function compareOnScaledRibs(scale: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'index-build-scaled-'));
  const ribs = await scaledRibs(sharedData('mrt', 'pyasn-data', 'rib.20140523.0600_firstMB.bz2'), [1, scale], dir);
  const argsFor = (file: string) => [...cli.args, 'index', 'build', file, '--rir-dir', sharedData('rir', '2014-07-01'), '--iana-dir', IANA_DIR, '--min-peers', '1', '--no-store', '--json', '--cache-dir', cacheDir];
  run(process.execPath, argsFor(ribs[0].file)); // prepares this registry
  const walls = ribs.map(() => ({ ours: [] as number[], theirs: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    ribs.forEach((rib, j) => {
      const theirs = timedBgpdump(rib.file);
      const ours = run(process.execPath, argsFor(rib.file));
      walls[j].theirs.push(theirs.wall_s);
      walls[j].ours.push(ours.wall_s);
      report(`index build cli vs bgpdump, RIB of ${rib.entries.toLocaleString('en-US')} entries (run ${i + 1})`, { portolan_s: ours.wall_s, bgpdump_s: theirs.wall_s, ratio: ours.wall_s / theirs.wall_s, cli_peak_rss_mib: ours.peak_rss_mib });
    });
  }
  rmSync(dir, { recursive: true, force: true });
  const [small, large] = ribs.map((rib, j) => ({ entries: rib.entries, ours: spread(walls[j].ours).median, theirs: spread(walls[j].theirs).median }));
  const added = large.entries - small.entries;
  report(`index build cli vs bgpdump on the 2014 sample and ${scale} copies of it (medians of ${runs})`, {
    ratio_sample: small.ours / small.theirs,
    ratio_scaled: large.ours / large.theirs,
    portolan_us_per_entry: ((large.ours - small.ours) * 1e6) / added,
    bgpdump_us_per_entry: ((large.theirs - small.theirs) * 1e6) / added,
  });
}

/**
 * RIBs of `copies` copies of a TABLE_DUMP_V2 file's complete records (gzip): its peer index table
 * once, then its RIB records with the first prefix octet moved up by 16·k in copy k (a /0 is kept
 * in the first copy only).
 */
async function scaledRibs(source: string, copies: number[], dir: string): Promise<Array<{ file: string; entries: number }>> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of await openInput(source)) chunks.push(c as Buffer);
  } catch {
    // The sample is cut short, so its decoder fails at the end: only its complete records are used.
  }
  const raw = Buffer.concat(chunks);
  const peerTables: Buffer[] = [];
  const ribs: Array<{ record: Buffer; entries: number }> = [];
  for (const record of mrtRecords(raw)) {
    const [type, subtype] = [record.readUInt16BE(4), record.readUInt16BE(6)];
    if (type === 13 && subtype === 1) peerTables.push(record);
    // RIB_IPV4_UNICAST body: sequence (4), prefix length (1), prefix bytes, entry count (2).
    if (type === 13 && subtype === 2) ribs.push({ record, entries: record.readUInt16BE(17 + Math.ceil(record[16] / 8)) });
  }
  return copies.map((n) => {
    const out: Buffer[] = [...peerTables];
    let entries = 0;
    for (let k = 0; k < n; k++) {
      for (const { record, entries: e } of ribs) {
        if (k > 0 && record[16] === 0) continue;
        const moved = k === 0 ? record : Buffer.from(record);
        if (k > 0) moved[17] += 16 * k;
        out.push(moved);
        entries += e;
      }
    }
    const file = join(dir, `rib-x${n}.mrt.gz`);
    writeFileSync(file, gzipSync(Buffer.concat(out)));
    return { file, entries };
  });
}
