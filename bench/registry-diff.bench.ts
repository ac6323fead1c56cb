/**
 * Registry diff benchmark: two full sets of five RIR files. No complete extended set exists in
 * the shared data, so each side is built from the largest real files at hand: the from side is
 * AFRINIC and LACNIC extended 2023-03-23 with APNIC, ARIN and RIPE NCC 2013-08-13; the to side
 * AFRINIC and LACNIC extended 2024-01-05 with APNIC 2026-02-13, ARIN 2013-08-13 and RIPE NCC
 * 2014-07-01. Reports parse time, diff time (the figure aimed under 3 s) and peak RSS. CPU time
 * counts every thread (the collector's helpers too), so it can exceed the wall time.
 */
import { loadDiffFolder } from '../analyzer/registry/diff-load.js';
import { diffRegistries, type DiffSide } from '../analyzer/registry/diff.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write('registry-diff bench skipped: real data folder not found (set PORTOLAN_SHARED_DATA)\n');
  process.exit(0);
}

async function side(label: string, pick: Record<string, string>): Promise<DiffSide> {
  const dirs = [...new Set(Object.values(pick))];
  const loaded = await Promise.all(dirs.map((d) => loadDiffFolder(sharedData('rir', d))));
  const files = Object.entries(pick).map(([rir, dir]) => loaded[dirs.indexOf(dir)].files.find((f) => f.rir === rir)!);
  return { label, files, transfers: [] };
}

const cpuLoad0 = process.cpuUsage();
const t0 = performance.now();
const from = await side('from', { afrinic: '2023-03-23', apnic: '2013-08-13', arin: '2013-08-13', lacnic: '2023-03-23', ripencc: '2013-08-13' });
const to = await side('to', { afrinic: '2024-01-05', apnic: '2026-02-13', arin: '2013-08-13', lacnic: '2024-01-05', ripencc: '2014-07-01' });
const loadMs = performance.now() - t0;
const cpuLoad = process.cpuUsage(cpuLoad0);
const records = (s: DiffSide) => s.files.reduce((n, f) => n + f.records.length, 0);
report('registry diff: parse both sides', { wall_ms: Math.round(loadMs), cpu_ms: Math.round((cpuLoad.user + cpuLoad.system) / 1000), records: records(from) + records(to) });

const cpu0 = process.cpuUsage();
const t1 = performance.now();
const result = diffRegistries(from, to);
const diffMs = performance.now() - t1;
const cpu = process.cpuUsage(cpu0);
const byKind: Record<string, number> = {};
for (const e of result.events) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
report('registry diff: 5 RIRs vs 5 RIRs', { wall_ms: Math.round(diffMs), cpu_ms: Math.round((cpu.user + cpu.system) / 1000), events: result.events.length, ...byKind });
report('registry diff: parse + diff', { wall_ms: Math.round(loadMs + diffMs), target_ms: 3000 });
