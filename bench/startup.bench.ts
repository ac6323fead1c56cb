/**
 * Start-up of the built CLI (bin/portolan.js → dist), as a user runs it: `--help`, `--version`
 * and `parse` on two tiny MRT files, against `node -e 0` in the same run. Runs are interleaved and
 * the median of each is reported, so a busy machine slows all of them alike. Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../common/paths.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { report } from './report.js';

const RUNS = Number(process.env.STARTUP_RUNS ?? 9);
const bin = join(projectRoot(), 'bin', 'portolan.js');
const main = join(projectRoot(), 'dist', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stdout.write('startup.bench: dist/ not built (npm run build), skipped\n');
  process.exit(0);
}
const sources = join(projectRoot(), 'cli', 'main.ts');
if (statSync(sources).mtimeMs > statSync(main).mtimeMs) process.stdout.write('startup.bench: note: dist/ is older than cli/main.ts; run `npm run build` to measure the current code\n');

const tiny = sharedData('mrt', 'mrtparse-samples', 'quagga_bgp');
const clean = sharedData('mrt', 'bgpdump-testdata', 'updates.20020722.2238.gz');
const cases: Array<[string, string[]]> = [
  ['node -e 0', ['-e', '0']],
  ['portolan --help', [bin, '--help']],
  ['portolan --version', [bin, '--version']],
  ['portolan ingest --help', [bin, 'ingest', '--help']],
  // `eval "$(portolan completion bash)"` in a shell's rc file: every new shell waits for it.
  ['portolan completion bash', [bin, 'completion', 'bash']],
];
// The 5 KB file has malformed attributes (warnings: the logger loads); the 13 KB gzip file has none.
if (hasSharedData && existsSync(tiny)) cases.push(['portolan parse (5 KB file)', [bin, 'parse', '--format', 'bgpdump', tiny]]);
if (hasSharedData && existsSync(clean)) cases.push(['portolan parse (13 KB gz, no warnings)', [bin, 'parse', '--format', 'bgpdump', clean]]);

// CPU time (user + system, from GNU time) as well as wall time: on a shared machine it varies less.
const TIME = '/usr/bin/time';
const cpuFile = join(mkdtempSync(join(tmpdir(), 'portolan-startup-')), 'cpu');
const devNull = openSync('/dev/null', 'w');
const wall = new Map<string, number[]>(cases.map(([name]) => [name, []]));
const cpu = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (let i = 0; i < RUNS; i++) {
  for (const [name, args] of cases) {
    const [cmd, argv] = existsSync(TIME) ? [TIME, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args]] : [process.execPath, args];
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { stdio: ['ignore', devNull, 'ignore'], env: { ...process.env, PORTOLAN_LOG_LEVEL: 'silent' } });
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
    wall.get(name)!.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (existsSync(TIME)) cpu.get(name)!.push(readFileSync(cpuFile, 'utf8').trim().split(/\s+/).reduce((a, x) => a + Number(x) * 1000, 0));
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const node = median(wall.get('node -e 0')!);
const nodeCpu = median(cpu.get('node -e 0')!);
for (const [name] of cases) {
  const ms = median(wall.get(name)!);
  const cpuMs = median(cpu.get(name)!);
  report(`startup ${name}`, { wall_ms: Math.round(ms), over_node_ms: Math.round(ms - node), wall_ratio_over_node: ms / node, cpu_ms: Math.round(cpuMs), cpu_over_node_ms: Math.round(cpuMs - nodeCpu), runs: RUNS });
}
