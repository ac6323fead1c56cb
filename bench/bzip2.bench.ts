/**
 * bzip2 decoding: the system bzip2 (common/bzip2.ts) against unbzip2-stream (PORTOLAN_BZIP2=js),
 * each in its own process, interleaved, best of 3 wall times. A whole file (a RIB's first MB
 * from shared data, decoded and compressed again whole: 15 MB of MRT) and the truncated
 * original (no end-of-stream marker: its complete blocks go through bzip2 rebuilt as a whole
 * stream, the cut one through unbzip2-stream). The reader loads the compiled modules of dist/ as
 * users run them, or the sources through tsx when dist/ is older (about 0.2 s more start-up in
 * both columns, which lowers the wall-time ratio; `speedup_without_startup` takes it out).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemBzip2 } from '../common/bzip2.js';
import { projectRoot } from '../common/paths.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { distIsFresh } from './cli.js';
import { report } from './report.js';

const bin = systemBzip2();
const truncated = sharedData('mrt', 'pyasn-data', 'rib.20140523.0600_firstMB.bz2');
if (!bin || !hasSharedData || !existsSync(truncated)) {
  process.stdout.write('bzip2.bench: needs a bzip2 binary and ../shared/data, skipped\n');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'portolan-bzip2-bench-'));
const whole = join(dir, 'rib-whole.bz2');
const decoded = spawnSync(bin, ['-dc', truncated], { maxBuffer: 1 << 30 }).stdout;
writeFileSync(whole, execFileSync(bin, ['-c'], { input: decoded, maxBuffer: 1 << 30 }));

// Reads the file through openInput to the end (or its error) in a fresh process.
const compiled = distIsFresh();
const nodeArgs = compiled ? [] : ['--import', 'tsx'];
const reader = join(dir, 'read.mjs');
writeFileSync(
  reader,
  `const { openInput } = await import(${JSON.stringify(compiled ? join(projectRoot(), 'dist', 'common', 'input.js') : join(projectRoot(), 'common', 'input.ts'))});
const s = await openInput(process.argv[2]); let n = 0;
await new Promise((res) => { s.on('data', (c) => (n += c.length)); s.on('end', res); s.on('error', res); });
process.stdout.write(String(n));`,
);
const run = (file: string, js: boolean): { s: number; bytes: number } => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...nodeArgs, reader, file], { env: { ...process.env, PORTOLAN_BZIP2: js ? 'js' : '' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`reader exited ${r.status}: ${r.stderr}`);
  return { s: Number(process.hrtime.bigint() - t) / 1e9, bytes: Number(r.stdout) };
};
const node = (): number => {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, [...nodeArgs, '-e', '0']);
  return Number(process.hrtime.bigint() - t) / 1e9;
};

for (const [name, file] of [['whole 15 MB', whole], ['truncated (complete blocks through bzip2, the cut one in JS)', truncated]] as const) {
  const best = { sys: Infinity, js: Infinity, node: Infinity };
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const a = run(file, false);
    const b = run(file, true);
    if (a.bytes !== b.bytes) throw new Error(`${name}: ${a.bytes} bytes through bzip2, ${b.bytes} through unbzip2-stream`);
    bytes = a.bytes;
    best.sys = Math.min(best.sys, a.s);
    best.js = Math.min(best.js, b.s);
    best.node = Math.min(best.node, node());
  }
  report(`bzip2 ${name}`, { reader: compiled ? 'dist' : 'tsx (dist older than the sources)', decoded_mb: bytes / 1e6, system_bzip2_s: best.sys, unbzip2_stream_s: best.js, speedup: best.js / best.sys, speedup_without_startup: (best.js - best.node) / (best.sys - best.node) });
}
