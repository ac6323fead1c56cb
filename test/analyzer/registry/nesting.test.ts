/**
 * The registering record of an address is the most specific allocated/assigned record holding
 * it: records nest (ERX carve-outs listed by one RIR inside another RIR's legacy block). Between
 * records of identical extent from different RIRs (the same space in two files) the RIR IANA
 * designated the block to wins if it is among them, else the alphabetically first; both stay
 * visible as conflicts.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry, type RegistryIndex } from '../../../analyzer/registry/index.js';
import type { PrefixRegistration, RegisteredSegment } from '../../../analyzer/models/registry.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { writeNestingFixture } from './nesting-fixture.js';

/** Dotted quad → bigint, by hand. */
const v4 = (ip: string): bigint => BigInt(ip.split('.').reduce((a, o) => a * 256 + Number(o), 0));

/** IPv6 text → 128-bit bigint (plain code, independent of the index's parser). */
function v6(ip: string): bigint {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** Segments as [first, last, rir, record start, conflict] for readable comparisons. */
// Bounds as bigints for both families (registeredSegments(4) gives numbers).
const shape = (segs: Array<RegisteredSegment<number | bigint>>) => segs.map((s) => [BigInt(s.first), BigInt(s.last), s.record.rir, s.record.start, s.conflict]);

/** The general overlap walk (no single-segment fast path), which prefix() must equal. */
const general4 = (index: RegistryIndex, prefix: string): PrefixRegistration => {
  const [addr, len] = prefix.split('/');
  return (index as unknown as { prefix4Overlaps(first: number, len: number): PrefixRegistration }).prefix4Overlaps(Number(v4(addr)), Number(len));
};

let index: RegistryIndex;

beforeAll(async () => {
  const dir = makeTmpDir('registry-nesting');
  writeNestingFixture(dir);
  index = await loadRegistry({ rirDir: dir });
});

describe('registering RIR with nested records (IPv4)', () => {
  it('an ERX carve-out inside another RIR legacy block registers with the carve-out RIR; the conflict stays listed', () => {
    const r = index.prefix('146.88.62.0/23');
    expect(r).toMatchObject({ coverage: 'full', mixed: true, rir: 'apnic' });
    expect(r.records.map((o) => [o.record.rir, o.cidr, o.share])).toEqual([
      ['apnic', '146.88.32.0/19', 1],
      ['arin', '146.88.0.0/16', 1],
    ]);
    expect(r.conflicts.map((o) => [o.record.rir, o.cidr])).toEqual([
      ['apnic', '146.88.32.0/19'],
      ['arin', '146.88.0.0/16'],
    ]);
    expect(index.ip('146.88.62.1')).toEqual(index.prefix('146.88.62.1/32'));
    expect(index.ip('146.88.62.1').rir).toBe('apnic');
    expect(index.prefix('146.88.32.0/19').rir).toBe('apnic');
    // outside the carve-outs: ARIN's only, not mixed, no conflict
    expect(index.prefix('146.88.128.0/17')).toMatchObject({ rir: 'arin', mixed: false, conflicts: [] });
    expect(index.ip('146.88.1.1')).toMatchObject({ rir: 'arin', mixed: false, conflicts: [] });
  });

  it('two adjacent carve-outs of one RIR: a prefix over both resolves to it (several segments)', () => {
    const r = index.prefix('146.88.64.0/19');
    expect(r).toMatchObject({ coverage: 'full', mixed: true, rir: 'apnic' });
    expect(r.records.map((o) => [o.record.rir, o.cidr, o.share])).toEqual([
      ['arin', '146.88.0.0/16', 1],
      ['apnic', '146.88.64.0/20', 0.5],
      ['apnic', '146.88.80.0/20', 0.5],
    ]);
    expect(r.conflicts).toHaveLength(3);
  });

  it('a prefix across a carve-out boundary has no registering RIR (its addresses resolve to two)', () => {
    for (const p of ['146.88.0.0/18', '146.88.64.0/18', '146.88.0.0/16']) {
      const r = index.prefix(p);
      expect(r, p).toMatchObject({ coverage: 'full', mixed: true, rir: null });
      expect(r.conflicts.map((o) => o.record.rir), p).toContain('arin');
      expect(r.conflicts.map((o) => o.record.rir), p).toContain('apnic');
    }
    expect(index.prefix('146.88.0.0/15')).toMatchObject({ coverage: 'partial', rir: null });
  });

  it('identical extent, IANA designee among them: the designee wins, as a conflict', () => {
    // 5.0.0.0/24 in LACNIC's and RIPE NCC's files; IANA: 5/8 RIPE NCC (lacnic would win alphabetically)
    const r = index.prefix('5.0.0.0/24');
    expect(r).toMatchObject({ coverage: 'full', mixed: true, rir: 'ripencc' });
    expect(r.records.map((o) => o.record.rir)).toEqual(['ripencc', 'lacnic']);
    expect(r.conflicts.map((o) => o.record.rir)).toEqual(['ripencc', 'lacnic']);
    expect(index.ip('5.0.0.9').rir).toBe('ripencc');
    // a /7 in two files across two IANA /8s: each /8 goes to its designee, the /7 to nobody
    expect(index.prefix('2.0.0.0/8')).toMatchObject({ rir: 'ripencc', mixed: true });
    expect(index.prefix('2.0.0.0/8').records[0].record.rir).toBe('ripencc');
    expect(index.prefix('3.128.0.0/9')).toMatchObject({ rir: 'arin', mixed: true });
    expect(index.prefix('3.128.0.0/9').records[0].record.rir).toBe('arin');
    expect(index.prefix('2.0.0.0/7')).toMatchObject({ coverage: 'full', mixed: true, rir: null });
    expect(index.prefix('2.0.0.0/7').conflicts).toHaveLength(2);
  });

  it('identical extent, IANA designee not among them: the alphabetically first RIR wins', () => {
    // 41.0.0.0/22 in ARIN's and LACNIC's files; IANA: 41/8 AFRINIC
    const r = index.prefix('41.0.0.0/23');
    expect(r).toMatchObject({ coverage: 'full', mixed: true, rir: 'arin' });
    expect(r.records.map((o) => o.record.rir)).toEqual(['arin', 'lacnic']);
    expect(r.conflicts).toHaveLength(2);
  });

  it('the single-segment fast path answers exactly as the general walk', () => {
    for (const p of ['146.88.62.0/23', '146.88.62.1/32', '146.88.32.0/19', '146.88.64.0/19', '146.88.0.0/18', '146.88.1.0/24', '5.0.0.0/24', '5.0.0.128/25', '2.0.0.0/8', '2.0.0.0/7', '3.0.0.0/8', '41.0.0.0/22', '41.0.2.0/24', '193.0.2.0/24']) {
      expect(index.prefix(p), p).toEqual(general4(index, p));
    }
  });

  it('registeredSegments(4): disjoint, sorted, each labelled with its registering record', () => {
    const segs = index.registeredSegments(4);
    expect(shape(segs)).toEqual([
      [v4('2.0.0.0'), v4('2.255.255.255'), 'ripencc', '2.0.0.0', true],
      [v4('3.0.0.0'), v4('3.255.255.255'), 'arin', '2.0.0.0', true],
      [v4('5.0.0.0'), v4('5.0.0.255'), 'ripencc', '5.0.0.0', true],
      [v4('41.0.0.0'), v4('41.0.3.255'), 'arin', '41.0.0.0', true],
      [v4('146.88.0.0'), v4('146.88.31.255'), 'arin', '146.88.0.0', false],
      [v4('146.88.32.0'), v4('146.88.63.255'), 'apnic', '146.88.32.0', false],
      [v4('146.88.64.0'), v4('146.88.79.255'), 'apnic', '146.88.64.0', false],
      [v4('146.88.80.0'), v4('146.88.95.255'), 'apnic', '146.88.80.0', false],
      [v4('146.88.96.0'), v4('146.88.255.255'), 'arin', '146.88.0.0', false],
      // one record of three CIDR pieces, merged
      [v4('193.0.0.0'), v4('193.0.2.255'), 'ripencc', '193.0.0.0', false],
    ]);
    // computed once, then cached
    expect(index.registeredSegments(4)).toBe(segs);
  });
});

describe('registering RIR with nested records (IPv6)', () => {
  it('the most specific record wins; a prefix over a nested record has none', () => {
    const r = index.prefix('2620:0:100:5::/64');
    expect(r).toMatchObject({ coverage: 'full', mixed: true, rir: 'apnic' });
    expect(r.records.map((o) => [o.record.rir, o.cidr])).toEqual([
      ['apnic', '2620:0:100:5::/64'],
      ['lacnic', '2620:0:100::/40'],
      ['arin', '2620::/23'],
    ]);
    expect(r.conflicts.map((o) => o.record.rir).sort()).toEqual(['apnic', 'arin', 'lacnic']);
    expect(index.ip('2620:0:100:5::1').rir).toBe('apnic');
    expect(index.prefix('2620:0:100::/62')).toMatchObject({ rir: 'lacnic', mixed: true });
    expect(index.prefix('2620:0:100::/40')).toMatchObject({ coverage: 'full', rir: null, mixed: true });
    expect(index.prefix('2620::/23')).toMatchObject({ coverage: 'full', rir: null });
    expect(index.prefix('2620:1::/32')).toMatchObject({ rir: 'arin', mixed: false, conflicts: [] });
  });

  it('identical extent: IANA designee wins', () => {
    const r = index.prefix('2c0f:f000::/32');
    expect(r).toMatchObject({ coverage: 'full', mixed: true, rir: 'afrinic' });
    expect(r.records.map((o) => o.record.rir)).toEqual(['afrinic', 'ripencc']);
    expect(r.conflicts).toHaveLength(2);
  });

  it('registeredSegments(6): exact 128-bit bounds', () => {
    expect(shape(index.registeredSegments(6))).toEqual([
      [v6('2620::'), v6('2620:0:ff:ffff:ffff:ffff:ffff:ffff'), 'arin', '2620::', false],
      [v6('2620:0:100::'), v6('2620:0:100:4:ffff:ffff:ffff:ffff'), 'lacnic', '2620:0:100::', false],
      [v6('2620:0:100:5::'), v6('2620:0:100:5:ffff:ffff:ffff:ffff'), 'apnic', '2620:0:100:5::', false],
      [v6('2620:0:100:6::'), v6('2620:0:1ff:ffff:ffff:ffff:ffff:ffff'), 'lacnic', '2620:0:100::', false],
      [v6('2620:0:200::'), v6('2620:1ff:ffff:ffff:ffff:ffff:ffff:ffff'), 'arin', '2620::', false],
      [v6('2c0f:f000::'), v6('2c0f:f000:ffff:ffff:ffff:ffff:ffff:ffff'), 'afrinic', '2c0f:f000::', true],
    ]);
  });
});

/** Allocated/assigned ranges of every RIR file, read with a plain line loop. */
function delegatedRanges(paths: string[]): { 4: Array<[bigint, bigint]>; 6: Array<[bigint, bigint]> } {
  const out: { 4: Array<[bigint, bigint]>; 6: Array<[bigint, bigint]> } = { 4: [], 6: [] };
  for (const path of paths) {
    const text = gunzipSync(readFileSync(path)).toString('utf8');
    for (const line of text.split('\n')) {
      const f = line.trim().split('|');
      if (f.length < 7 || line.startsWith('#') || (f[6] !== 'allocated' && f[6] !== 'assigned')) continue;
      if (f[2] === 'ipv4') out[4].push([v4(f[3]), v4(f[3]) + BigInt(f[4]) - 1n]);
      else if (f[2] === 'ipv6') out[6].push([v6(f[3]), v6(f[3]) + (1n << BigInt(128 - Number(f[4]))) - 1n]);
    }
  }
  return out;
}

/** Size of the union of inclusive ranges (sort, merge, sum). */
function unionSize(ranges: Array<[bigint, bigint]>): bigint {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let total = 0n;
  let cur: [bigint, bigint] | null = null;
  for (const [f, l] of sorted) {
    if (cur && f <= cur[1] + 1n) {
      if (l > cur[1]) cur[1] = l;
    } else {
      if (cur) total += cur[1] - cur[0] + 1n;
      cur = [f, l];
    }
  }
  if (cur) total += cur[1] - cur[0] + 1n;
  return total;
}

const SETS: Record<string, string[]> = {
  '2013-08-13': ['apnic', 'arin', 'lacnic', 'ripencc'].map((r) => sharedData('rir/2013-08-13', `delegated-${r}-latest.gz`)),
  '2014-07-01': ['afrinic', 'apnic', 'lacnic', 'ripencc'].map((r) => sharedData('rir/2014-07-01', `delegated-${r}-latest.gz`)),
  // the bench's set: ARIN's 146.88.0.0/16 (2013) holds APNIC's carve-outs (2014)
  '2014-07-01 + ARIN 2013-08-13': [...['afrinic', 'apnic', 'lacnic', 'ripencc'].map((r) => sharedData('rir/2014-07-01', `delegated-${r}-latest.gz`)), sharedData('rir/2013-08-13/delegated-arin-latest.gz')],
};
const IANA_FILES = () => [sharedData('iana/ipv4-address-space.csv'), sharedData('iana/ipv6-unicast-address-assignments.csv'), sharedData('iana/delegated-iana-latest')];

describe.skipIf(!hasSharedData)(`registering RIR with nested records: real files (${sharedDataSkipReason})`, () => {
  const loaded = new Map<string, RegistryIndex>();
  const load = async (set: string) => {
    if (!loaded.has(set)) loaded.set(set, await loadRegistry({ files: [...SETS[set], ...IANA_FILES()] }));
    return loaded.get(set)!;
  };

  it("146.88.62.0/23: ARIN's alone in 2013, APNIC's alone in 2014, APNIC's carve-out inside ARIN's /16 when both are loaded", async () => {
    // The 2013 APNIC file does not list 146.88.32.0/19; the 2014 set has no ARIN file.
    expect((await load('2013-08-13')).prefix('146.88.62.0/23')).toMatchObject({ rir: 'arin', mixed: false });
    expect((await load('2014-07-01')).prefix('146.88.62.0/23')).toMatchObject({ rir: 'apnic', mixed: false });
    const both = (await load('2014-07-01 + ARIN 2013-08-13')).prefix('146.88.62.0/23');
    expect(both).toMatchObject({ coverage: 'full', mixed: true, rir: 'apnic' });
    expect(both.records.map((o) => [o.record.rir, o.cidr])).toEqual([
      ['apnic', '146.88.32.0/19'],
      ['arin', '146.88.0.0/16'],
    ]);
    expect(both.conflicts.map((o) => o.cidr)).toEqual(['146.88.32.0/19', '146.88.0.0/16']);
  }, 60_000);

  for (const set of Object.keys(SETS)) {
    it(`${set}: segments are sorted and disjoint, and cover exactly the union of the delegated ranges`, async () => {
      const idx = await load(set);
      const ranges = delegatedRanges(SETS[set]);
      for (const family of [4, 6] as const) {
        const segs = idx.registeredSegments(family).map((x) => ({ ...x, first: BigInt(x.first), last: BigInt(x.last) }));
        let total = 0n;
        for (let i = 0; i < segs.length; i++) {
          expect(segs[i].first <= segs[i].last).toBe(true);
          if (i > 0 && !(segs[i - 1].last < segs[i].first)) throw new Error(`IPv${family} segments ${i - 1} and ${i} overlap or are out of order`);
          total += segs[i].last - segs[i].first + 1n;
          // every segment's record holds it
          const r = segs[i].record;
          const start = family === 4 ? v4(r.start) : v6(r.start);
          const end = family === 4 ? start + BigInt(r.value) - 1n : start + (1n << BigInt(128 - r.value)) - 1n;
          if (segs[i].first < start || segs[i].last > end) throw new Error(`IPv${family} segment ${i} is outside its record ${r.rir} ${r.start}`);
        }
        expect(total, `IPv${family}`).toBe(unionSize(ranges[family]));
      }
    }, 120_000);
  }
});
