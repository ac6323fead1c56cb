/**
 * The index counted with confirmed geolocation only (`index build --confirmed`): two independent
 * databases and a registry echo, built here, that agree, split within a region, and disagree.
 * The confirmed figures are checked against the independent reference computation run on a third
 * database that this test derives itself, per elementary range, from mmdb-lib lookups in the two.
 * Then the stored count through the dashboard's matrix, map and index with ?confidence=confirmed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader } from 'mmdb-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPECIAL_PURPOSE } from '../../../analyzer/accounting/special-purpose.js';
import { AgreementWalk } from '../../../analyzer/geo/agreement.js';
import { openGeo } from '../../../analyzer/geo/index.js';
import { INDEX_RIRS, type PortabilityIndex } from '../../../analyzer/models/accounting.js';
import { regionOf } from '../../../analyzer/registry/regions.js';
import { openStore, type Store } from '../../../analyzer/store/index.js';
import { clientReader, writePortabilityIndex } from '../../../analyzer/store/portability.js';
import { readConfirmedSeries } from '../../../analyzer/store/portability-confirmed.js';
import { createDashboardServer, type DashboardServer } from '../../../dashboard/server/index.js';
import { loadReportData } from '../../../analyzer/report/load.js';
import { reportHtml } from '../../../analyzer/report/html.js';
import { reportJson } from '../../../analyzer/report/series.js';
import { runCli } from '../../helpers/cli.js';
import { fetchBody } from '../../helpers/http.js';
import { writeMmdb } from '../../helpers/mmdb-writer.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { copyFileSync } from 'node:fs';
import { defaultGeoPath } from '../../../analyzer/geo/index.js';
import { parseAddress, referenceIndex, toUnit, type RefElem } from './reference.js';

const dir = makeTmpDir('index-confirmed');
const rirDir = join(dir, 'rir');
const [geoA, geoB, geoEcho, geoAgreed] = ['a.mmdb', 'b.mmdb', 'geo-whois-asn-country.mmdb', 'agreed.mmdb'].map((f) => join(dir, f));
const routesFile = join(dir, 'day.jsonl');
const dbPath = join(dir, 'db');

const DELEGATED: Record<string, string[]> = {
  arin: ['arin|US|ipv4|146.88.0.0|65536|19910101|assigned', 'arin|US|asn|100|1|19910101|assigned'],
  apnic: ['apnic|HK|ipv4|146.88.32.0|8192|20020101|allocated', 'apnic|HK|asn|200|1|20020101|allocated'],
  lacnic: ['lacnic|BR|ipv4|20.0.0.0|65536|20050101|allocated', 'lacnic|BR|asn|300|1|20050101|allocated'],
  ripencc: ['ripencc|DE|ipv6|2a00:1000::|32|20100101|allocated', 'ripencc|DE|asn|400|1|20100101|allocated'],
  afrinic: ['afrinic|ZA|asn|600|1|20100101|allocated'],
};

/** The primary database. */
const GEO_A = [
  ['146.88.0.0/19', 'US'],
  ['146.88.32.0/19', 'HK'],
  ['146.88.64.0/18', 'US'],
  ['146.88.128.0/17', 'DE'],
  ['20.0.0.0/16', 'BR'],
  ['2a00:1000::/33', 'DE'],
  ['2a00:1000:8000::/33', 'US'],
] as const;
/** The second: agrees, splits inside a region (same region: still agreed), disagrees, and leaves some unplaced. */
const GEO_B = [
  ['146.88.0.0/18', 'CA'], // US vs CA: both ARIN region; HK (apnic) vs CA in 146.88.32.0/19: split
  ['146.88.64.0/19', 'US'],
  ['146.88.96.0/20', 'BR'], // US vs BR: split
  // 146.88.112.0/20: unplaced in B
  ['146.88.128.0/18', 'FR'], // DE vs FR: both RIPE NCC region
  ['146.88.192.0/18', 'US'], // DE vs US: split
  ['20.0.0.0/17', 'BR'],
  ['20.0.128.0/17', 'AR'],
  ['2a00:1000::/34', 'NL'],
  ['2a00:1000:4000::/34', 'JP'],
  ['2a00:1000:8000::/33', 'CA'],
] as const;
/** A registry echo: it would disagree everywhere, and must change nothing. */
const GEO_ECHO = [
  ['146.88.0.0/16', 'ZA'],
  ['20.0.0.0/16', 'ZA'],
  ['2a00:1000::/32', 'ZA'],
] as const;

