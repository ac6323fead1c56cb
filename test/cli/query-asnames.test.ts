import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addAsNameColumn, asNameIndex } from '../../analyzer/asnames/index.js';
import { packageVersion } from '../../common/paths.js';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';

let dir: string;
let names: string;

beforeAll(() => {
  dir = makeTmpDir('query-asnames');
  names = join(dir, 'asn.txt');
  writeFileSync(names, '3333 RIPE-NCC-AS Reseaux IP Europeens, NL\n13335 CLOUDFLARENET, US\n');
});

describe('AS names in query output', () => {
  it('adds as_name after origin_asn or asn', () => {
    const idx = asNameIndex([{ asn: 3333, name: 'RIPE-NCC-AS', cc: 'NL' }]);
    expect(addAsNameColumn(['prefix', 'origin_asn', 'n'], [{ prefix: 'p', origin_asn: 3333, n: 1 }, { prefix: 'q', origin_asn: '7', n: 2 }], idx)).toEqual({
      columns: ['prefix', 'origin_asn', 'as_name', 'n'],
      rows: [
        { prefix: 'p', origin_asn: 3333, as_name: 'RIPE-NCC-AS', n: 1 },
        { prefix: 'q', origin_asn: '7', as_name: null, n: 2 },
      ],
    });
    expect(addAsNameColumn(['asn'], [{ asn: 'AS3333' }], idx).rows).toEqual([{ asn: 'AS3333', as_name: 'RIPE-NCC-AS' }]);
    const untouched = { columns: ['prefix'], rows: [{ prefix: 'p' }] };
    expect(addAsNameColumn(untouched.columns, untouched.rows, idx)).toEqual(untouched);
    expect(addAsNameColumn(['asn'], [{ asn: 1 }], null)).toEqual({ columns: ['asn'], rows: [{ asn: 1 }] });
  });

  it('portolan query --as-names prints the names (SQL against a fresh store)', async () => {
    const r = await runCli(['query', '--db', join(dir, 'db'), '--as-names', names, '--format', 'csv', '--log-level', 'error', 'SELECT arrayJoin([3333, 13335, 1]) AS origin_asn ORDER BY origin_asn']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split(/\r?\n/)).toEqual(['origin_asn,as_name', '1,', '3333,RIPE-NCC-AS Reseaux IP Europeens', '13335,CLOUDFLARENET']);
  }, 60_000);

  it('without --as-names: asn.txt in --cache-dir (or PORTOLAN_CACHE_DIR), as registry update leaves it', async () => {
    const sql = 'SELECT arrayJoin([3333, 1]) AS origin_asn ORDER BY origin_asn';
    const flag = await runCli(['query', '--db', join(dir, 'db2'), '--cache-dir', dir, '--format', 'csv', '--log-level', 'error', sql]);
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stdout.trim().split(/\r?\n/)).toEqual(['origin_asn,as_name', '1,', '3333,RIPE-NCC-AS Reseaux IP Europeens']);
    const env = await runCli(['query', '--db', join(dir, 'db2'), '--format', 'csv', '--log-level', 'error', sql], { env: { PORTOLAN_CACHE_DIR: dir } });
    expect(env.stdout).toContain('3333,RIPE-NCC-AS Reseaux IP Europeens');
  }, 60_000);
});

describe('portolan --version', () => {
  it('prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(packageVersion());
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  }, 30_000);
});
