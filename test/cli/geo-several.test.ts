/** `--geo A,B,echo:C` on lookup: each database's answer side by side, the agreement and confidence, the echo shown but not counted. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeMmdb } from '../helpers/mmdb-writer.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { writeFixture } from '../analyzer/classify/fixture.js';

let dir: string;
let geo: string;

beforeAll(() => {
  dir = makeTmpDir('geo-cli');
  const primary = writeFixture(dir).mmdb;
  const other = join(dir, 'other.mmdb');
  writeFileSync(other, writeMmdb([{ prefix: '41.1.0.0/16', data: { country_code: 'HK' } }, { prefix: '41.2.0.0/16', data: { country_code: 'ZA' } }], { ipVersion: 6, recordSize: 24 }));
  const echo = join(dir, 'registry.mmdb');
  writeFileSync(echo, writeMmdb([{ prefix: '41.0.0.0/8', data: { country_code: 'SC' } }], { ipVersion: 6, recordSize: 24 }));
  geo = `${primary},${other},echo:${echo}`;
});

describe('lookup with several geolocation databases', () => {
  it('--json: the databases side by side; agree is confirmed, disagree is disputed', async () => {
    const r = await runCli(['lookup', '--rir-dir', dir, '--geo', geo, '--log-level', 'error', '--json', '41.1.0.0/16', '41.2.0.0/16']);
    expect(r.code, r.stderr).toBe(0);
    const [agree, split] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(agree.geoDatabases.map((g: { db: string; echo: boolean; mainCountry: string }) => [g.db, g.echo, g.mainCountry])).toEqual([
      ['test-country', false, 'HK'],
      ['other', false, 'HK'],
      ['registry', true, 'SC'],
    ]);
    expect(agree).toMatchObject({ geoConfidence: 'confirmed', geoAgreement: 1 });
    expect(agree.why).toContain('in HK (APNIC region) according to 2 of 2 databases');
    expect(split).toMatchObject({ geoConfidence: 'disputed', geoAgreement: 0 });
    const human = await runCli(['lookup', '--rir-dir', dir, '--geo', geo, '--log-level', 'error', '41.1.0.0/16']);
    expect(human.stdout).toMatch(/geo db\s+registry \(registry echo, not counted\): SC \(AFRINIC region\), 100% located/);
    expect(human.stdout).toMatch(/agreement\s+100% of the located space, confirmed/);
  }, 60_000);

  it('an unreadable database in the list is an error naming it', async () => {
    const r = await runCli(['lookup', '--rir-dir', dir, '--geo', `${geo},${join(dir, 'gone.mmdb')}`, '41.1.0.0/16']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('gone.mmdb does not exist');
  }, 60_000);
});
