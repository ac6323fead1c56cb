/**
 * A small, fully known world for report tests: delegated files of the five RIRs (each with its
 * own file date), an MMDB, and route tables for three days (the third built with other filters),
 * computed into portability indexes and stored in an embedded store.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FILTERS } from '../../analyzer/models/accounting.js';
import { computePortabilityIndex } from '../../analyzer/accounting/portability.js';
import type { RouteTable } from '../../analyzer/accounting/routed.js';
import { openGeo } from '../../analyzer/geo/index.js';
import type { PortabilityIndex, RoutedFilters } from '../../analyzer/models/accounting.js';
import { loadRegistry } from '../../analyzer/registry/index.js';
import { openStore } from '../../analyzer/store/index.js';
import { writePortabilityIndex } from '../../analyzer/store/portability.js';
import { writeMmdb, type MmdbNetwork } from '../helpers/mmdb-writer.js';

const delegated = (rir: string, date: string, rows: string[]): string =>
  [`2.3|${rir}|${date}|${rows.length}|19870101|${date}|+0000`, `${rir}|*|ipv4|*|${rows.length}|summary`, ...rows.map((r) => `${rir}|${r}`), ''].join('\n');

/** Holder ids with markup characters, so the report must escape them. */
export const ODD_HOLDER = 'AF<b>&"2';

/** Each RIR's file date (the header's end date), as the method section must print it. */
export const FILE_DATES: Record<string, string> = { afrinic: '20240301', apnic: '20240302', arin: '20240303', lacnic: '20240304', ripencc: '20240305' };

const FILES: Record<string, string> = {
  'delegated-afrinic-extended-latest': delegated('afrinic', FILE_DATES.afrinic, [
    'ZA|ipv4|41.0.0.0|65536|20100101|allocated|AF000001',
    `SC|ipv4|41.1.0.0|65536|20100101|allocated|${ODD_HOLDER}`,
    'ZA|ipv4|41.2.0.0|65536|20100101|allocated|AF000003',
    'MU|ipv6|2c0f:f000::|32|20100101|allocated|AF000004',
    'MU|ipv6|2c0f:f100::|32|20100101|allocated|AF000005',
    'ZA|asn|37000|1|20100101|assigned|AF000001',
  ]),
  'delegated-apnic-extended-latest': delegated('apnic', FILE_DATES.apnic, [
    'AU|ipv4|1.0.0.0|65536|20100101|allocated|A91',
    'JP|ipv4|1.1.0.0|32768|20100101|allocated|A92',
    'JP|ipv6|2400:1000::|32|20100101|allocated|A92',
    'JP|asn|4608|1|20100101|assigned|A91',
  ]),
  'delegated-arin-extended-latest': delegated('arin', FILE_DATES.arin, [
    'US|ipv4|23.0.0.0|65536|19930101|allocated|ARIN-1',
    'US|ipv4|23.1.0.0|65536|19930101|allocated|ARIN-2',
    'US|ipv6|2600:1000::|32|20100101|allocated|ARIN-1',
    'US|asn|3356|1|19930101|assigned|ARIN-1',
  ]),
  'delegated-lacnic-extended-latest': delegated('lacnic', FILE_DATES.lacnic, [
    'BR|ipv4|200.0.0.0|65536|20100101|allocated|L-1',
    'BR|ipv4|200.1.0.0|65536|20100101|allocated|L-2',
    'BR|ipv6|2800:1000::|32|20100101|allocated|L-1',
    'BR|asn|28000|1|20100101|assigned|L-1',
  ]),
  'delegated-ripencc-extended-latest': delegated('ripencc', FILE_DATES.ripencc, [
    'NL|ipv4|185.0.0.0|65536|20120101|allocated|RIPE-1',
    'DE|ipv4|185.1.0.0|65536|20120101|allocated|RIPE-2',
    'NL|ipv6|2a00:1000::|32|20120101|allocated|RIPE-1',
    'NL|asn|3333|1|19930101|assigned|RIPE-1',
  ]),
};

