import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../common/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('log');
const logModule = join(projectRoot(), 'common', 'log.ts');

/** Runs a script in a fresh process (the logger is process state) and returns its stdout and stderr. */
function run(name: string, body: string, env: Record<string, string> = {}): { stdout: string; stderr: string } {
  const file = join(dir, `${name}.mts`);
  writeFileSync(
    file,
    `import { createRequire } from 'node:module';
import { log, setLogLevel, setLogger } from ${JSON.stringify(logModule)};
const pinoLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/pino/'));
const say = (s: unknown) => process.stdout.write(JSON.stringify(s) + '\\n');
${body}`,
  );
  const { PORTOLAN_LOG_LEVEL: _level, ...inherited } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', env: { ...inherited, PORTOLAN_LOG_FORMAT: 'json', ...env } });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout, stderr: r.stderr };
}

const lines = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the process logger', () => {
  it('loads pino on the first log call, not at import', () => {
    const { stdout, stderr } = run('lazy', `say(pinoLoaded()); log.warn({ file: 'x' }, 'first'); say(pinoLoaded());`);
    expect(lines(stdout)).toEqual([false, true]);
    expect(lines(stderr)).toMatchObject([{ level: 40, file: 'x', msg: 'first' }]);
  });

  it('calls below the level never load pino', () => {
    const { stdout, stderr } = run('below', `log.debug('no'); log.info('no'); log.warn('no'); say(pinoLoaded()); log.error('yes'); say(pinoLoaded());`, { PORTOLAN_LOG_LEVEL: 'error' });
    expect(lines(stdout)).toEqual([false, true]);
    expect(lines(stderr).map((l) => l.msg)).toEqual(['yes']);
    expect(lines(run('silent', `log.fatal('no'); say(pinoLoaded());`, { PORTOLAN_LOG_LEVEL: 'silent' }).stdout)).toEqual([false]);
  });

  it('a level set before the first call applies to it, and later changes apply too', () => {
    const { stderr } = run('level', `setLogLevel('warn'); log.info('hidden'); log.warn('shown'); setLogLevel('info'); log.info('now shown'); say(log.level);`);
    expect(lines(stderr).map((l) => l.msg)).toEqual(['shown', 'now shown']);
  });

  it('PORTOLAN_LOG_LEVEL sets the starting level', () => {
    const { stdout, stderr } = run('env', `log.debug('debug line'); say(log.level);`, { PORTOLAN_LOG_LEVEL: 'debug' });
    expect(lines(stdout)).toEqual(['debug']);
    expect(lines(stderr)).toMatchObject([{ level: 20, msg: 'debug line' }]);
  });

  it('setLogger replaces it, and passing back the saved logger restores it', () => {
    const { stdout, stderr } = run(
      'replace',
      `const saved = log;
const seen: unknown[] = [];
setLogger({ warn: (...a: unknown[]) => seen.push(a), level: 'warn' } as never);
log.warn('captured');
setLogger(saved);
log.warn('restored');
say(seen.length);`,
    );
    expect(lines(stdout)).toEqual([1]);
    expect(lines(stderr).map((l) => l.msg)).toEqual(['restored']);
  });
});
