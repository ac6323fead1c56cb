/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (chDB allows one engine
 * per process, and peak RSS must be per benchmark), one after another, and passes its output through.
 * `npm run bench -- NAME` runs only the benchmarks whose file name contains NAME.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/paths.js';

const filter = process.argv[2];
const dir = join(projectRoot(), 'bench');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n=== ${file} ===\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], { stdio: 'inherit', env: { ...process.env, PORTOLAN_LOG_LEVEL: 'warn' } });
  if (r.status !== 0) failed++;
}
if (failed) {
  process.stderr.write(`${failed} benchmark(s) failed\n`);
  process.exitCode = 1;
}