const T = Date.parse('2024-03-05T10:00:00Z') / 1000;
let seq = 0;
function msg(t: number, peer: string, prefixes: string[], origin: number): string {
  return JSON.stringify({ type: 'ris_message', data: { timestamp: t, peer, peer_asn: '64500', id: `m${seq++}`, host: 'rrc00', type: 'UPDATE', path: [64500, origin], origin: 'igp', announcements: [{ next_hop: peer, prefixes }] } });
}
const MESSAGES = ['192.0.2.1', '192.0.2.2'].flatMap((peer, i) => [
  msg(T + i, peer, ['146.88.0.0/16'], 100),
  msg(T + 2 + i, peer, ['146.88.62.0/23'], 200),
  msg(T + 4 + i, peer, ['20.0.0.0/16'], 300),
  msg(T + 6 + i, peer, ['2a00:1000::/32'], 400),
]);

const mmdb = (rows: ReadonlyArray<readonly [string, string]>, type: string) =>
  writeMmdb(rows.map(([prefix, cc]) => ({ prefix, data: { country: { iso_code: cc } } })), { ipVersion: 6, recordSize: 28, databaseType: type, buildEpoch: Date.parse('2024-03-01T00:00:00Z') / 1000 });

/** CIDRs covering [first, last] (test-side, bigint). */
function cidrs(family: 4 | 6, first: bigint, last: bigint): Array<[bigint, number]> {
  const bits = family === 4 ? 32 : 128;
  const out: Array<[bigint, number]> = [];
  while (first <= last) {
    let size = 0;
    while (size < bits && (first & ((1n << BigInt(size + 1)) - 1n)) === 0n && first + (1n << BigInt(size + 1)) - 1n <= last) size++;
    out.push([first, bits - size]);
    first += 1n << BigInt(size);
  }
  return out;
}
const format = (family: 4 | 6, v: bigint): string => {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  return Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
};

/**
 * The agreed database, derived independently: every boundary of either database's networks cuts
 * the covered space into ranges on which both answer one country; a range is kept (with A's
 * country) when mmdb-lib's lookups in both give countries of the same region.
 */
