/**
 * The portability index on a world small enough to count by hand: nested records across RIRs,
 * MOAS, a default route, special-purpose space, a one-peer route and withdrawals before the
 * snapshot, IPv4 and IPv6. The same input gives the same figures three ways: `index build`,
 * the live indexer at UTC midnight, and `run --replay` (stored, read back); and it agrees with
 * the independent reference computation.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SPECIAL_PURPOSE } from '../../../analyzer/accounting/special-purpose.js';
import { DailyIndexer } from '../../../analyzer/accounting/daily.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import { INDEX_RIRS, type PortabilityIndex } from '../../../analyzer/models/accounting.js';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { regionOf } from '../../../analyzer/registry/regions.js';
import { PrefixState } from '../../../analyzer/state/index.js';
import { openStore } from '../../../analyzer/store/index.js';
import { clientReader, readIndexSeries } from '../../../analyzer/store/portability.js';
import { DEFAULT_FILTERS } from '../../../analyzer/models/accounting.js';
import { FileSource } from '../../../collector/sources/index.js';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import { runCli } from '../../helpers/cli.js';
import { writeMmdb } from '../../helpers/mmdb-writer.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { referenceIndex, toUnit, type RefElem } from './reference.js';

const dir = makeTmpDir('index-synth');
const rirDir = join(dir, 'rir');
const geoFile = join(dir, 'geo.mmdb');
const day1File = join(dir, 'day1.jsonl');
const twoDaysFile = join(dir, 'two-days.jsonl');

const DELEGATED: Record<string, string[]> = {
  arin: ['arin|US|ipv4|146.88.0.0|65536|19910101|assigned', 'arin|US|asn|100|1|19910101|assigned'],
  apnic: ['apnic|HK|ipv4|146.88.32.0|8192|20020101|allocated', 'apnic|HK|asn|200|1|20020101|allocated'],
  lacnic: ['lacnic|BR|ipv4|20.0.0.0|65536|20050101|allocated', 'lacnic|BR|asn|300|1|20050101|allocated'],
  ripencc: ['ripencc|DE|ipv6|2a00:1000::|32|20100101|allocated', 'ripencc|DE|asn|400|1|20100101|allocated', 'ripencc|DE|asn|500|1|20100101|allocated'],
  afrinic: ['afrinic|ZA|asn|600|1|20100101|allocated'],
};

const GEO = [
  ['146.88.0.0/19', 'US'],
  ['146.88.32.0/19', 'HK'],
  ['146.88.64.0/18', 'US'],
  ['146.88.128.0/17', 'DE'],
  ['20.0.0.0/16', 'BR'],
  ['2a00:1000::/33', 'DE'],
  ['2a00:1000:8000::/33', 'US'],
] as const;

const DAY1 = Date.parse('2024-03-05T10:00:00Z') / 1000;
let seq = 0;
/** One RIS Live message announcing (or withdrawing) prefixes from a peer. */
function msg(t: number, peer: string, prefixes: string[], origin: number | null): string {
  const data: Record<string, unknown> = { timestamp: t, peer, peer_asn: '64500', id: `m${seq++}`, host: 'rrc00', type: 'UPDATE' };
  if (origin === null) data.withdrawals = prefixes;
  else Object.assign(data, { path: [64500, origin], origin: 'igp', announcements: [{ next_hop: peer, prefixes }] });
  return JSON.stringify({ type: 'ris_message', data });
}
const [A, B, C] = ['192.0.2.1', '192.0.2.2', '192.0.2.3'];
const DAY1_MESSAGES = [
  msg(DAY1, A, ['146.88.0.0/16'], 100),
  msg(DAY1 + 1, B, ['146.88.0.0/16'], 100),
  // A more specific inside the APNIC carve-out, announced by an APNIC AS.
  msg(DAY1 + 2, A, ['146.88.62.0/23'], 200),
  msg(DAY1 + 3, C, ['146.88.62.0/23'], 200),
  // MOAS: origin 400 (two peers) wins over 300 (one peer).
  msg(DAY1 + 4, A, ['20.0.0.0/16'], 300),
  msg(DAY1 + 5, B, ['20.0.0.0/16'], 400),
  msg(DAY1 + 6, C, ['20.0.0.0/16'], 400),
  // The default route, private and documentation space: never routed space.
  msg(DAY1 + 7, A, ['0.0.0.0/0', '10.0.0.0/8', '2001:db8::/32'], 100),
  msg(DAY1 + 8, B, ['0.0.0.0/0', '10.0.0.0/8', '2001:db8::/32'], 100),
  // Unregistered space, two peers.
  msg(DAY1 + 9, A, ['50.0.0.0/24'], 600),
  msg(DAY1 + 10, B, ['50.0.0.0/24'], 600),
  // One peer only.
  msg(DAY1 + 11, A, ['30.0.0.0/16'], 100),
  // Withdrawn by one of two peers, and by both, before the snapshot.
  msg(DAY1 + 12, A, ['40.0.0.0/16', '41.0.0.0/16'], 100),
  msg(DAY1 + 13, B, ['40.0.0.0/16', '41.0.0.0/16'], 100),
  msg(DAY1 + 14, B, ['40.0.0.0/16', '41.0.0.0/16'], null),
  msg(DAY1 + 15, A, ['41.0.0.0/16'], null),
  // IPv6.
  msg(DAY1 + 16, A, ['2a00:1000::/32'], 500),
  msg(DAY1 + 17, B, ['2a00:1000::/32'], 500),
];
// The next day: one more announcement, after UTC midnight.
const DAY2_MESSAGES = [msg(Date.parse('2024-03-06T00:00:05Z') / 1000, C, ['146.88.0.0/16'], 100)];

