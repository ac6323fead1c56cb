import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../common/paths.js';
import { setLogLevel } from '../../common/log.js';
import { Shutdown } from '../../common/shutdown.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('shutdown');
const shutdownModule = join(projectRoot(), 'common', 'shutdown.ts');

/**
 * A child that registers closers a, b, c (c behaves as `behaviour` says), prints "ready" and
 * idles; each closer prints its name when it finishes.
 */
function childScript(name: string, behaviour: 'ok' | 'throw' | 'hang' | 'slow' | 'now' | 'chatty'): string {
  const file = join(dir, `${name}.mts`); // ESM: the script uses top-level await
  writeFileSync(
    file,
    `import { writeSync } from 'node:fs';
import { onShutdown, shutdownNow } from ${JSON.stringify(shutdownModule)};
import { log } from ${JSON.stringify(join(projectRoot(), 'common', 'log.ts'))};
const say = (s: string) => writeSync(1, s + '\\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
onShutdown('a', async () => { await sleep(20); say('closed a'); });
onShutdown('b', () => { say('closed b'); });
onShutdown('c', async () => {
  const how = ${JSON.stringify(behaviour)};
  if (how === 'throw') throw new Error('c broke');
  if (how === 'hang') await new Promise(() => {});
  if (how === 'slow') { say('c started'); await sleep(3000); }
  // 40 MB of log: lines are still being written on libuv's threads when the shutdown ends.
  if (how === 'chatty') for (let i = 0; i < 20000; i++) log.warn({ i, pad: 'x'.repeat(2000) }, 'closer line');
  say('closed c');
});
if (${JSON.stringify(behaviour)} === 'now') {
  // programmatic: closers run, the process is not exited by shutdownNow and ends on its own
  const r = await shutdownNow('ingest finished');
  say('result ' + r.reason + ' ' + r.ran.join(','));
} else {
  setInterval(() => {}, 1000);
  say('ready');
}
`,
  );
  return file;
}

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the child, sends `signals` (the second once `secondAfter` appears on stdout), bounded by a kill timer. */
function runChild(file: string, signals: NodeJS.Signals[], opts: { env?: NodeJS.ProcessEnv; secondAfter?: string } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: projectRoot(),
      env: { ...process.env, PORTOLAN_LOG_FORMAT: 'json', PORTOLAN_LOG_LEVEL: 'info', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = 0;
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (sent === 0 && stdout.includes('ready\n')) child.kill(signals[sent++]);
      if (sent === 1 && signals.length > 1 && opts.secondAfter && stdout.includes(opts.secondAfter)) child.kill(signals[sent++]);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (s: string) => s.split('\n').filter((l) => l && l !== 'ready');

describe('graceful shutdown on signals (child process)', () => {
  it('SIGTERM runs the closers newest first, logs each step and exits 0', async () => {
    const r = await runChild(childScript('ok', 'ok'), ['SIGTERM']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(['closed c', 'closed b', 'closed a']);
    const logged = r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; closer?: string; reason?: string });
    expect(logged.find((l) => l.msg === 'shutting down')?.reason).toBe('SIGTERM');
    expect(logged.filter((l) => l.msg === 'closed').map((l) => l.closer)).toEqual(['c', 'b', 'a']);
  });

  it('the log lines of the shutdown all arrive before the exit (the logger writes asynchronously)', async () => {
    const r = await runChild(childScript('chatty', 'chatty'), ['SIGTERM']);
    expect(r.code).toBe(0);
    const logged = r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; i?: number });
    expect(logged.filter((l) => l.msg === 'closer line').map((l) => l.i)).toEqual(Array.from({ length: 20000 }, (_, i) => i));
    expect(logged.at(-1)?.msg).toBe('shutdown complete');
  });

  it('SIGINT works the same way', async () => {
    const r = await runChild(childScript('int', 'ok'), ['SIGINT']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(['closed c', 'closed b', 'closed a']);
  });

  it('a failing closer is logged, the others still run, exit code 1', async () => {
    const r = await runChild(childScript('throw', 'throw'), ['SIGTERM']);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toEqual(['closed b', 'closed a']);
    expect(r.stderr).toContain('c broke');
    expect(r.stderr).toContain('shutdown incomplete (failed: c');
  });

  it('a closer that hangs past the budget forces exit 1', async () => {
    const t0 = Date.now();
    const r = await runChild(childScript('hang', 'hang'), ['SIGTERM'], { env: { PORTOLAN_SHUTDOWN_TIMEOUT_MS: '300' } });
    expect(r.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.stderr).toContain('timed out: c, b, a');
  });

  it('a second signal during shutdown exits at once with a message', async () => {
    const r = await runChild(childScript('slow', 'slow'), ['SIGTERM', 'SIGTERM'], { secondAfter: 'c started' });
    expect(r.code).toBe(143);
    expect(r.stdout).not.toContain('closed');
    expect(r.stderr).toContain('second SIGTERM received, exiting now');
  });
});

describe('shutdownNow', () => {
  it('runs the process closers without a signal and leaves the exit to the caller', async () => {
    const r = await runChild(childScript('now', 'now'), []);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(['closed c', 'closed b', 'closed a', 'result ingest finished c,b,a']);
  });
});

describe('Shutdown in process', () => {
  setLogLevel('silent');
  it('runs once, in reverse order, and unregistered closers do not run', async () => {
    const s = new Shutdown({ timeoutMs: 1000 });
    const seen: string[] = [];
    s.add('first', () => void seen.push('first'));
    const off = s.add('gone', () => void seen.push('gone'));
    s.add('last', async () => void seen.push('last'));
    off();
    const [r1, r2] = await Promise.all([s.run('test'), s.run('again')]);
    expect(seen).toEqual(['last', 'first']);
    expect(r1).toBe(r2);
    expect(r1).toMatchObject({ reason: 'test', ran: ['last', 'first'], failed: [], timedOut: [], ok: true });
  });

  it('the budget covers all closers: the rest are reported as timed out', async () => {
    const s = new Shutdown({ timeoutMs: 100 });
    const seen: string[] = [];
    s.add('never', () => void seen.push('never'));
    s.add('stuck', () => new Promise(() => {}));
    const r = await s.run('test');
    expect(seen).toEqual([]);
    expect(r).toMatchObject({ ran: ['stuck'], timedOut: ['stuck', 'never'], ok: false });
  });
});
