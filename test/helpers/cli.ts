import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../common/paths.js';

/** tsx's loader by URL, so the CLI also runs from a working folder outside the project. */
export const TSX = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the `portolan` CLI from sources (through tsx), as a user would run it. */
export function runCli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, join(projectRoot(), 'cli', 'main.ts'), ...args], {
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
