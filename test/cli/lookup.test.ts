import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { writeFixture } from '../analyzer/classify/fixture.js';

let dir: string;
let mmdb: string;
const base = () => ['lookup', '--rir-dir', dir, '--geo', mmdb, '--log-level', 'error'];

beforeAll(() => {
  dir = makeTmpDir('lookup-cli');
  mmdb = writeFixture(dir).mmdb;
});

describe('portolan lookup', () => {
  it('prints a human-readable description', async () => {
    const r = await runCli([...base(), '41.1.0.0/16', 'AS4134']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('41.1.0.0/16\n');
    expect(r.stdout).toMatch(/registry\s+AFRINIC allocated cc SC 20100101 holder AF000002\s+41\.1\.0\.0\/16 \(100%\)/);
    expect(r.stdout).toMatch(/IANA\s+41\.0\.0\.0\/8 AFRINIC ALLOCATED/);
    expect(r.stdout).toMatch(/geo\s+HK 100%/);
    // Delegated in 2010, before AFRINIC's soft landing: CPM 5.4.6.2's scope is disputed, no breach claimed.
    expect(r.stdout).toMatch(/kinds\s+geo-out-of-region \(abroad-inconsistent\)\s+severity medium/);
    expect(r.stdout).toContain(
      'why        41.1.0.0/16 is registered with AFRINIC to a holder in SC; 100% of its geolocated addresses are in HK (APNIC region); AFRINIC CPM 5.4.6.2 expects use outside the region only in support of connectivity back to it (scope disputed for space allocated before soft landing on 2017-04-03, as this was in 2010), see https://afrinic.net/policy/manual.',
    );
    expect(r.stdout).toContain('AS4134 is registered with APNIC to a holder in CN since 2002-01-01.');
  }, 30_000);

  it('--json: one object per target in input order; a bad target is an error for that target only', async () => {
    const targets = ['41.1.0.0/16', 'AS37000', '41.4.1.2', 'not-a-target', '185.1.0.0/16', '41.7.0.0/16', '2c0f:f000::/32', '41.0.0.1/16'];
    const r = await runCli([...base(), '--json', ...targets]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"not-a-target": not an IP address, prefix (address/length) or AS number');
    expect(r.stderr).toContain('"41.0.0.1/16": host bits set; did you mean 41.0.0.0/16?');
    expect(r.stderr).toContain('2 of 8 targets could not be parsed');
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => x.target)).toEqual(targets);
    const [geo, asn, ip, bad, moved, free, v6, host] = rows;
    for (const key of ['target', 'rir', 'cc', 'status', 'records', 'iana', 'geo', 'region', 'kinds', 'why']) expect(geo).toHaveProperty(key);
    expect(geo).toMatchObject({ type: 'prefix', rir: 'afrinic', cc: 'SC', status: 'allocated', region: 'apnic', geo: { HK: 1 }, kinds: ['geo-out-of-region'], geoSubkind: 'abroad-inconsistent' });
    expect(geo.records).toEqual([
      { rir: 'afrinic', cc: 'SC', type: 'ipv4', start: '41.1.0.0', value: 65536, date: '20100101', status: 'allocated', opaqueId: 'AF000002', cidr: '41.1.0.0/16', share: 1 },
    ]);
    expect((geo.iana as { rir: string }).rir).toBe('afrinic');
    expect(asn).toMatchObject({ type: 'asn', resource: 'AS37000', rir: 'afrinic', cc: 'ZA', status: 'assigned', geo: null, region: 'afrinic', kinds: [] });
    expect(ip).toMatchObject({ type: 'ip', resource: '41.4.1.2/32', rir: 'afrinic', geo: { HK: 1 } });
    expect(bad).toEqual({ target: 'not-a-target', error: '"not-a-target": not an IP address, prefix (address/length) or AS number' });
    expect(moved).toMatchObject({ rir: 'ripencc', kinds: ['transferred'] });
    expect((moved.transfers as Array<{ fromRir: string }>)[0].fromRir).toBe('arin');
    expect(free).toMatchObject({ rir: null, coverage: 'none', kinds: ['unregistered'] });
    expect((free.free as unknown[]).length).toBe(1);
    expect(v6).toMatchObject({ rir: 'afrinic', cc: 'MU', geo: { MU: 1 }, kinds: [] });
    expect(host).toHaveProperty('error');
  }, 30_000);

  it('- reads targets from stdin, streaming, in order', async () => {
    const targets: string[] = [];
    for (let i = 0; i < 3000; i++) targets.push(i % 3 === 0 ? `41.${i % 8}.${i % 256}.1` : i % 3 === 1 ? `AS${[37000, 4134, 3333][i % 3]}` : `41.${i % 8}.0.0/16`);
    const input = ['# comment', '', ...targets].join('\n') + '\n';
    const r = await runCli([...base(), '--json', 'AS3356', '-'], { input });
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { target: string; why: string });
    expect(rows.map((x) => x.target)).toEqual(['AS3356', ...targets]);
    expect(rows.every((x) => typeof x.why === 'string' && x.why.endsWith('.'))).toBe(true);
  }, 60_000);

  it('names the missing folder or geo file', async () => {
    const noDir = await runCli(['lookup', '--rir-dir', join(dir, 'nope'), '--geo', mmdb, '1.1.1.1']);
    expect(noDir.code).not.toBe(0);
    expect(noDir.stderr).toMatch(/portolan lookup: .*nope.* does not exist; pass --rir-dir DIR, or run `portolan registry update`/);
    const noGeo = await runCli(['lookup', '--rir-dir', dir, '--geo', join(dir, 'missing.mmdb'), '1.1.1.1']);
    expect(noGeo.code).not.toBe(0);
    expect(noGeo.stderr).toContain(`portolan lookup: geo database ${join(dir, 'missing.mmdb')} does not exist`);
  }, 30_000);
});
