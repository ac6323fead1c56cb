/**
 * Portability indexes for the dashboard tests, computed the way `portolan index build` does:
 * a PrefixState fed RouteEvents, a registry from tiny delegated files, a tiny MMDB. The routes
 * include the default route and overlapping prefixes, which the accounting must not count twice.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computePortabilityIndex } from '../../analyzer/accounting/portability.js';
import { DEFAULT_FILTERS } from '../../analyzer/models/accounting.js';
import { openGeo, type GeoDatabase } from '../../analyzer/geo/index.js';
import type { Finding } from '../../analyzer/models/finding.js';
import type { PortabilityIndex, RoutedFilters } from '../../analyzer/models/accounting.js';
import { loadRegistry, type RegistryIndex } from '../../analyzer/registry/index.js';
import { PrefixState } from '../../analyzer/state/index.js';
import type { RouteEvent } from '../../collector/models/route-event.js';
import { writeMmdb } from '../helpers/mmdb-writer.js';

const delegated = (rir: string, rows: string[]): string =>
  [`2.3|${rir}|20240229|${rows.length}|19870101|20240229|+0000`, `${rir}|*|ipv4|*|${rows.length}|summary`, ...rows.map((r) => `${rir}|${r}`), ''].join('\n');

const FILES: Record<string, string> = {
  'delegated-afrinic-extended-20240229': delegated('afrinic', [
    'ZA|ipv4|41.0.0.0|65536|20100101|allocated|AF-ZA-1',
    'SC|ipv4|41.1.0.0|65536|20100101|allocated|AF-SC-1',
    'SC|ipv4|41.2.0.0|65536|20100101|allocated|AF-SC-1',
    'ZA|asn|37000|2|20100101|assigned|AF-ZA-1',
  ]),
  'delegated-apnic-extended-20240229': delegated('apnic', ['CN|ipv4|27.0.0.0|65536|20100101|allocated|AP-CN-1', 'CN|asn|4134|1|20020101|allocated|AP-CN-1']),
  'delegated-arin-extended-20240229': delegated('arin', ['US|ipv4|23.0.0.0|65536|19930101|allocated|AR-US-1', 'US|asn|3356|1|19930101|assigned|AR-US-1']),
  'delegated-ripencc-extended-20240229': delegated('ripencc', ['NL|ipv4|185.0.0.0|65536|20120101|allocated|RI-NL-1', 'NL|ipv4|185.1.0.0|65536|20120101|allocated|RI-NL-1', 'NL|asn|3333|1|19930101|assigned|RI-NL-1']),
  'delegated-lacnic-extended-20240229': delegated('lacnic', ['BR|ipv4|200.0.0.0|65536|20120101|allocated|LA-BR-1', 'BR|asn|28000|1|20120101|allocated|LA-BR-1']),
};

const cc = (c: string) => ({ country_code: c });
const NETWORKS = [
  { prefix: '41.0.0.0/16', data: cc('ZA') },
  { prefix: '41.1.0.0/17', data: cc('HK') },
  { prefix: '41.1.128.0/17', data: cc('SC') },
  { prefix: '41.2.0.0/16', data: cc('SG') },
  { prefix: '27.0.0.0/16', data: cc('CN') },
  { prefix: '185.0.0.0/16', data: cc('HK') },
  { prefix: '185.1.0.0/16', data: cc('MU') }, // routed only by the map test (names-map-browser.test.ts)
  { prefix: '23.0.0.0/16', data: cc('US') },
  { prefix: '200.0.0.0/17', data: cc('BR') }, // 200.0.128.0/17: not placed (ZZ)
  { prefix: '5.0.0.0/16', data: cc('DE') }, // undelegated space
];

/** Day one's routes: [prefix, origin]. The default route and the /17 and /24 inside 41.0.0.0/16 add nothing. */
export const BASE_ROUTES: Array<[string, number]> = [
  ['0.0.0.0/0', 64500],
  ['41.0.0.0/16', 37000],
  ['41.0.0.0/17', 37000],
  ['41.0.0.0/24', 37001],
  ['41.1.0.0/16', 4134],
  ['41.1.0.0/17', 4134],
  ['27.0.0.0/16', 4134],
  ['185.0.0.0/16', 3333],
  ['23.0.0.0/16', 3356],
  ['200.0.0.0/16', 28000],
  ['5.0.0.0/16', 3333],
];

/** Lengths 0–24 (so the default route passes the length filter and only the special-purpose rule removes it), two peers. */
export const FILTERS: RoutedFilters = { ...DEFAULT_FILTERS, ipv4_length: [0, 24] };

export interface IndexWorld {
  registry: RegistryIndex;
  geo: GeoDatabase;
}

export async function writeIndexWorld(dir: string): Promise<IndexWorld> {
  const files = Object.entries(FILES).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  const mmdb = join(dir, 'dbip-country-test.mmdb');
  writeFileSync(mmdb, writeMmdb(NETWORKS, { ipVersion: 6, recordSize: 24, databaseType: 'DBIP-Country-Lite', buildEpoch: Date.UTC(2024, 1, 1) / 1000 }));
  return { registry: await loadRegistry({ files }), geo: await openGeo(mmdb) };
}

/** The state asks for a classification when a pair appears; the index does not use it (as in from-files.ts). */
const UNCLASSIFIED: Finding = {
  time: 0, prefix: '', family: 4, addresses: 0, originAsn: null, originAsns: [], prefixRir: null, registeredCc: null, holderId: null, ianaRir: null, legacy: false,
  originRir: null, originCc: null, usageRegion: null, mainCountry: null, shareAbroad: 0, geo: [], kinds: [], geoSubkind: null, severity: 'none', visibility: 0, why: '',
};
const unclassified = (): Finding => UNCLASSIFIED;

function announce(prefix: string, origin: number, peer: string, time: number): RouteEvent {
  return {
    timestamp: time,
    elem_type: 'announce',
    peer_ip: peer,
    peer_asn: 64496,
    prefix,
    next_hop: peer,
    as_path: [{ type: 'AS_SEQUENCE', asns: [64496, origin] }],
    origin_asns: [origin],
    origin: 'IGP',
    atomic: false,
    collector: 'rrc00',
  };
}

/** The index of one day from the given routes, each announced by two peers at 23:00 UTC of the day. */
export function indexOfDay(world: IndexWorld, date: string, routes: Array<[string, number]>): PortabilityIndex {
  const state = new PrefixState();
  const at = Date.parse(`${date}T23:00:00Z`) / 1000;
  let elements = 0;
  for (const peer of ['192.0.2.1', '192.0.2.2']) {
    for (const [prefix, origin] of routes) {
      state.apply(announce(prefix, origin, peer, at), unclassified);
      elements++;
    }
  }
  return computePortabilityIndex({
    table: state,
    registry: world.registry,
    geo: world.geo,
    filters: FILTERS,
    date,
    snapshotAt: at,
    source: { kind: 'files', files: [`bview.${date.replaceAll('-', '')}.2300.gz`], peers: 2, elements },
  });
}

/** The matrix of an index as the test computes it: flows summed per (rir, region), independently of the server. */
export function reduceMatrix(index: PortabilityIndex, family: 4 | 6 = 4): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of index.flows) {
    if (f.family !== family) continue;
    const r = f.rir === 'unregistered' ? 'unknown' : f.rir;
    const g = f.usage_region === '' || f.country === 'ZZ' ? 'unknown' : f.usage_region;
    out.set(`${r}/${g}`, (out.get(`${r}/${g}`) ?? 0) + f.addresses);
  }
  return out;
}
