/**
 * bzip2 decoding: the system decoders as the reader picks them (common/bzip2.ts: lbzip2 where
 * installed, on every core, else bzip2) against unbzip2-stream (PORTOLAN_BZIP2=js), and bzip2
 * alone beside them, each in its own process, interleaved, best of 3 wall times. Three files:
 * a RIB's first MB from shared data decoded (its whole records) and compressed again whole
 * (1 MB, 15 MB of MRT); the same MRT 15 times over (15.6 MB of bzip2, the size the issue timed
 * unbzip2-stream on, and of RIBs' order); and the truncated original (no end-of-stream marker:
 * its complete blocks go through the system decoder rebuilt as a whole stream, the cut one
 * through unbzip2-stream). The reader loads the compiled modules of dist/ as users run them, or
 * the sources through tsx when dist/ is older (about 0.2 s more start-up in both columns, which
 * lowers the wall-time ratio; `speedup_without_startup` takes it out).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemBzip2 } from '../common/bzip2.js';
import { projectRoot } from '../common/paths.js';
import { hasSharedData, sharedData } from '../test/helpers/shared-data.js';
import { distIsFresh } from './cli.js';
import { mrtRecords } from './mrt-records.js';
import { report } from './report.js';

const { serial: bin, parallel } = systemBzip2();
const truncated = sharedData('mrt', 'pyasn-data', 'rib.20140523.0600_firstMB.bz2');
if (!bin || !hasSharedData || !existsSync(truncated)) {
  process.stdout.write('bzip2.bench: needs a bzip2 binary and ../shared/data, skipped\n');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'portolan-bzip2-bench-'));
// Its whole records only (the cut original ends inside one), so copies of it read as records too.
const decoded = Buffer.concat(mrtRecords(spawnSync(bin, ['-dc', truncated], { maxBuffer: 1 << 30 }).stdout));
const compressed = (name: string, copies: number): string => {
  const file = join(dir, name);
  writeFileSync(file, execFileSync(bin, ['-c'], { input: Buffer.concat(Array<Buffer>(copies).fill(decoded)), maxBuffer: 1 << 30 }));
  return file;
};
const files = [
  ['whole 1 MB (15 MB of MRT)', compressed('rib-whole.bz2', 1)],
  ['whole 15.6 MB (229 MB of MRT)', compressed('rib-15-times.bz2', 15)],
  ['truncated 1 MB (complete blocks through the system decoder, the cut one in JS)', truncated],
] as const;

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
/** `decoder`: PORTOLAN_BZIP2 ('' lets the reader pick, 'js' forces unbzip2-stream, a path that binary). */
const run = (file: string, decoder: string): { s: number; bytes: number } => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...nodeArgs, reader, file], { env: { ...process.env, PORTOLAN_BZIP2: decoder }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`reader exited ${r.status}: ${r.stderr}`);
  return { s: Number(process.hrtime.bigint() - t) / 1e9, bytes: Number(r.stdout) };
};
const node = (): number => {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, [...nodeArgs, '-e', '0']);
  return Number(process.hrtime.bigint() - t) / 1e9;
};

for (const [name, file] of files) {
  const best = { picked: Infinity, bzip2: Infinity, js: Infinity, node: Infinity };
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const a = run(file, '');
    const b = run(file, 'js');
    const c = run(file, bin);
    if (a.bytes !== b.bytes || c.bytes !== b.bytes) throw new Error(`${name}: ${a.bytes} bytes as picked, ${c.bytes} through bzip2, ${b.bytes} through unbzip2-stream`);
    bytes = a.bytes;
    best.picked = Math.min(best.picked, a.s);
    best.bzip2 = Math.min(best.bzip2, c.s);
    best.js = Math.min(best.js, b.s);
    best.node = Math.min(best.node, node());
  }
  const withoutStart = (s: number) => s - best.node;
  report(`bzip2 ${name}`, {
    reader: compiled ? 'dist' : 'tsx (dist older than the sources)',
    picked: parallel ? `lbzip2 (${availableParallelism()} cores)` : 'bzip2',
    decoded_mb: bytes / 1e6,
    picked_s: best.picked,
    bzip2_s: best.bzip2,
    unbzip2_stream_s: best.js,
    speedup: best.js / best.picked,
    speedup_without_startup: withoutStart(best.js) / withoutStart(best.picked),
    bzip2_speedup: best.js / best.bzip2,
  });
}
