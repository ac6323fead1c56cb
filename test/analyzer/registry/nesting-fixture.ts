import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Tiny delegated files where records of different RIRs nest (ERX carve-outs inside another
 * RIR's legacy block, IPv4 and IPv6) or have identical extent (the same space in two files,
 * with and without IANA's designee among them), plus IANA's IPv4 and IPv6 CSVs.
 */
const header = (rir: string) => `2|${rir}|20140701|0|19830101|20140701|+0000`;
export const FILES: Record<string, string[]> = {
  arin: [
    // the same 2.0.0.0/7 as RIPE NCC's: IANA gives 2/8 to RIPE NCC and 3/8 to ARIN
    'arin|US|ipv4|2.0.0.0|33554432|19930101|allocated',
    // the same 41.0.0.0/22 as LACNIC's, in AFRINIC's /8: IANA's designee is not among them
    'arin|US|ipv4|41.0.0.0|1024|19930101|allocated',
    // a legacy /16 with APNIC carve-outs inside
    'arin|US|ipv4|146.88.0.0|65536|19910128|assigned',
    'arin|US|ipv6|2620::|23|20060101|allocated',
  ],
  apnic: [
    'apnic|TH|ipv4|146.88.32.0|8192|19910128|allocated',
    'apnic|PH|ipv4|146.88.64.0|4096|19910128|allocated',
    'apnic|KR|ipv4|146.88.80.0|4096|19910128|allocated',
    // a /64 inside LACNIC's /40 inside ARIN's /23
    'apnic|JP|ipv6|2620:0:100:5::|64|20100101|assigned',
  ],
  lacnic: [
    'lacnic|BR|ipv4|5.0.0.0|256|20100101|allocated',
    'lacnic|AR|ipv4|41.0.0.0|1024|20100101|allocated',
    'lacnic|BR|ipv6|2620:0:100::|40|20100101|allocated',
  ],
  ripencc: [
    'ripencc|EU|ipv4|2.0.0.0|33554432|20100101|allocated',
    // the same 5.0.0.0/24 as LACNIC's: IANA's designee (RIPE NCC) wins, though LACNIC comes first alphabetically
    'ripencc|NL|ipv4|5.0.0.0|256|20100101|allocated',
    // 768 addresses: 193.0.0.0/23 + 193.0.2.0/24, one record, one segment
    'ripencc|NL|ipv4|193.0.0.0|768|19930901|assigned',
    'ripencc|NL|ipv6|2c0f:f000::|32|20100101|allocated',
  ],
  afrinic: ['afrinic|ZA|ipv6|2c0f:f000::|32|20100101|allocated'],
};

export const IANA_V4 = [
  'Prefix,Designation,Date,WHOIS,RDAP,Status [1],Note',
  '002/8,RIPE NCC,2009-09,whois.ripe.net,,ALLOCATED,',
  '003/8,Administered by ARIN,1994-05,whois.arin.net,,LEGACY,',
  '005/8,RIPE NCC,2010-11,whois.ripe.net,,ALLOCATED,',
  '041/8,AFRINIC,2005-04,whois.afrinic.net,,ALLOCATED,',
  '146/8,Administered by ARIN,1993-05,whois.arin.net,,LEGACY,',
  '193/8,RIPE NCC,1993-05,whois.ripe.net,,ALLOCATED,',
].join('\n');

export const IANA_V6 = [
  'Prefix,Designation,Date,WHOIS,RDAP,Status,Note',
  '2600:0000::/12,ARIN,2006-10-03,whois.arin.net,,ALLOCATED,',
  '2c00:0000::/12,AFRINIC,2006-10-03,whois.afrinic.net,,ALLOCATED,',
].join('\n');

/** Writes the fixture's delegated files and IANA CSVs into `dir`. */
export function writeNestingFixture(dir: string): void {
  for (const [rir, rows] of Object.entries(FILES)) writeFileSync(join(dir, `delegated-${rir}-latest`), [header(rir), ...rows].join('\n') + '\n');
  writeFileSync(join(dir, 'ipv4-address-space.csv'), IANA_V4);
  writeFileSync(join(dir, 'ipv6-unicast-address-assignments.csv'), IANA_V6);
}