const cc = (c: string) => ({ country_code: c });
const NETWORKS: MmdbNetwork[] = [
  { prefix: '41.0.0.0/16', data: cc('ZA') },
  { prefix: '41.1.0.0/16', data: cc('HK') },
  { prefix: '41.2.0.0/17', data: cc('US') },
  { prefix: '41.2.128.0/17', data: cc('KE') },
  { prefix: '1.0.0.0/16', data: cc('AU') },
  { prefix: '1.1.0.0/17', data: cc('US') },
  { prefix: '23.0.0.0/16', data: cc('US') },
  { prefix: '23.1.0.0/18', data: cc('NL') },
  { prefix: '23.1.64.0/18', data: cc('CA') },
  { prefix: '200.0.0.0/16', data: cc('BR') },
  { prefix: '200.1.0.0/16', data: cc('US') },
  { prefix: '185.0.0.0/16', data: cc('NL') },
  { prefix: '185.1.0.0/17', data: cc('HK') },
  { prefix: '185.1.128.0/17', data: cc('DE') },
  { prefix: '2c0f:f000::/32', data: cc('MU') },
  { prefix: '2c0f:f100::/32', data: cc('DE') },
  { prefix: '2400:1000::/32', data: cc('JP') },
  { prefix: '2600:1000::/33', data: cc('US') },
  { prefix: '2600:1000:8000::/33', data: cc('GB') },
  { prefix: '2800:1000::/32', data: cc('BR') },
  { prefix: '2a00:1000::/32', data: cc('NL') },
];

export const GEO_BUILD_DATE = '2024-02-29';
export const GEO_TYPE = 'Test-Country';

type Route = [prefix: string, origin: number];
const BASE: Route[] = [
  ['41.0.0.0/16', 37000],
  ['41.1.0.0/16', 4608],
  ['1.0.0.0/16', 4608],
  ['1.1.0.0/17', 4608],
  ['23.0.0.0/16', 3356],
  ['23.1.0.0/16', 3356],
  ['200.0.0.0/16', 28000],
  ['185.0.0.0/16', 3333],
  ['185.1.0.0/16', 3333],
  ['2c0f:f000::/32', 37000],
  ['2400:1000::/32', 4608],
  ['2600:1000::/32', 3356],
  ['2800:1000::/32', 28000],
  ['2a00:1000::/32', 3333],
];

/** The three days: more space used abroad as days go on; the third built with --min-peers 1. */
export const DAYS: Array<{ date: string; routes: Route[]; filters: RoutedFilters }> = [
  { date: '2024-03-01', routes: BASE, filters: DEFAULT_FILTERS },
  { date: '2024-03-02', routes: [...BASE, ['41.2.0.0/16', 3356], ['200.1.0.0/16', 3356]], filters: DEFAULT_FILTERS },
  { date: '2024-03-03', routes: [...BASE, ['41.2.0.0/16', 3356], ['200.1.0.0/16', 3356], ['2c0f:f100::/32', 3333]], filters: { ...DEFAULT_FILTERS, min_peers: 1 } },
];

const table = (routes: Route[]): RouteTable => ({
  forEachRoute: (cb) => routes.forEach(([prefix, origin]) => cb(prefix, origin, 3)),
});

/** Writes the registry and geo files into `dir` and computes the three days' indexes. */
export async function buildIndexes(dir: string): Promise<PortabilityIndex[]> {
  const files = Object.entries(FILES).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  const mmdb = join(dir, 'test-country.mmdb');
  writeFileSync(mmdb, writeMmdb(NETWORKS, { ipVersion: 6, recordSize: 24, databaseType: GEO_TYPE, buildEpoch: Date.parse(`${GEO_BUILD_DATE}T12:00:00Z`) / 1000 }));
  const [registry, geo] = await Promise.all([loadRegistry({ files }), openGeo(mmdb)]);
  return DAYS.map((d) =>
    computePortabilityIndex({
      table: table(d.routes),
      registry,
      geo,
      filters: d.filters,
      date: d.date,
      snapshotAt: Date.parse(`${d.date}T23:59:00Z`) / 1000,
      source: { kind: 'files', files: [`bview.${d.date.replace(/-/g, '')}.0000.gz`, 'updates<&>.gz'], peers: 3, elements: 1000 + d.routes.length },
    }),
  );
}

/** Stores the indexes in a new embedded store at `db` and closes it. */
export async function storeIndexes(db: string, indexes: PortabilityIndex[]): Promise<void> {
  const store = await openStore({ db });
  try {
    await store.migrate();
    let t = Date.parse('2024-03-04T00:00:00Z');
    for (const index of indexes) await writePortabilityIndex(store.client, index, (t += 1000));
  } finally {
    await store.close();
  }
}
