/**
 * `portolan lookup` on space whose records come from several RIRs: when nesting resolves it
 * (the most specific record wins), lookup names the registering RIR and keeps the conflicts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { writeFixture } from '../analyzer/classify/fixture.js';
import { writeNestingFixture } from '../analyzer/registry/nesting-fixture.js';

let dir: string;
let mmdb: string;
const base = () => ['lookup', '--rir-dir', dir, '--geo', mmdb, '--log-level', 'error'];

beforeAll(() => {
  dir = makeTmpDir('lookup-nesting');
  writeNestingFixture(dir);
  // only the geo database of the classifier fixture (its RIR files stay in their own folder)
  const geoDir = join(dir, 'geo');
  mkdirSync(geoDir);
  mmdb = writeFixture(geoDir).mmdb;
});

describe('portolan lookup: nested records of several RIRs', () => {
  it('text: names the registering RIR, its record and the one around it, and keeps the conflicts', async () => {
    const r = await runCli([...base(), '146.88.62.0/23', '5.0.0.0/24', '41.0.0.0/22', '146.88.0.0/18', '146.88.200.0/24', '2620:0:100:5::/64']);
    expect(r.code).toBe(0);
    const blocks = r.stdout.split('\n\n');
    const [carve, iana, alpha, across, plain, v6] = blocks;
    expect(carve).toMatch(/\n {2}rir {8}registered with APNIC \(146\.88\.32\.0\/19, most specific; inside ARIN 146\.88\.0\.0\/16\)\n/);
    expect(carve).toMatch(/conflict\s+APNIC also lists 146\.88\.32\.0\/19/);
    expect(carve).toMatch(/conflict\s+ARIN also lists 146\.88\.0\.0\/16/);
    // The classifier takes the carve-out's record: its holder country, and a why that says so.
    expect(carve).toMatch(/\n {2}why {8}146\.88\.62\.0\/23 is registered with APNIC \(146\.88\.32\.0\/19, inside ARIN 146\.88\.0\.0\/16\) to a holder in TH/);
    expect(iana).toContain("rir        registered with RIPE NCC (5.0.0.0/24, IANA's designee; LACNIC lists the same space)");
    expect(alpha).toContain('rir        registered with ARIN (41.0.0.0/22, first RIR alphabetically; LACNIC lists the same space)');
    // across a carve-out boundary: no registering RIR, conflicts listed
    expect(across).not.toMatch(/\n {2}rir /);
    expect(across).toMatch(/conflict\s+ARIN also lists 146\.88\.0\.0\/16/);
    // one RIR only: nothing new
    expect(plain).not.toMatch(/\n {2}rir |conflict/);
    expect(v6).toContain('rir        registered with APNIC (2620:0:100:5::/64, most specific; inside LACNIC 2620:0:100::/40, ARIN 2620::/23)');
  }, 30_000);

  it('--json: rir and how it was resolved, with the conflicts', async () => {
    const r = await runCli([...base(), '--json', '146.88.62.0/23', '146.88.0.0/18', '5.0.0.0/24']);
    expect(r.code).toBe(0);
    const [carve, across, same] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(carve).toMatchObject({
      rir: 'apnic',
      cc: 'TH',
      status: 'allocated',
      coverage: 'full',
      registering: {
        rir: 'apnic',
        records: ['146.88.32.0/19'],
        inside: [{ rir: 'arin', cidr: '146.88.0.0/16' }],
        sameSpace: [],
        text: 'registered with APNIC (146.88.32.0/19, most specific; inside ARIN 146.88.0.0/16)',
      },
    });
    expect((carve.conflicts as Array<{ rir: string; cidr: string }>).map((c) => [c.rir, c.cidr])).toEqual([
      ['apnic', '146.88.32.0/19'],
      ['arin', '146.88.0.0/16'],
    ]);
    expect(across).toMatchObject({ rir: null });
    expect(across).not.toHaveProperty('registering');
    expect((across.conflicts as unknown[]).length).toBeGreaterThan(1);
    expect(same).toMatchObject({ rir: 'ripencc', registering: { records: ['5.0.0.0/24'], inside: [], sameSpace: [{ rir: 'lacnic', cidr: '5.0.0.0/24' }] } });
  }, 30_000);
});