function agreedNetworks(): Array<[string, string]> {
  const [a, b] = [geoA, geoB].map((f) => new Reader<any>(readFileSync(f)));
  const out: Array<[string, string]> = [];
  for (const family of [4, 6] as const) {
    const cuts = new Set<bigint>();
    for (const [p] of [...GEO_A, ...GEO_B]) {
      const [addr, len] = p.split('/');
      const [f, start] = parseAddress(addr);
      if (f !== family) continue;
      cuts.add(start);
      cuts.add(start + (1n << BigInt((family === 4 ? 32 : 128) - Number(len))));
    }
    const sorted = [...cuts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    for (let i = 0; i + 1 < sorted.length; i++) {
      const ip = format(family, sorted[i]);
      const ca = a.get(ip)?.country?.iso_code as string | undefined;
      const cb = b.get(ip)?.country?.iso_code as string | undefined;
      if (!ca || !cb || regionOf(ca) === null || regionOf(ca) !== regionOf(cb)) continue;
      for (const [start, len] of cidrs(family, sorted[i], sorted[i + 1] - 1n)) out.push([`${format(family, start)}/${len}`, ca]);
    }
  }
  return out;
}

const build = async (extra: string[]): Promise<{ code: number; stderr: string; index: PortabilityIndex }> => {
  const r = await runCli(['index', 'build', routesFile, '--rir-dir', rirDir, '--json', '--log-level', 'error', ...extra]);
  return { code: r.code ?? -1, stderr: r.stderr, index: r.code === 0 ? (JSON.parse(r.stdout) as PortabilityIndex) : (null as never) };
};

let plain: PortabilityIndex;
let confirmed: PortabilityIndex;

beforeAll(async () => {
  mkdirSync(rirDir);
  for (const [rir, lines] of Object.entries(DELEGATED)) writeFileSync(join(rirDir, `delegated-${rir}-extended-latest`), [`2|${rir}|20240305|${lines.length}|19830101|20240305|+0000`, ...lines].join('\n') + '\n');
  writeFileSync(geoA, mmdb(GEO_A, 'test-a-country'));
  writeFileSync(geoB, mmdb(GEO_B, 'test-b-country'));
  writeFileSync(geoEcho, mmdb(GEO_ECHO, 'test-echo'));
  writeFileSync(geoAgreed, mmdb(agreedNetworks(), 'agreed'));
  writeFileSync(routesFile, MESSAGES.join('\n') + '\n');
  // Two builds: without, then with the confirmed count (stored, the day's latest build).
  const p = await build(['--geo', `${geoA},${geoB}`, '--db', dbPath]);
  expect(p.stderr).toBe('');
  plain = p.index;
  const c = await build(['--geo', `${geoA},${geoB},${geoEcho}`, '--confirmed', '--db', dbPath]);
  expect(c.stderr).toBe('');
  expect(c.code).toBe(0);
  confirmed = c.index;
}, 120_000);

describe('index build --confirmed', () => {
  it('agrees with the reference computation on the independently derived agreed database', () => {
    const elems: RefElem[] = MESSAGES.map((line) => {
      const d = JSON.parse(line).data;
      return { elem_type: 'announce' as const, prefix: d.announcements[0].prefixes[0], peer_ip: d.peer, peer_asn: 64500, origin_asns: [d.path.at(-1)] };
    });
    const ref = referenceIndex({
      elems,
      delegated: Object.keys(DELEGATED).map((r) => readFileSync(join(rirDir, `delegated-${r}-extended-latest`), 'utf8')),
      mmdb: readFileSync(geoAgreed),
      v4: [8, 24],
      v6: [16, 48],
      minPeers: 2,
      special: SPECIAL_PURPOSE.map((s) => s.prefix),
      regionOf,
    });
    const c = confirmed.confirmed!;
    for (const family of [4, 6] as const) {
      for (const rir of INDEX_RIRS) {
        const g = c[family === 4 ? 'ipv4' : 'ipv6'][rir];
        const r = ref[family][rir];
        expect([family, rir, g.routed, g.geolocated, g.in_region, g.out_of_region]).toEqual([family, rir, toUnit(family, r.routed), toUnit(family, r.geolocated), toUnit(family, r.in_region), toUnit(family, r.out_of_region)]);
      }
    }
  });

  it('counts less geolocated space than the plain index, the same routed space, and leaves the plain figures as they were', () => {
    const c = confirmed.confirmed!;
    expect(confirmed.ipv4).toEqual(plain.ipv4);
    expect(confirmed.ipv6).toEqual(plain.ipv6);
    // Hand count, ARIN IPv4 (146.88.0.0/16 less APNIC's 146.88.32.0/19): agreed US/CA 146.88.0.0/19 (8,192),
    // US/US 146.88.64.0/19 (8,192), DE/FR 146.88.128.0/18 (16,384); split 146.88.96.0/20, 146.88.192.0/18; unplaced in B 146.88.112.0/20.
    expect([c.ipv4.arin.routed, c.ipv4.arin.geolocated, c.ipv4.arin.in_region, c.ipv4.arin.out_of_region]).toEqual([57_344, 32_768, 16_384, 16_384]);
    expect(plain.ipv4.arin.geolocated).toBe(57_344);
    // APNIC's /19: HK vs CA everywhere.
    expect(c.ipv4.apnic.geolocated).toBe(0);
    // IPv6 in /48s: DE/NL agreed on 2a00:1000::/34, DE/JP split, US/CA agreed (out of the RIPE NCC region).
    expect(c.ipv6.ripencc).toMatchObject({ routed: 65_536, geolocated: 16_384 + 32_768, in_region: 16_384, out_of_region: 32_768 });
  });

  it('states exactly what it counts, with the databases and versions; the echo is named and not consulted', () => {
    const g = confirmed.confirmed!.filters.geo_agreement;
    expect(confirmed.confirmed!.filters).toMatchObject(confirmed.params.filters);
    expect(g.rule).toMatch(/every independent geo database/);
    expect(g.databases).toEqual([
      { name: 'a', database: 'test-a-country', build_date: '2024-03-01' },
      { name: 'b', database: 'test-b-country', build_date: '2024-03-01' },
    ]);
    expect(g.echoes_ignored).toEqual(['geo-whois-asn-country']);
    expect(confirmed.params.geo_agreement).toEqual(g);
    expect(plain.params.geo_agreement).toBeUndefined();
    expect(plain.confirmed).toBeUndefined();
  });

  it('refuses --confirmed with fewer than two independent databases, saying what to give', async () => {
    const r = await build(['--geo', `${geoA},${geoEcho}`, '--confirmed', '--no-store']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--confirmed: .*at least two independent databases.*1 registry echo/);
  }, 60_000);

  it('the agreement walk visits exactly the prefix, address by address as the two databases say', async () => {
    const [a, b] = await Promise.all([openGeo(geoA), openGeo(geoB)]);
    const walk = new AgreementWalk([
      { name: 'a', geo: a },
      { name: 'b', geo: b },
    ]);
    for (const [prefix, len] of [[146 * 2 ** 24 + 88 * 2 ** 16, 16], [146 * 2 ** 24 + 88 * 2 ** 16 + 96 * 256, 19], [146 * 2 ** 24 + 88 * 2 ** 16 + 200 * 256, 24]] as const) {
      const got = new Map<string, number>();
      let total = 0;
      walk.walk(4, prefix, len, (cc, n) => {
        got.set(cc ?? 'ZZ', (got.get(cc ?? 'ZZ') ?? 0) + n);
        total += n;
      });
      expect(total).toBe(2 ** (32 - len));
      // Per /24 (the finest network here), by lookups.
      const want = new Map<string, number>();
      for (let x = prefix; x < prefix + 2 ** (32 - len); x += 256) {
        const ip = format(4, BigInt(x));
        const ca = a.country(ip);
        const cb = b.country(ip);
        const cc = ca !== null && cb !== null && regionOf(ca) !== null && regionOf(ca) === regionOf(cb) ? ca : 'ZZ';
        want.set(cc, (want.get(cc) ?? 0) + Math.min(256, 2 ** (32 - len)));
      }
      expect(got).toEqual(want);
    }
  });
});

describe('the stored confirmed count in the dashboard', () => {
  let store: Store;
  let server: DashboardServer;
  const get = (path: string) => fetchBody(server.url + path);
  const total = (cells: Array<{ addresses: number }>) => cells.reduce((s, c) => s + c.addresses, 0);

  beforeAll(async () => {
    store = await openStore({ db: dbPath });
    await store.migrate();
    server = await createDashboardServer({ store, port: 0, host: '127.0.0.1', webRoot: join(dir, 'no-web'), compactEveryMs: 0, cacheTtlMs: 0 });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('reads back the confirmed figures of the latest build', async () => {
    const { rows, without } = await readConfirmedSeries(clientReader(store.client));
    expect(without).toEqual([]);
    for (const r of rows) {
      const want = confirmed.confirmed![r.family === 4 ? 'ipv4' : 'ipv6'][r.rir];
      expect([r.family, r.rir, r.routed, r.geolocated, r.in_region, r.out_of_region, r.share_out]).toEqual([r.family, r.rir, want.routed, want.geolocated, want.in_region, want.out_of_region, want.share_out]);
    }
    expect(rows).toHaveLength(2 * INDEX_RIRS.length);
  });

  it('matrix, map and index with ?confidence=confirmed read the confirmed count; all stays the default', async () => {
    const all = await get('/api/matrix');
    const conf = await get('/api/matrix?confidence=confirmed');
    expect(conf.status).toBe(200);
    expect(conf.body).toMatchObject({ confidence: 'confirmed', confirmed_available: true });
    expect(conf.body.geo_agreement.databases.map((d: any) => d.name)).toEqual(['a', 'b']);
    const cell = (body: any, rir: string, region: string) => body.cells.find((c: any) => c.rir === rir && c.region === region)?.addresses ?? 0;
    // The same routed space; the unconfirmed part moves to the unknown column.
    expect(total(conf.body.cells)).toBe(total(all.body.cells));
    expect(cell(conf.body, 'arin', 'ripencc')).toBe(confirmed.confirmed!.ipv4.arin.out_of_region);
    expect(cell(all.body, 'arin', 'ripencc')).toBe(plain.ipv4.arin.out_of_region);
    expect(cell(conf.body, 'arin', 'unknown')).toBe(57_344 - 32_768);
    const cellApi = await get('/api/matrix/cell?rir=arin&region=ripencc&confidence=confirmed');
    expect(cellApi.body.accounted).toMatchObject({ addresses: 16_384, countries: [{ country: 'DE', addresses: 16_384 }] });
    // Map: DE holds ARIN space; 146.88.192.0/18 was split, so only the agreed /18 counts.
    const map = await get('/api/map?view=used-here&confidence=confirmed');
    const de = map.body.countries.find((c: any) => c.cc === 'DE');
    expect(de.addresses).toBe(16_384);
    const mapAll = await get('/api/map?view=used-here');
    expect(mapAll.body.countries.find((c: any) => c.cc === 'DE').addresses).toBe(32_768);
    const idx = await get('/api/index?confidence=confirmed&family=4');
    expect(idx.body.rows.find((r: any) => r.rir === 'arin')).toMatchObject({ routed: 57_344, geolocated: 32_768, out_of_region: 16_384 });
    expect(idx.body.days_without_confirmed).toEqual([]);
    expect((await get('/api/matrix?confidence=likely')).status).toBe(400);
  });

  it('the report\'s confidence section: agreement by RIR and the countries they disagree on most, with the databases and versions', async () => {
    const data = (await loadReportData(store.client, { to: '2024-03-05' }))!;
    const c = data.confidence!;
    expect(c.date).toBe('2024-03-05');
    // Hand count (see the tables above): geolocated by the primary, and agreed.
    const pick = (f: 'ipv4' | 'ipv6', rir: string) => [c.by_rir[f][rir as 'arin'].geolocated, c.by_rir[f][rir as 'arin'].agreed];
    expect(pick('ipv4', 'arin')).toEqual([57_344, 32_768]);
    expect(pick('ipv4', 'apnic')).toEqual([8_192, 0]);
    expect(pick('ipv4', 'lacnic')).toEqual([65_536, 65_536]); // BR vs BR/AR: one region
    expect(pick('ipv6', 'ripencc')).toEqual([65_536, 49_152]);
    expect(c.by_rir.ipv4.arin.share).toBeCloseTo(32_768 / 57_344, 12);
    // DE: 146.88.192.0/18 split (16,384); HK: the whole /19 (8,192); US: 146.88.96.0/20 split and 146.88.112.0/20 unplaced in B (8,192).
    expect(c.top_disagreeing.ipv4.map((t) => [t.cc, t.geolocated, t.disagreed])).toEqual([
      ['DE', 32_768, 16_384],
      ['HK', 8_192, 8_192],
      ['US', 24_576, 8_192],
    ]);
    expect(c.top_disagreeing.ipv6.map((t) => [t.cc, t.disagreed])).toEqual([['DE', 16_384]]);
    const html = reportHtml(data);
    const section = html.slice(html.indexOf('<section id="confidence">'), html.indexOf('</section>', html.indexOf('<section id="confidence">')));
    expect(section).toContain('<strong>a</strong> (test-a-country, built 2024-03-01)');
    expect(section).toContain('<strong>b</strong> (test-b-country, built 2024-03-01)');
    expect(section).toContain('geo-whois-asn-country');
    expect(section).toMatch(/data-rir="arin"><th scope="row">ARIN<\/th><td class="num">57,344<\/td><td class="num">32,768<\/td><td class="num share">57\.1%<\/td>/);
    expect(section).toMatch(/data-cc="DE"><th scope="row">DE<\/th><td class="num">32,768<\/td><td class="num">16,384<\/td>/);
    expect(reportJson(data).confidence).toEqual(c);
  });

  it('a build without a confirmed count says so instead of showing an empty matrix as a measurement', async () => {
    // A later day built without --confirmed.
    await writePortabilityIndex(store.client, { ...plain, date: '2024-03-06', flows: [] });
    const m = await get('/api/matrix?confidence=confirmed');
    expect(m.body).toMatchObject({ date: '2024-03-06', confidence: 'confirmed', confirmed_available: false, cells: [] });
    expect(m.body.message).toMatch(/--confirmed/);
    expect((await get('/api/map?confidence=confirmed')).body).toMatchObject({ confirmed_available: false, countries: [] });
    const i = await get('/api/index?confidence=confirmed');
    expect(new Set(i.body.rows.map((r: any) => r.date))).toEqual(new Set(['2024-03-05']));
    expect(i.body.days_without_confirmed).toEqual(['2024-03-06']);
    // The report of the later day says it has no second opinion, and how to get one.
    const later = (await loadReportData(store.client, {}))!;
    expect(later.confidence).toMatchObject({ date: '2024-03-06', geo_agreement: null });
    expect(reportHtml(later)).toMatch(/<section id="confidence">[^]*index build --confirmed/);
    // The earlier day still has its confirmed count.
    expect((await get('/api/matrix?confidence=confirmed&date=2024-03-05')).body.confirmed_available).toBe(true);
  });
});

describe.skipIf(!hasSharedData)(`confirmed count on real data${hasSharedData ? '' : ` (skipped: ${sharedDataSkipReason})`}`, () => {
  it('two copies of one database agree everywhere: on the 2002 RIB the confirmed figures equal the plain ones', async () => {
    const copy = join(dir, 'dbip-copy.mmdb');
    copyFileSync(defaultGeoPath(), copy);
    const r = await runCli(['index', 'build', sharedData('mrt', 'bgpdump-testdata', 'bview.20020722.2337.gz'), '--rir-dir', sharedData('rir', '2013-08-13'), '--iana-dir', sharedData('iana'), '--geo', `${defaultGeoPath()},${copy}`, '--confirmed', '--no-store', '--json', '--log-level', 'error']);
    expect(r.stderr).toBe('');
    const index = JSON.parse(r.stdout) as PortabilityIndex;
    const c = index.confirmed!;
    for (const family of ['ipv4', 'ipv6'] as const) {
      for (const rir of INDEX_RIRS) {
        const { routed, geolocated, in_region, out_of_region, share_out } = index[family][rir];
        expect([family, rir, c[family][rir]]).toEqual([family, rir, { routed, geolocated, in_region, out_of_region, share_out }]);
      }
    }
    expect(index.ipv4.arin.geolocated).toBeGreaterThan(1_000_000);
  }, 180_000);
});
