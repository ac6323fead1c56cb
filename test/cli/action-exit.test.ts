/**
 * A command wrapped with `exitWhenDone` (parse, index build, index backfill) ends the process as
 * soon as it is done, with its exit code, after every byte of its output and of its log has
 * reached the reader, even with work still scheduled (which would otherwise keep the process
 * alive). With the native addon built (npm ci builds it) the end goes through native/exit-now.c.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../common/paths.js';
import { TSX } from '../helpers/cli.js';

const OUTPUT = 4 << 20; // more than a pipe holds: the reader must drain it while the child exits

function runScript(exitCode: number, fail: boolean, logs = false): Promise<{ code: number | null; stdout: number; stderr: string }> {
  const actionModule = JSON.stringify(join(projectRoot(), 'cli', 'action.ts'));
  const logModule = JSON.stringify(join(projectRoot(), 'common', 'log.ts'));
  const script = `
    import { Command } from 'commander';
    const { action } = await import(${actionModule});
    const { log } = await import(${logModule});
    setInterval(() => {}, 1000); // would keep the process alive
    const command = new Command('probe').action(action(async () => {
      process.stdout.write('x'.repeat(${OUTPUT}));
      // The logger writes asynchronously: its last lines must still arrive.
      if (${logs}) for (let i = 0; i < 20000; i++) log.warn({ i }, 'probe line');
      process.exitCode = ${exitCode};
      if (${fail}) throw new Error('probe failed');
    }, { exitWhenDone: true }));
    await command.parseAsync(['node', 'probe']);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = 0;
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.length));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a command that exits when done', () => {
  it('ends with its exit code once all its output is out', async () => {
    const r = await runScript(3, false);
    expect(r).toEqual({ code: 3, stdout: OUTPUT, stderr: '' });
  }, 60_000);

  it("the logger's last lines arrive before it ends", async () => {
    const r = await runScript(0, false, true);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(OUTPUT);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { i: number; msg: string });
    expect(lines.map((l) => l.i)).toEqual([...Array(20000).keys()]);
  }, 60_000);

  it('a failure still exits, with its message and code 1', async () => {
    const r = await runScript(0, true);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(OUTPUT);
    expect(r.stderr).toContain('probe failed');
  }, 60_000);
});
