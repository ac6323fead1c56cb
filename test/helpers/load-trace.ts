/**
 * Runs Node on `args` with a module-loader hook that lists every module the run loads (file:
 * URLs, in order). The hook appends to a file synchronously: hooks run on their own thread, whose
 * stderr reaches the process asynchronously and can lose its last lines when a command ends at once.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TracedRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The URLs of the modules loaded, in order. */
  loaded: string[];
}

let runs = 0;

/** `dir`: a temporary folder for the hook and the trace (also the run's working directory). */
export function runTracingLoads(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): TracedRun {
  const hook = join(dir, 'trace-loads.mjs');
  writeFileSync(
    hook,
    "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(process.env.TRACE_LOADS, `${url}\\n`); return next(url, context); }\n",
  );
  const trace = join(dir, `loads-${process.pid}-${++runs}.txt`);
  writeFileSync(trace, '');
  const r = spawnSync(process.execPath, ['--no-warnings', '--experimental-loader', hook, ...args], {
    cwd: dir,
    env: { ...process.env, ...env, TRACE_LOADS: trace },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, loaded };
}
