/**
 * The allocation-free paths added for speed must answer exactly as the general ones: the
 * canonical IPv4 prefix parser, and prefix() inside one segment against the general overlap walk.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packedIpv4Prefix } from '../../../common/ip.js';
import { loadRegistry, type RegistryIndex } from '../../../analyzer/registry/index.js';
import type { PrefixRegistration } from '../../../analyzer/models/registry.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeFixtureDir } from './fixtures.js';

/** The general path (every overlapping piece walked and sorted), which the fast path must match. */
const general = (index: RegistryIndex, prefix: string): PrefixRegistration => {
  const [addr, len] = prefix.split('/');
  const n = addr.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  return (index as unknown as { prefix4Overlaps(first: number, len: number): PrefixRegistration }).prefix4Overlaps(n, Number(len));
};

const text = (n: number, len: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${len}`;

describe('packedIpv4Prefix', () => {
  it('packs canonical prefixes as start * 64 + length', () => {
    expect(packedIpv4Prefix('10.1.2.0/24')).toBe(((10 * 256 + 1) * 256 + 2) * 256 * 64 + 24);
    expect(packedIpv4Prefix('0.0.0.0/0')).toBe(0);
    expect(packedIpv4Prefix('255.255.255.255/32')).toBe(4294967295 * 64 + 32);
    expect(packedIpv4Prefix('154.80.0.0/16')).toBe((154 * 256 + 80) * 65536 * 64 + 16);
  });

  it('refuses anything not canonical, so the general parser decides', () => {
    for (const bad of ['10.1.2.1/24', '10.01.2.0/24', '10.1.2.0/024', '10.1.2.0/33', '10.1.2.0', '10.1.2.0/', ' 10.1.2.0/24', '10.1.2.0/24 ', '10.1.2/24', '10.1.2.0.0/24', '256.0.0.0/8', '2001:db8::/32', '', '10.1.2.0/2a']) {
      expect(packedIpv4Prefix(bad), bad).toBe(-1);
    }
  });
});

describe('prefix(): single-segment fast path equals the general walk (fixtures)', () => {
  let index: RegistryIndex;
  beforeAll(async () => {
    const dir = makeTmpDir('fast-paths');
    writeFixtureDir(dir);
    writeFileSync(join(dir, 'ipv4-address-space.csv'), 'Prefix,Designation,Date,WHOIS,RDAP,Status [1],Note\n002/8,RIPE NCC,2009-09,whois.ripe.net,,ALLOCATED,\n');
    index = await loadRegistry({ rirDir: dir });
  });

  it('gives identical answers for every /8../32 over the fixture records', () => {
    let compared = 0;
    let covered = 0;
    for (const r of index.records) {
      if (r.type !== 'ipv4') continue;
      const start = r.start.split('.').reduce((a, o) => a * 256 + Number(o), 0);
      for (let len = 8; len <= 32; len++) {
        for (const at of [start, start + r.value - 1, start + Math.floor(r.value / 2)]) {
          const size = 2 ** (32 - len);
          const p = text(at - (at % size), len);
          const fast = index.prefix(p);
          expect(fast, p).toEqual(general(index, p));
          compared++;
          if (fast.coverage === 'full') covered++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(covered).toBeGreaterThan(10);
  });
});

describe.skipIf(!hasSharedData)(`prefix(): fast path equals the general walk on real files (${sharedDataSkipReason})`, () => {
  it('matches on 20,000 real RIB prefixes and their /32s', async () => {
    const index = await loadRegistry({
      files: [
        ...['afrinic', 'apnic', 'lacnic', 'ripencc'].map((r) => sharedData('rir/2014-07-01', `delegated-${r}-latest.gz`)),
        sharedData('rir/2013-08-13/delegated-arin-latest.gz'),
        sharedData('iana/ipv4-address-space.csv'),
      ],
    });
    const { createReadStream } = await import('node:fs');
    const { createInterface } = await import('node:readline');
    const { createGunzip } = await import('node:zlib');
    const prefixes: string[] = [];
    let row = 0;
    for await (const line of createInterface({ input: createReadStream(sharedData('prefix2as', 'ipasn_20140513.dat.gz')).pipe(createGunzip()) })) {
      if (line.startsWith(';') || !line) continue;
      // Every 25th prefix: spread over the whole table.
      if (row++ % 25 === 0) prefixes.push(line.slice(0, line.indexOf('\t')));
    }
    let full = 0;
    for (const p of prefixes) {
      const fast = index.prefix(p);
      expect(fast, p).toEqual(general(index, p));
      if (fast.coverage === 'full') full++;
      const host = p.replace(/\/\d+$/, '/32');
      expect(index.prefix(host), host).toEqual(general(index, host));
    }
    expect(full).toBeGreaterThan(prefixes.length / 2);
  });
});
