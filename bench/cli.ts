/**
 * How a bench runs and times the `portolan` CLI: as the tests run it (portolanCli: bin/portolan.js
 * unless dist/ is older than the sources, then through tsx), and `bgpdump` beside it.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export { distIsFresh, portolanCli, type CliCommand } from '../test/helpers/cli.js';

/** A command's wall time; with GNU time installed also its CPU time and peak RSS (a child's are not in the bench's own rusage). */
export interface TimedRun {
  wall_s: number;
  cpu_s: number;
  peak_rss_mib: number;
}

const TIME = '/usr/bin/time';
let devNull: number | undefined;

/**
 * Runs a command to its end, its logs silenced and its output discarded (or written to `stdoutFile`);
 * throws when it fails.
 */
export function timedRun(cmd: string, args: string[], stdoutFile?: string): TimedRun {
  const out = join(tmpdir(), `bench-${process.pid}.time`);
  const timed = existsSync(TIME);
  const stdout = stdoutFile ? openSync(stdoutFile, 'w') : (devNull ??= openSync('/dev/null', 'w'));
  const options: SpawnSyncOptions = { stdio: ['ignore', stdout, 'inherit'], env: { ...process.env, PORTOLAN_LOG_LEVEL: 'silent' } };
  const t = process.hrtime.bigint();
  const r = timed ? spawnSync(TIME, ['-f', '%U %S %M', '-o', out, cmd, ...args], options) : spawnSync(cmd, args, options);
  const wall_s = Number(process.hrtime.bigint() - t) / 1e9;
  if (stdoutFile) closeSync(stdout);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  if (!timed) return { wall_s, cpu_s: NaN, peak_rss_mib: NaN };
  const [user, sys, rssKb] = readFileSync(out, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
  rmSync(out, { force: true });
  return { wall_s, cpu_s: user + sys, peak_rss_mib: rssKb / 1024 };
}

const BGPDUMP = '/usr/bin/bgpdump';
export const hasBgpdump = existsSync(BGPDUMP);

/** `bgpdump -m FILE` timed as above, the reference of the CLI benches; NaN figures when Debian's bgpdump is not installed. */
export function timedBgpdump(file: string): TimedRun {
  return hasBgpdump ? timedRun(BGPDUMP, ['-m', file]) : { wall_s: NaN, cpu_s: NaN, peak_rss_mib: NaN };
}
