import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { writeFixture } from '../analyzer/classify/fixture.js';

let dir: string;
let mmdb: string;
let names: string;

beforeAll(() => {
  dir = makeTmpDir('lookup-asnames');
  mmdb = writeFixture(dir).mmdb;
  names = join(dir, 'asn.txt');
  writeFileSync(names, '  4134 CHINANET-BACKBONE No.31,Jin-rong Street, CN\n37000 AFRINIC-ZA-JNB-AS, ZA\n');
});

describe('portolan lookup --as-names', () => {
  it('prints the name and country of an AS target, and as_name/as_cc in --json', async () => {
    const base = ['lookup', '--rir-dir', dir, '--geo', mmdb, '--log-level', 'error', '--as-names', names];
    const human = await runCli([...base, 'AS4134']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/name\s+CHINANET-BACKBONE No\.31,Jin-rong Street, CN/);
    const json = await runCli([...base, '--json', 'AS37000', 'AS1']);
    const [a, b] = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(a).toMatchObject({ resource: 'AS37000', as_name: 'AFRINIC-ZA-JNB-AS', as_cc: 'ZA' });
    expect(b).toMatchObject({ resource: 'AS1', as_name: null, as_cc: null });
  }, 30_000);

  it('PORTOLAN_AS_NAMES works, and a missing file is an error', async () => {
    const viaEnv = await runCli(['lookup', '--rir-dir', dir, '--geo', mmdb, '--log-level', 'error', '--json', 'AS4134'], { env: { PORTOLAN_AS_NAMES: names } });
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ as_cc: 'CN' });
    const missing = await runCli(['lookup', '--rir-dir', dir, '--geo', mmdb, '--log-level', 'error', '--as-names', join(dir, 'nope.txt'), 'AS4134']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('does not exist');
  }, 30_000);
});
