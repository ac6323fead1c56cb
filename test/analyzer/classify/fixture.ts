/**
 * A small, fully known world for classifier and lookup tests: delegated files (extended format),
 * an IANA CSV, a transfer log and an MMDB, all written under a temporary folder.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeMmdb, type MmdbNetwork } from '../../helpers/mmdb-writer.js';

const delegated = (rir: string, rows: string[]): string =>
  [`# test file`, `2.3|${rir}|20240101|${rows.length}|19870101|20240101|+0000`, `${rir}|*|ipv4|*|${rows.length}|summary`, ...rows.map((r) => `${rir}|${r}`), ''].join('\n');

export const FILES: Record<string, string> = {
  'delegated-afrinic-extended-latest': delegated('afrinic', [
    'ZA|ipv4|41.0.0.0|65536|20100101|allocated|AF000001', // used at home
    'SC|ipv4|41.1.0.0|65536|20100101|allocated|AF000002', // holder SC, used in HK
    'SG|ipv4|41.2.0.0|65536|20100101|allocated|AF000003', // holder SG (out of region), used in SG
    'ZA|ipv4|41.3.0.0|65536|20100101|allocated|AF000001', // holder ZA, used mostly in KE
    'SC|ipv4|41.4.0.0|65536|20100101|allocated|AF000002', // 3/4 located: HK 1/2, ZA 1/4
    'ZA|ipv4|41.5.0.0|32768|20100101|allocated|AF000001', // first half of a mixed /16
    'ZA|ipv4|41.6.0.0|32768|20100101|assigned|AF000004', // first half of a partial /16
    '|ipv4|41.6.128.0|32768||available|',
    '|ipv4|41.7.0.0|65536||available|', // unregistered
    'MU|ipv6|2c0f:f000::|32|20100101|allocated|AF000005',
    'ZA|asn|37000|1|20100101|assigned|AF000001',
  ]),
  'delegated-ripencc-extended-latest': delegated('ripencc', [
    'NL|ipv4|41.5.128.0|32768|20100101|allocated|RIPE-1', // second half of the mixed /16
    'NL|ipv4|185.0.0.0|65536|20120101|allocated|RIPE-2', // used in HK
    'NL|ipv4|185.1.0.0|65536|20120101|allocated|RIPE-3', // transferred in from ARIN, used at home
    'NL|asn|3333|1|19930101|assigned|RIPE-1',
  ]),
  'delegated-arin-extended-latest': delegated('arin', [
    'US|ipv4|23.0.0.0|65536|19930101|allocated|ARIN-1', // legacy /8, used in HK
    'US|asn|3356|1|19930101|assigned|ARIN-1',
  ]),
  'delegated-apnic-extended-latest': delegated('apnic', ['CN|asn|4134|1|20020101|allocated|AP000001']),
  'ipv4-address-space.csv': [
    'Prefix,Designation,Date,WHOIS,RDAP,Status,Note',
    '023/8,Administered by ARIN,1995-07,whois.arin.net,https://rdap.arin.net/registry,LEGACY,',
    '041/8,AFRINIC,2005-04,whois.afrinic.net,https://rdap.afrinic.net/rdap/,ALLOCATED,',
    '185/8,RIPE NCC,2011-02,whois.ripe.net,https://rdap.db.ripe.net/,ALLOCATED,',
    '',
  ].join('\n'),
  'transfers_latest.json': JSON.stringify({
    version: { stats_version: '1.0', production_date: '2024-01-01T00:00:00Z' },
    transfers: [
      {
        type: 'RESOURCE_TRANSFER',
        transfer_date: '2019-05-01T00:00:00Z',
        source_rir: 'ARIN',
        recipient_rir: 'RIPE NCC',
        source_organization: { country_code: 'US' },
        recipient_organization: { country_code: 'NL' },
        ip4nets: { transfer_set: [{ start_address: '185.1.0.0', end_address: '185.1.255.255' }] },
      },
    ],
  }),
};

const cc = (c: string) => ({ country_code: c });
export const NETWORKS: MmdbNetwork[] = [
  { prefix: '41.0.0.0/16', data: cc('ZA') },
  { prefix: '41.1.0.0/16', data: cc('HK') },
  { prefix: '41.2.0.0/16', data: cc('SG') },
  { prefix: '41.3.0.0/17', data: cc('KE') },
  { prefix: '41.3.128.0/18', data: cc('KE') },
  { prefix: '41.3.192.0/18', data: cc('ZA') },
  { prefix: '41.4.0.0/17', data: cc('HK') },
  { prefix: '41.4.128.0/18', data: cc('ZA') },
  { prefix: '41.5.0.0/16', data: cc('ZA') },
  { prefix: '41.6.0.0/16', data: cc('ZA') },
  { prefix: '41.7.0.0/16', data: cc('CN') },
  { prefix: '23.0.0.0/16', data: cc('HK') },
  { prefix: '185.0.0.0/16', data: cc('HK') },
  { prefix: '185.1.0.0/16', data: cc('NL') },
  { prefix: '2c0f:f000::/32', data: cc('MU') },
];

/** Writes the fixture into `dir`; returns the registry file paths and the MMDB path. */
export function writeFixture(dir: string): { files: string[]; mmdb: string } {
  const files = Object.entries(FILES).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  const mmdb = join(dir, 'test-country.mmdb');
  writeFileSync(mmdb, writeMmdb(NETWORKS, { ipVersion: 6, recordSize: 24 }));
  return { files, mmdb };
}
