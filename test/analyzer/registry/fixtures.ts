import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Small delegated files for the tests, with the real files' quirks. */
export const RIPE_EXTENDED = [
  '# a banner before the version line',
  '',
  '2|ripencc|1567979999|9|19830705|20190908|+0200',
  'ripencc|*|ipv6|*|2|summary',
  'ripencc|*|asn|*|2|summary',
  'ripencc|*|ipv4|*|5|summary',
  'ripencc|FR|ipv4|2.0.0.0|1048576|20100712|allocated|uuid-1',
  // two adjacent records of one RIR that together cover 10.0.0.0/23
  'ripencc|NL|ipv4|10.0.0.0|256|20100101|assigned|uuid-2',
  'ripencc|DE|ipv4|10.0.1.0|256|20100101|assigned|uuid-3',
  // unaligned, non-power-of-two count: 192.0.2.64 + 320 = .64/26 + .128/25 + 192.0.3.0/25
  'ripencc|EU|ipv4|192.0.2.64|320|20100101|allocated|uuid-4',
  // RIPE 7-field free row
  'ripencc||ipv4|10.0.4.0|1024||available',
  'ripencc|SC|ipv6|2001:db8::|32|20090101|allocated|uuid-5',
  'ripencc|EU|asn|7|1|19930901|allocated|uuid-6',
  'ripencc|DE|asn|64500|10|19930901|allocated|uuid-7',
  'ripencc|DE|ipv4|not-an-ip|256|20100101|assigned|uuid-8',
].join('\n');

export const LACNIC_EXTENDED = [
  '2.3|lacnic|20190908|5|19870101|20190906|-0300',
  'lacnic|*|ipv4|*|3|summary',
  'lacnic|*|ipv6|*|1|summary',
  'lacnic|*|asn|*|1|summary',
  // adjacent to RIPE's 10.0.1.0/24: 10.0.0.0/22 spans both RIRs
  'lacnic|BR|ipv4|10.0.2.0|512|20120101|allocated|310248',
  // the same space as RIPE's 2.0.0.0/12 (a conflict)
  'lacnic|AR|ipv4|2.1.0.0|65536|20120101|allocated|310249',
  // LACNIC 7-field reserved row
  'lacnic||ipv4|24.152.20.0|1024||reserved',
  'lacnic|BR|ipv6|2801:80::|32|20090101|allocated|310250',
  'lacnic||asn|6064|1||available',
].join('\n');

/** AFRINIC-style: version line with 00000000 start and 00000 offset, ZZ free rows with a trailing |. */
export const AFRINIC_STANDARD = [
  '2|afrinic|20140630|3|00000000|20140630|00000',
  'afrinic|*|asn|*|1|summary',
  'afrinic|*|ipv4|*|1|summary',
  'afrinic|*|ipv6|*|1|summary',
  'afrinic|ZA|asn|1228|2|19910301|allocated',
  'afrinic|ZA|ipv4|41.0.0.0|2097152|20071126|allocated',
  'afrinic|MU|ipv6|2c0f:f000::|32||allocated',
].join('\n');

/** APNIC-style: empty start date, version 2.3, CONDITIONS OF USE banner. */
export const APNIC_EXTENDED = [
  '######',
  '# CONDITIONS OF USE',
  '######',
  '2.3|apnic|20190909|2||20190906|+1000',
  'apnic|*|asn|*|1|summary',
  'apnic|*|ipv4|*|1|summary',
  'apnic|JP|asn|173|1|20020801|allocated|A91E66F2',
  'apnic|AP|ipv4|1.0.0.0|256|20110811|assigned|A91872ED',
].join('\n');

export function writeFixtureDir(dir: string, opts: { gzipRipe?: boolean } = {}): void {
  if (opts.gzipRipe) writeFileSync(join(dir, 'delegated-ripencc-extended-latest.gz'), gzipSync(RIPE_EXTENDED));
  else writeFileSync(join(dir, 'delegated-ripencc-extended-latest'), RIPE_EXTENDED);
  writeFileSync(join(dir, 'delegated-lacnic-extended-latest'), LACNIC_EXTENDED);
  writeFileSync(join(dir, 'delegated-afrinic-latest'), AFRINIC_STANDARD);
}
