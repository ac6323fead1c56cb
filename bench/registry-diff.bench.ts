/**
 * Registry diff benchmark: two full sets of five RIR files. No complete extended set exists in
 * the shared data, so each side is built from the largest real files at hand: the from side is
 * AFRINIC and LACNIC extended 2023-03-23 with APNIC, ARIN and RIPE NCC 2013-08-13; the to side
 * AFRINIC and LACNIC extended 2024-01-05 with APNIC 2026-02-13, ARIN 2013-08-13 and RIPE NCC
 * 2014-07-01 (ARIN's file stands for both dates, as in an archive where a RIR published nothing
 * new). Measured in one run, so the figures compare under the same load:
 *  - reference: each side from whole folders, every file parsed, no sharing (how the bench and
 *    `registry diff --from-dir` read before the parse cache);
 *  - parse: exactly the ten files, through one ParseCache (a file with the same bytes on both
 *    sides parsed once), as `registry diff` and `portolan run` read archive snapshots;
 *  - diff: the comparison itself.
 * CPU time counts every thread, so it can exceed the wall time on a busy machine; with other
 * jobs on the cores, CPU time is the figure to compare.
 */
import { existsSync } from 'node:fs';
import { loadDiffFiles, loadDiffFolder } from '../analyzer/registry/diff-load.js';
import { diffRegistries, type DiffSide } from '../analyzer/registry/diff.js';
import { ParseCache } from '../analyzer/registry/parse-cache.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write('registry-diff bench skipped: real data folder not found (set PORTOLAN_SHARED_DATA)\n');
  process.exit(0);
}

const FROM = { afrinic: '2023-03-23', apnic: '2013-08-13', arin: '2013-08-13', lacnic: '2023-03-23', ripencc: '2013-08-13' };
const TO = { afrinic: '2024-01-05', apnic: '2026-02-13', arin: '2013-08-13', lacnic: '2024-01-05', ripencc: '2014-07-01' };

/** The file of `rir` in a dated folder: extended when there is one. */
const fileOf = (rir: string, dir: string): string => {
  const ext = sharedData('rir', dir, `delegated-${rir}-extended-latest.gz`);
  return existsSync(ext) ? ext : sharedData('rir', dir, `delegated-${rir}-latest.gz`);
};

async function fromFolders(label: string, pick: Record<string, string>): Promise<DiffSide> {
  const dirs = [...new Set(Object.values(pick))];
  const loaded = await Promise.all(dirs.map((d) => loadDiffFolder(sharedData('rir', d))));
  const files = Object.entries(pick).map(([rir, dir]) => loaded[dirs.indexOf(dir)].files.find((f) => f.rir === rir)!);
  return { label, files, transfers: [] };
}

function measure<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }>;
async function measure<T>(fn: () => Promise<T> | T) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wall: Math.round(wall), cpu: Math.round((cpu.user + cpu.system) / 1000) };
}

const records = (s: DiffSide) => s.files.reduce((n, f) => n + f.records.length, 0);

const ref = await measure(async () => [await fromFolders('from', FROM), await fromFolders('to', TO)]);
report('registry diff: parse, reference (whole folders, no cache)', { wall_ms: ref.wall, cpu_ms: ref.cpu });
ref.value.length = 0;
(globalThis as { gc?: () => void }).gc?.();

const cache = new ParseCache();
const parse = await measure(() => Promise.all([loadDiffFiles('from', Object.entries(FROM).map(([r, d]) => fileOf(r, d)), [], cache), loadDiffFiles('to', Object.entries(TO).map(([r, d]) => fileOf(r, d)), [], cache)]));
const [from, to] = parse.value;
report('registry diff: parse both sides (ten files, one cache)', { wall_ms: parse.wall, cpu_ms: parse.cpu, records: records(from) + records(to), parsed: cache.counters.parsed, reused: cache.counters.reused, cpu_vs_reference: +(parse.cpu / ref.cpu).toFixed(2) });

const diff = await measure(async () => diffRegistries(from, to));
const byKind: Record<string, number> = {};
for (const e of diff.value.events) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
report('registry diff: 5 RIRs vs 5 RIRs', { wall_ms: diff.wall, cpu_ms: diff.cpu, events: diff.value.events.length, ...byKind });
report('registry diff: parse + diff', { wall_ms: parse.wall + diff.wall, cpu_ms: parse.cpu + diff.cpu, target_ms: 3000, reference_cpu_ms: ref.cpu + diff.cpu });
