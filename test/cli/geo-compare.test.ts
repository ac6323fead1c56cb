/** `portolan geo compare`: the databases' agreement by RIR and by country over a prefix list, as tables and JSON. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeMmdb } from '../helpers/mmdb-writer.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { writeFixture } from '../analyzer/classify/fixture.js';

let dir: string;
let dbs: string[];
let list: string;

beforeAll(() => {
  dir = makeTmpDir('geo-compare');
  const primary = writeFixture(dir).mmdb;
  const other = join(dir, 'other.mmdb');
  writeFileSync(other, writeMmdb([{ prefix: '41.1.0.0/16', data: { country_code: 'HK' } }, { prefix: '41.2.0.0/16', data: { country_code: 'ZA' } }], { ipVersion: 6, recordSize: 24 }));
  const echo = join(dir, 'iptoasn-country.mmdb');
  writeFileSync(echo, writeMmdb([{ prefix: '41.0.0.0/8', data: { country_code: 'SC' } }], { ipVersion: 6, recordSize: 24 }));
  dbs = ['--db', primary, '--db', other, '--db', echo];
  list = join(dir, 'prefixes.txt');
  // prefix2as-like lines, a comment and a line that is no prefix.
  writeFileSync(list, '# test\n41.1.0.0/16\t4134\n41.2.0.0/16\t37000\nnot-a-prefix\n');
});

describe('portolan geo compare', () => {
  it('--json: agreement address-weighted, confidence counts, by RIR and by country; the echo is listed, not counted', async () => {
    const r = await runCli(['geo', 'compare', '--rir-dir', dir, '--log-level', 'error', ...dbs, '--json', list]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 lines are not prefixes');
    const c = JSON.parse(r.stdout) as Record<string, any>;
    expect(c.databases.map((d: { echo: boolean }) => d.echo)).toEqual([false, false, true]);
    expect(c.independent).toBe(2);
    expect(c.total).toMatchObject({ prefixes: 2, located: 131072, agreed: 65536, confirmed: 1, disputed: 1 });
    expect(c.byRir).toEqual([expect.objectContaining({ key: 'afrinic', prefixes: 2 })]);
    expect(c.byCountry.map((g: { key: string }) => g.key)).toEqual(['HK', 'SG']);
  }, 60_000);

  it('tables; fewer than two independent databases is a usage error', async () => {
    const r = await runCli(['geo', 'compare', '--rir-dir', dir, '--log-level', 'error', ...dbs, list]);
    expect(r.stdout).toContain('iptoasn-country (registry echo, not counted)');
    expect(r.stdout).toMatch(/all\s+2\s+131072\s+50\.0%\s+1\s+0\s+1/);
    expect(r.stdout).toMatch(/by registering RIR\nkey/);
    const one = await runCli(['geo', 'compare', '--rir-dir', dir, '--log-level', 'error', '--db', dbs[1], '--db', dbs[5], list]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('needs two or more independent databases');
  }, 60_000);
});
