/**
 * How a bench runs and times the `portolan` CLI: as the tests run it (portolanCli: bin/portolan.js
 * unless dist/ is older than the sources, then through tsx), and `bgpdump` beside it.
 */
import { spawn, spawnSync, type SpawnOptions, type SpawnSyncOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleThreadCpu, type ThreadCpu } from './thread-cpu.js';
export { distIsFresh, portolanCli, type CliCommand } from '../test/helpers/cli.js';

/** A command's wall time; with GNU time installed also its CPU time and peak RSS (a child's are not in the bench's own rusage). */
export interface TimedRun {
  wall_s: number;
  cpu_s: number;
  peak_rss_mib: number;
}

const TIME = '/usr/bin/time';
let devNull: number | undefined;

/** How a command runs: under GNU time when installed (its figures written to `out`), its output to `stdoutFile` or nowhere. */
interface Launch {
  file: string;
  argv: string[];
  options: SpawnOptions;
  /** The descriptor its output goes to, closed after it when it is stdoutFile's. */
  stdout: number;
  stdoutFile?: string;
  out: string;
  measured: boolean;
  what: string;
}

function launch(cmd: string, args: string[], stdoutFile?: string): Launch {
  const out = join(tmpdir(), `bench-${process.pid}.time`);
  const measured = existsSync(TIME);
  const stdout = stdoutFile ? openSync(stdoutFile, 'w') : (devNull ??= openSync('/dev/null', 'w'));
  const options: SpawnOptions = { stdio: ['ignore', stdout, 'inherit'], env: { ...process.env, PORTOLAN_LOG_LEVEL: 'silent' } };
  const [file, argv] = measured ? [TIME, ['-f', '%U %S %M', '-o', out, cmd, ...args]] : [cmd, args];
  return { file, argv, options, stdout, stdoutFile, out, measured, what: `${cmd} ${args.join(' ')}` };
}

/** The figures of a run that ended with `status` after `since`; throws when it failed. */
function result(run: Launch, status: number | null, since: bigint): TimedRun {
  const wall_s = Number(process.hrtime.bigint() - since) / 1e9;
  if (run.stdoutFile) closeSync(run.stdout);
  if (status !== 0) throw new Error(`${run.what} exited ${status}`);
  if (!run.measured) return { wall_s, cpu_s: NaN, peak_rss_mib: NaN };
  const [user, sys, rssKb] = readFileSync(run.out, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
  rmSync(run.out, { force: true });
  return { wall_s, cpu_s: user + sys, peak_rss_mib: rssKb / 1024 };
}

/**
 * Runs a command to its end, its logs silenced and its output discarded (or written to `stdoutFile`);
 * throws when it fails.
 */
export function timedRun(cmd: string, args: string[], stdoutFile?: string): TimedRun {
  const run = launch(cmd, args, stdoutFile);
  const t = process.hrtime.bigint();
  return result(run, spawnSync(run.file, run.argv, run.options as SpawnSyncOptions).status, t);
}

/** The same, with its CPU time by thread (bench/thread-cpu.ts), read while it runs. */
export async function timedRunByThread(cmd: string, args: string[], stdoutFile?: string): Promise<TimedRun & { threads: ThreadCpu }> {
  const run = launch(cmd, args, stdoutFile);
  const t = process.hrtime.bigint();
  const child = spawn(run.file, run.argv, run.options);
  const sampler = sampleThreadCpu(child.pid!);
  const status = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('exit', resolve));
  const threads = sampler.stop();
  return { ...result(run, status, t), threads };
}

const BGPDUMP = '/usr/bin/bgpdump';
export const hasBgpdump = existsSync(BGPDUMP);

/** `bgpdump -m FILE` timed as above, the reference of the CLI benches; NaN figures when Debian's bgpdump is not installed. */
export function timedBgpdump(file: string): TimedRun {
  return hasBgpdump ? timedRun(BGPDUMP, ['-m', file]) : { wall_s: NaN, cpu_s: NaN, peak_rss_mib: NaN };
}
