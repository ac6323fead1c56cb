/**
 * Shared flags come from the command line, then PORTOLAN_<NAME>, then portolan.yml, then the
 * default; checked through a real command run in a folder with its own portolan.yml.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envName } from '../../common/config.js';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';

const dir = makeTmpDir('config');
const rir = (name: string, cc: string) => {
  const d = join(dir, name);
  mkdirSync(d);
  writeFileSync(join(d, 'delegated-ripencc-latest'), `2|ripencc|20240101|1|19930101|20240101|+0000\nripencc|*|ipv4|*|1|summary\nripencc|${cc}|ipv4|193.0.0.0|2048|19930901|allocated\n`);
  return d;
};

describe('configuration precedence', () => {
  const fromFile = rir('from-file', 'NL');
  const fromEnv = rir('from-env', 'DE');
  const fromFlag = rir('from-flag', 'FR');
  writeFileSync(join(dir, 'portolan.yml'), `rirDir: ${fromFile}\nlog-level: warn\n`);

  const statsPath = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = await runCli(['registry', 'stats', '--json', ...args], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    return JSON.stringify(JSON.parse(r.stdout));
  };

  it('takes portolan.yml (camelCase or flag keys), then the environment, then the flag', async () => {
    expect(envName('rir-dir')).toBe('PORTOLAN_RIR_DIR');
    expect(await statsPath([])).toContain('from-file');
    expect(await statsPath([], { PORTOLAN_RIR_DIR: fromEnv })).toContain('from-env');
    expect(await statsPath(['--rir-dir', fromFlag], { PORTOLAN_RIR_DIR: fromEnv })).toContain('from-flag');
  });

  it('rejects a portolan.yml that is not a mapping, naming the file', async () => {
    const bad = makeTmpDir('config-bad');
    writeFileSync(join(bad, 'portolan.yml'), '- just\n- a list\n');
    const r = await runCli(['registry', 'stats'], { cwd: bad });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('portolan: portolan.yml: expected a mapping of option names to values\n');
  });
});