beforeAll(() => {
  mkdirSync(rirDir);
  for (const [rir, lines] of Object.entries(DELEGATED)) writeFileSync(join(rirDir, `delegated-${rir}-extended-latest`), [`2|${rir}|20240305|${lines.length}|19830101|20240305|+0000`, ...lines].join('\n') + '\n');
  writeFileSync(geoFile, writeMmdb(GEO.map(([prefix, cc]) => ({ prefix, data: { country: { iso_code: cc } } })), { ipVersion: 6, recordSize: 28, databaseType: 'test-country', buildEpoch: Date.parse('2024-03-01T00:00:00Z') / 1000 }));
  writeFileSync(day1File, DAY1_MESSAGES.join('\n') + '\n');
  writeFileSync(twoDaysFile, [...DAY1_MESSAGES, ...DAY2_MESSAGES].join('\n') + '\n');
});

const build = async (file: string, extra: string[] = []): Promise<PortabilityIndex> => {
  const r = await runCli(['index', 'build', file, '--rir-dir', rirDir, '--geo', geoFile, '--json', '--no-store', '--log-level', 'error', ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as PortabilityIndex;
};

/** The figures of an index, without the params that say how it was made. */
const figures = (i: PortabilityIndex) => ({ date: i.date, ipv4: i.ipv4, ipv6: i.ipv6 });

describe('portability index on a hand-counted world', () => {
  let index: PortabilityIndex;
  beforeAll(async () => {
    index = await build(day1File);
  }, 60_000);

  it('counts each routed address once, with the most specific record, and leaves out what the filters name', () => {
    const { arin, apnic, lacnic, ripencc, unregistered, afrinic } = index.ipv4;
    // ARIN /16 less the APNIC /19 carve-out: 57,344 addresses; US 8,192 + 16,384 in region, DE 32,768 out.
    expect([arin.routed, arin.geolocated, arin.in_region, arin.out_of_region]).toEqual([57_344, 57_344, 24_576, 32_768]);
    expect(arin.share_out).toBeCloseTo(32_768 / 57_344, 12);
    // The carve-out (146.88.62.0/23 lies in it) registers 8,192 addresses with APNIC, all in HK.
    expect([apnic.routed, apnic.in_region, apnic.out_of_region]).toEqual([8_192, 8_192, 0]);
    // Origins: the /23's 512 addresses by an APNIC AS; the rest of the carve-out by the /16's ARIN AS.
    expect(apnic.by_origin).toMatchObject({ same_rir: 512, other_rir: 7_680, unknown: 0 });
    // MOAS 20.0.0.0/16: origin 400 (two peers, RIPE NCC) over 300 (one peer, LACNIC).
    expect(lacnic.by_origin).toMatchObject({ same_rir: 0, other_rir: 65_536 });
    expect(lacnic.top_origins).toEqual([]);
    expect([lacnic.routed, lacnic.in_region]).toEqual([65_536, 65_536]);
    // Not delegated: routed but no region to be in or out of; the geo database places none of it.
    expect([unregistered.routed, unregistered.geolocated, unregistered.in_region, unregistered.out_of_region]).toEqual([256, 0, 0, 0]);
    expect(afrinic.routed).toBe(0);
    expect(ripencc.routed).toBe(0);
    // The default route, 10/8, the one-peer route and the half-withdrawn one are not routed space.
    const total = INDEX_RIRS.reduce((a, r) => a + index.ipv4[r].routed, 0);
    expect(total).toBe(65_536 + 65_536 + 256);
    expect(index.params.prefixes_seen.ipv4).toEqual({ announced: 8, kept: 4, length: 1, special_purpose: 1, min_peers: 2 });
    expect(index.params.prefixes_seen.ipv6).toEqual({ announced: 2, kept: 1, length: 0, special_purpose: 1, min_peers: 0 });
  });

  it('counts prefixes under the RIR holding most of them, out of region when more than half is abroad', () => {
    // The /16: ARIN holds 57,344 of it; 40,960 of its 65,536 addresses are outside the ARIN region.
    expect(index.ipv4.arin.prefixes).toMatchObject({ routed: 1, geolocated: 1, in_region: 0, out_of_region: 1 });
    expect(index.ipv4.apnic.prefixes).toMatchObject({ routed: 1, in_region: 1, out_of_region: 0 });
    expect(index.ipv4.unregistered.prefixes).toMatchObject({ routed: 1, geolocated: 0 });
  });

  it('names the contributors behind out-of-region space', () => {
    expect(index.ipv4.arin.top_countries).toEqual([{ key: 'DE', cc: 'DE', out_of_region: 32_768 }]);
    expect(index.ipv4.arin.top_origins).toEqual([{ key: 'AS100', cc: 'US', out_of_region: 32_768 }]);
    expect(index.ipv4.arin.top_holders).toEqual([{ key: 'cc:US', cc: 'US', out_of_region: 32_768 }]);
  });

  it('counts IPv6 in /48s', () => {
    expect(index.ipv6.ripencc).toMatchObject({ routed: 65_536, geolocated: 65_536, in_region: 32_768, out_of_region: 32_768, share_out: 0.5 });
    expect(index.ipv6.ripencc.by_origin.same_rir).toBe(65_536);
  });

  it('states its day, snapshot, filters and data versions', () => {
    expect(index.date).toBe('2024-03-05');
    expect(index.params.snapshot_at).toBe(new Date((DAY1 + 17) * 1000).toISOString());
    expect(index.params.filters).toEqual(DEFAULT_FILTERS);
    expect(index.params.geo).toMatchObject({ database: 'test-country', build_date: '2024-03-01' });
    expect(index.params.registry.map((r) => `${r.rir} ${r.date}`).sort()).toEqual(['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc'].map((r) => `${r} 2024-03-05`));
    expect(index.params.source).toMatchObject({ kind: 'files', elements: 25, peers: 3 });
  });

  it('with --min-peers 1 the one-peer and half-withdrawn routes count; --date overrides the day', async () => {
    const one = await build(day1File, ['--min-peers', '1', '--date', '2024-03-04']);
    expect(one.date).toBe('2024-03-04');
    expect(one.ipv4.unregistered.routed).toBe(256 + 65_536 + 65_536); // 30.0.0.0/16 and 40.0.0.0/16 are undelegated here
    expect(one.params.prefixes_seen.ipv4.min_peers).toBe(0);
  }, 60_000);

  it('agrees with the independent computation', () => {
    const elems: RefElem[] = DAY1_MESSAGES.flatMap((line) => {
      const d = JSON.parse(line).data;
      const base = { peer_ip: d.peer, peer_asn: Number(d.peer_asn) };
      if (d.withdrawals) return d.withdrawals.map((p: string) => ({ ...base, elem_type: 'withdraw' as const, prefix: p }));
      return d.announcements[0].prefixes.map((p: string) => ({ ...base, elem_type: 'announce' as const, prefix: p, origin_asns: [d.path.at(-1)] }));
    });
    const ref = referenceIndex({
      elems,
      delegated: Object.keys(DELEGATED).map((r) => readFileSync(join(rirDir, `delegated-${r}-extended-latest`), 'utf8')),
      mmdb: readFileSync(geoFile),
      v4: [8, 24],
      v6: [16, 48],
      minPeers: 2,
      special: SPECIAL_PURPOSE.map((s) => s.prefix),
      regionOf,
    });
    for (const family of [4, 6] as const) {
      for (const rir of INDEX_RIRS) {
        const g = index[family === 4 ? 'ipv4' : 'ipv6'][rir];
        const r = ref[family][rir];
        expect([rir, g.routed, g.geolocated, g.in_region, g.out_of_region]).toEqual([rir, toUnit(family, r.routed), toUnit(family, r.geolocated), toUnit(family, r.in_region), toUnit(family, r.out_of_region)]);
        expect([rir, g.prefixes.routed, g.prefixes.out_of_region]).toEqual([rir, r.prefixes.routed, r.prefixes.out_of_region]);
      }
    }
  });

  it('the live indexer measures the day at UTC midnight from the state before the next day, with the same figures', async () => {
    const [registry, geo] = await Promise.all([loadRegistry({ rirDir }), openGeo(geoFile)]);
    const state = new PrefixState();
    const written: PortabilityIndex[] = [];
    const indexer = new DailyIndexer({ table: state, analysis: () => ({ registry, geo }), filters: DEFAULT_FILTERS, write: async (i) => void written.push(i), sourceName: 'test', provisionalSeconds: 0 });
    const unclassified = () => ({ severity: 'none', kinds: [] }) as never;
    for await (const e of new FileSource([twoDaysFile]).events()) {
      indexer.beforeEvent(e as RouteEvent);
      state.apply(e as RouteEvent, unclassified);
    }
    await indexer.flush();
    expect(written.map((i) => i.date)).toEqual(['2024-03-05']);
    expect(figures(written[0])).toEqual(figures(index));
    expect(written[0].params.source.kind).toBe('live');
    await indexer.close();
    expect(written.map((i) => i.date)).toEqual(['2024-03-05', '2024-03-06']);
  });

  it('`run --replay` stores the same figures for the day, and the next day from the state at exit', async () => {
    const db = join(dir, 'store');
    const r = await runCli(['run', '--replay', twoDaysFile, '--rir-dir', rirDir, '--geo', geoFile, '--db', db, '--no-dashboard', '--port', '0', '--log-level', 'error']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const store = await openStore({ db });
    try {
      const series = await readIndexSeries(clientReader(store.client));
      const day1 = series.filter((s) => s.date === '2024-03-05' && s.family === 4);
      for (const row of day1) {
        const want = index.ipv4[row.rir];
        expect([row.rir, row.routed, row.geolocated, row.in_region, row.out_of_region, row.prefixes.routed, row.source]).toEqual([row.rir, want.routed, want.geolocated, want.in_region, want.out_of_region, want.prefixes.routed, 'live']);
      }
      expect(day1).toHaveLength(INDEX_RIRS.length);
      expect(series.some((s) => s.date === '2024-03-06')).toBe(true);
    } finally {
      await store.close();
    }
  }, 120_000);
});
