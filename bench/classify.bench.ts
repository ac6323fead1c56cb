/**
 * Classifier throughput on NEW prefixes, the cost that decides a full-table (RIB) ingest: every
 * distinct prefix needs a registry prefix() lookup, a geo distribution walk and its kinds. Over the
 * 512,621 real prefixes of a RouteViews RIB (2014-05-13) with the 2014-07-01 RIR files, ARIN
 * 2013-08-13, IANA and the bundled DB-IP database: cold (every prefix new, default cache sizes as
 * `portolan run` uses them), warm (prefixes seen before), then `portolan lookup --json -` on
 * 200,000 distinct targets, spawned as a user runs it (targets/s include the CLI's start-up).
 */
import { spawn } from 'node:child_process';
import { createReadStream, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { createClassifier } from '../analyzer/classify/index.js';
import { openGeo } from '../analyzer/geo/index.js';
import { loadRegistry } from '../analyzer/registry/index.js';
import { projectRoot } from '../common/paths.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { report } from './report.js';

if (!hasSharedData) {
  process.stdout.write('classify bench skipped: real data folder not found (set PORTOLAN_SHARED_DATA)\n');
  process.exit(0);
}

const registryFiles = [
  ...['afrinic', 'apnic', 'lacnic', 'ripencc'].map((r) => sharedData('rir/2014-07-01', `delegated-${r}-latest.gz`)),
  sharedData('rir/2013-08-13/delegated-arin-latest.gz'),
  sharedData('iana/ipv4-address-space.csv'),
  sharedData('iana/ipv6-unicast-address-assignments.csv'),
  sharedData('iana/delegated-iana-latest'),
];

const rows: Array<{ prefix: string; asn: number }> = [];
for await (const line of createInterface({ input: createReadStream(sharedData('prefix2as', 'ipasn_20140513.dat.gz')).pipe(createGunzip()) })) {
  if (line.startsWith(';') || !line) continue;
  const tab = line.indexOf('\t');
  rows.push({ prefix: line.slice(0, tab), asn: Number(line.slice(tab + 1).split(/[_,]/)[0]) });
}

const cpuSeconds = (fn: () => void): number => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

const registry = await loadRegistry({ files: registryFiles });
const geo = await openGeo();
const classifier = createClassifier({ registry, geo });
let sink = 0;
let s = cpuSeconds(() => {
  for (const r of rows) sink += classifier.classify({ prefix: r.prefix, originAsns: [r.asn], time: 0 }).kinds.length;
});
report('classify cold (every prefix new)', { prefixes: rows.length, per_s_cpu: Math.round(rows.length / s) });

// Warm: the last 100,000 prefixes are still in the (default 200,000) cache.
const warm = rows.slice(-100_000);
const M = 2_000_000;
s = cpuSeconds(() => {
  for (let i = 0; i < M; i++) {
    const r = warm[i % warm.length];
    sink += classifier.classify({ prefix: r.prefix, originAsns: [r.asn], time: i }).kinds.length;
  }
});
report('classify warm (prefix seen before)', { events: M, per_s_cpu: Math.round(M / s) });

// The parts of a new prefix, each on its own fresh instance (no caches shared with the above).
const geo2 = await openGeo();
s = cpuSeconds(() => {
  for (const r of rows) sink += registry.prefix(r.prefix).records.length;
});
report('  part: registry prefix()', { prefixes: rows.length, per_s_cpu: Math.round(rows.length / s) });
s = cpuSeconds(() => {
  for (const r of rows) sink += geo2.distribution(r.prefix).countries.length;
});
report('  part: geo distribution (uncached)', { prefixes: rows.length, per_s_cpu: Math.round(rows.length / s) });

// `portolan lookup --json -` on 200,000 distinct targets: a folder of links to the same files.
const N = 200_000;
const dir = await mkdtemp(join(tmpdir(), 'portolan-bench-lookup-'));
try {
  for (const f of registryFiles) symlinkSync(f, join(dir, basename(f)));
  const input = rows.slice(0, N).map((r) => r.prefix).join('\n') + '\n';
  const t0 = performance.now();
  const { lines, code, stderr } = await runLookup(['lookup', '--json', '--rir-dir', dir, '-'], input);
  const ms = performance.now() - t0;
  if (code !== 0 || lines !== N) process.stdout.write(`lookup batch: exit ${code}, ${lines} lines for ${N} targets\n${stderr.slice(0, 2000)}\n`);
  report('portolan lookup --json - (200k)', { targets: N, lines, seconds: ms / 1000, targets_per_s: Math.round((N / ms) * 1000) });
} finally {
  await rm(dir, { recursive: true, force: true });
}
if (sink < 0) process.stdout.write('unreachable\n');

/** Spawns the CLI from sources, feeds stdin, counts output lines without keeping them. */
function runLookup(args: string[], input: string): Promise<{ lines: number; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot(), 'cli', 'main.ts'), ...args], {
      cwd: projectRoot(),
      env: { ...process.env, PORTOLAN_LOG_LEVEL: 'error' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) lines++;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ lines, code, stderr }));
    child.stdin.end(input);
  });
}
