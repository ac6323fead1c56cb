/**
 * `portolan index build` on real files agrees exactly with an independent computation
 * (reference.ts: the parser's elements, the delegated files read line by line, the MMDB read
 * through mmdb-lib), field by field: routed, geolocated, in/out of region, prefixes, origin
 * registry, top contributors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultGeoPath } from '../../../analyzer/geo/index.js';
import { SPECIAL_PURPOSE } from '../../../analyzer/accounting/special-purpose.js';
import { INDEX_RIRS, type PortabilityIndex } from '../../../analyzer/models/accounting.js';
import { regionOf } from '../../../analyzer/registry/regions.js';
import { readMrtElems } from '../../../collector/mrt/index.js';
import { runCli } from '../../helpers/cli.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { referenceIndex, toUnit, topTen, type RefElem } from './reference.js';

const readDelegated = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.startsWith('delegated-'))
    .map((f) => {
      const buf = readFileSync(join(dir, f));
      return (f.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
    });

async function elems(file: string): Promise<RefElem[]> {
  const out: RefElem[] = [];
  for await (const e of readMrtElems(file)) out.push(e);
  return out;
}

async function compare(mrt: string, rirDir: string, minPeers: number): Promise<PortabilityIndex> {
  const run = await runCli(['index', 'build', mrt, '--rir-dir', rirDir, '--iana-dir', sharedData('iana'), '--min-peers', String(minPeers), '--json', '--no-store', '--log-level', 'error']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const got = JSON.parse(run.stdout) as PortabilityIndex;
  const ref = referenceIndex({
    elems: await elems(mrt),
    delegated: readDelegated(rirDir),
    mmdb: readFileSync(defaultGeoPath()),
    v4: [8, 24],
    v6: [16, 48],
    minPeers,
    // The special-purpose table and the region table are reference data, not computation.
    special: SPECIAL_PURPOSE.map((s) => s.prefix),
    regionOf,
  });
  expect(got.params.registry_conflicts).toEqual({ ipv4: 0, ipv6: 0 }); // the reference's tie rule is not IANA's
  for (const family of [4, 6] as const) {
    const key = family === 4 ? 'ipv4' : 'ipv6';
    for (const rir of INDEX_RIRS) {
      const g = got[key][rir];
      const r = ref[family][rir];
      const where = `${key} ${rir}`;
      expect({ where, routed: g.routed, geolocated: g.geolocated, in_region: g.in_region, out_of_region: g.out_of_region }).toEqual({
        where,
        routed: toUnit(family, r.routed),
        geolocated: toUnit(family, r.geolocated),
        in_region: toUnit(family, r.in_region),
        out_of_region: toUnit(family, r.out_of_region),
      });
      expect({ where, ...g.prefixes, share_out: undefined }).toEqual({ where, ...r.prefixes, share_out: undefined });
      expect({ where, same: g.by_origin.same_rir, other: g.by_origin.other_rir, unknown: g.by_origin.unknown }).toEqual({
        where,
        same: toUnit(family, r.same_rir),
        other: toUnit(family, r.other_rir),
        unknown: toUnit(family, r.unknown),
      });
      expect(g.top_holders.map((c) => [c.key, c.out_of_region])).toEqual(topTen(family, r.holders));
      expect(g.top_origins.map((c) => [c.key, c.out_of_region])).toEqual(topTen(family, r.origins));
      expect(g.top_countries.map((c) => [c.key, c.out_of_region])).toEqual(topTen(family, r.countries));
    }
  }
  return got;
}

describe.skipIf(!hasSharedData)(`index build agrees with an independent computation (${sharedDataSkipReason})`, () => {
  it('RIS RIB of 2002-07-22 with the 2013-08-13 registry: each address once, union 1.16 G not the 1.29 G sum of prefixes', async () => {
    const got = await compare(sharedData('mrt', 'bgpdump-testdata', 'bview.20020722.2337.gz'), sharedData('rir', '2013-08-13'), 1);
    const union = INDEX_RIRS.reduce((a, r) => a + got.ipv4[r].routed, 0);
    expect(union).toBeGreaterThan(1.15e9);
    expect(union).toBeLessThan(1.17e9);
    expect(got.date).toBe('2002-07-22');
    expect(got.params.prefixes_seen.ipv4.special_purpose).toBeGreaterThan(0);
  }, 180_000);

  it('RIS updates of 2016-08-11 (IPv4 and IPv6, withdrawals) with the 2014-07-01 registry, at 1 and 2 peers', async () => {
    const file = sharedData('mrt', 'bgpdump-testdata', 'updates.20160811.1600.gz');
    const one = await compare(file, sharedData('rir', '2014-07-01'), 1);
    const two = await compare(file, sharedData('rir', '2014-07-01'), 2);
    expect(one.params.prefixes_seen.ipv6.kept).toBeGreaterThan(0);
    expect(two.params.prefixes_seen.ipv4.kept).toBeLessThan(one.params.prefixes_seen.ipv4.kept);
  }, 180_000);
});
