/**
 * How a bench runs the `portolan` CLI: as users run it (bin/portolan.js, which starts the bundles
 * and dist/ that `npm ci` or `npm run build` wrote), unless dist/ is older than the sources; then
 * through tsx, whose start-up costs about half a second more and whose loader also runs in every
 * worker thread.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../common/paths.js';

export interface CliCommand {
  /** Arguments for process.execPath before the command's own. */
  args: string[];
  /** 'bin (dist)', or why it is not. */
  label: string;
}

/** Whether dist/ is at least as new as the sources, so a bench may run the compiled modules users run. */
export function distIsFresh(): boolean {
  const dist = join(projectRoot(), 'dist', 'cli', 'main.js');
  return existsSync(dist) && statSync(dist).mtimeMs >= newestSource(['analyzer', 'cli', 'collector', 'common']);
}

export function portolanCli(): CliCommand {
  return distIsFresh() ? { args: [join(projectRoot(), 'bin', 'portolan.js')], label: 'bin (dist)' } : { args: ['--import', 'tsx', join(projectRoot(), 'cli', 'main.ts')], label: 'tsx (dist older than the sources: npm run build)' };
}

function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const d of dirs) walk(join(projectRoot(), d));
  return newest;
}

/** A command's wall time; with GNU time installed also its CPU time and peak RSS (a child's are not in the bench's own rusage). */
export interface TimedRun {
  wall_s: number;
  cpu_s: number;
  peak_rss_mib: number;
}

const TIME = '/usr/bin/time';
let devNull: number | undefined;

/** Runs a command to its end, its output discarded and its logs silenced; throws when it fails. */
export function timedRun(cmd: string, args: string[]): TimedRun {
  const out = join(tmpdir(), `bench-${process.pid}.time`);
  const timed = existsSync(TIME);
  const options: SpawnSyncOptions = { stdio: ['ignore', (devNull ??= openSync('/dev/null', 'w')), 'inherit'], env: { ...process.env, PORTOLAN_LOG_LEVEL: 'silent' } };
  const t = process.hrtime.bigint();
  const r = timed ? spawnSync(TIME, ['-f', '%U %S %M', '-o', out, cmd, ...args], options) : spawnSync(cmd, args, options);
  const wall_s = Number(process.hrtime.bigint() - t) / 1e9;
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
