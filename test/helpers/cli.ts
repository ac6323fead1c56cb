import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../common/paths.js';

/** tsx's loader by URL, so the CLI also runs from a working folder outside the project. */
export const TSX = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Whether dist/ is at least as new as every source it is built from. */
export function distIsFresh(): boolean {
  const dist = join(projectRoot(), 'dist', 'cli', 'main.js');
  return existsSync(dist) && statSync(dist).mtimeMs >= newestSource(['analyzer', 'cli', 'collector', 'common', 'dashboard']);
}

function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.(ts|tsx)$/.test(e.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const d of dirs) walk(join(projectRoot(), d));
  return newest;
}

export interface CliCommand {
  /** Arguments for process.execPath before the command's own. */
  args: string[];
  /** 'bin (dist)', or why it is not. */
  label: string;
}

let cli: CliCommand | undefined;

/**
 * The `portolan` CLI as node arguments: bin/portolan.js, as users run it (the bundles and dist/
 * that `npm ci` or `npm run build` wrote, as CI has them), unless dist/ is older than the sources
 * (sources edited since the last build); then cli/main.ts through tsx, whose start-up costs about
 * 0.8 s more CPU a process (a test suite starts hundreds) and whose loader runs in every worker
 * thread too. Decided once per process.
 */
export function portolanCli(): CliCommand {
  cli ??= distIsFresh()
    ? { args: [join(projectRoot(), 'bin', 'portolan.js')], label: 'bin (dist)' }
    : { args: ['--import', TSX, join(projectRoot(), 'cli', 'main.ts')], label: 'tsx (dist older than the sources: npm run build)' };
  return cli;
}

/** Runs the `portolan` CLI (portolanCli), as a user would run it. */
export function runCli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...portolanCli().args, ...args], {
      cwd: opts.cwd ?? projectRoot(),
      env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * CLIs this process runs afterwards save the routing state after small files, as after a backfill's
 * large ones (by default not before 50,000 elements: cli/ingest/file-runner.ts stateSaveDue): for
 * tests of what a rerun takes back.
 */
export function saveStateAfterSmallFiles(): void {
  process.env.PORTOLAN_STATE_SAVE_AT_LEAST = '0';
}
