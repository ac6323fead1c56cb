import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DelegatedParser, headerDate, parseDelegatedChunks, parseDelegatedFile, parseDelegatedText, type DelegatedFile } from '../../../analyzer/registry/delegated-parser.js';
import { setLogLevel } from '../../../common/log.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { AFRINIC_STANDARD, APNIC_EXTENDED, LACNIC_EXTENDED, RIPE_EXTENDED } from './fixtures.js';

describe('delegated parser: quirks', () => {
  it('skips banners and comments before the version line, reads summaries in any order', () => {
    const f = parseDelegatedText(RIPE_EXTENDED, 'ripe');
    expect(f.header).toMatchObject({ version: '2', registry: 'ripencc', serial: '1567979999', records: 9, startDate: '19830705', endDate: '20190908' });
    expect(f.summaries).toEqual({ ipv6: 2, asn: 2, ipv4: 5 });
    expect(f.extended).toBe(true);
  });

  it('keeps RIPE 7-field free rows and LACNIC 7-field reserved rows with null date and id', () => {
    const ripe = parseDelegatedText(RIPE_EXTENDED, 'ripe');
    expect(ripe.records.find((r) => r.status === 'available')).toEqual({ rir: 'ripencc', cc: '', type: 'ipv4', start: '10.0.4.0', value: 1024, date: null, status: 'available', opaqueId: null });
    const lacnic = parseDelegatedText(LACNIC_EXTENDED, 'lacnic');
    expect(lacnic.records.filter((r) => r.status === 'reserved' || r.status === 'available').map((r) => [r.type, r.opaqueId, r.date])).toEqual([
      ['ipv4', null, null],
      ['asn', null, null],
    ]);
    expect(lacnic.records.find((r) => r.type === 'ipv6')?.opaqueId).toBe('310250');
  });

  it('reports a malformed line with its line number, counts it, and loads the rest', () => {
    const f = parseDelegatedText(RIPE_EXTENDED, 'ripe');
    expect(f.skipped).toBe(1);
    expect(f.issues).toHaveLength(1);
    expect(f.issues[0].line).toBe(RIPE_EXTENDED.split('\n').findIndex((l) => l.includes('not-an-ip')) + 1);
    expect(f.issues[0].reason).toMatch(/bad IPv4 address/);
    expect(f.records).toHaveLength(8);
  });

  it('handles version-line variants: date serial, seconds, milliseconds, empty and 00000000 start dates', () => {
    expect(headerDate(parseDelegatedText(AFRINIC_STANDARD).header)).toBe('2014-06-30');
    const afr = parseDelegatedText(AFRINIC_STANDARD).header;
    expect(afr.startDate).toBeNull();
    expect(afr.utcOffset).toBe('00000');
    expect(parseDelegatedText(APNIC_EXTENDED).header.startDate).toBeNull();
    const noEnd = (serial: string) => headerDate({ version: '2', registry: 'arin', serial, records: 0, startDate: null, endDate: null, utcOffset: '' });
    expect(noEnd('20190908')).toBe('2019-09-08');
    expect(noEnd('1567979999')).toBe('2019-09-08'); // seconds
    expect(noEnd('1567951216119')).toBe('2019-09-08'); // milliseconds (ARIN)
  });

  it('keeps ZZ/EU/AP codes, IPv6 values as prefix lengths and ASN ranges as written', () => {
    const ripe = parseDelegatedText(RIPE_EXTENDED);
    expect(ripe.records.filter((r) => r.cc === 'EU').map((r) => r.type)).toEqual(['ipv4', 'asn']);
    expect(ripe.records.find((r) => r.type === 'ipv6')).toMatchObject({ start: '2001:db8::', value: 32 });
    expect(ripe.records.find((r) => r.start === '64500')).toMatchObject({ type: 'asn', value: 10 });
    expect(parseDelegatedText(APNIC_EXTENDED).records.find((r) => r.type === 'ipv4')?.cc).toBe('AP');
    const zz = parseDelegatedText('2|afrinic|20190909|1|00000000|20190909|00000\nafrinic|ZZ|asn|5536|1||available|\n');
    expect(zz.records[0]).toMatchObject({ cc: 'ZZ', status: 'available', opaqueId: null, date: null });
  });

  it('rejects unknown statuses, bad dates, short lines and IPv6 host bits line by line', () => {
    const text = [
      '2|arin|1|4|19700101|20190908|-0400',
      'arin|US|ipv4|8.0.0.0|256|20100101|stolen',
      'arin|US|ipv4|8.0.1.0|256|2010-01-01|allocated',
      '|3|19990401|arin',
      'arin|US|ipv6|2001:db8::1|32|20100101|allocated',
      'arin|US|ipv4|8.0.2.0|256|20100101|allocated',
    ].join('\n');
    const f = parseDelegatedText(text, 'arin');
    expect(f.records.map((r) => r.start)).toEqual(['8.0.2.0']);
    expect(f.issues.map((i) => i.line)).toEqual([2, 3, 4, 5]);
  });

  it('IPv6 host bits: in the top 64 bits (no bigint), below them, and the prefixes that are fine', () => {
    const lines = [
      'arin|US|ipv6|2001:db8::|32|20100101|allocated', // ok
      'arin|US|ipv6|2001:db9::|31|20100101|allocated', // host bit in the high 32
      'arin|US|ipv6|2001:db8:0:100::|40|20100101|allocated', // host bit in the next 32
      'arin|US|ipv6|2001:db8:0:100::|56|20100101|allocated', // ok
      'arin|US|ipv6|2001:db8::8000:0:0:0|64|20100101|allocated', // host bit below the /64 boundary
      'arin|US|ipv6|2001:db8::1|127|20100101|allocated', // low bit under a /127
      'arin|US|ipv6|2001:db8::2|127|20100101|allocated', // ok
      'arin|US|ipv6|::|0|20100101|allocated', // ok
      'arin|US|ipv6|8000::|0|20100101|allocated', // host bit under /0
      'arin|US|ipv6|ffff:ffff:ffff:ffff::|64|20100101|allocated', // ok
    ];
    const f = parseDelegatedText(['2|arin|1|10|19700101|20190908|-0400', ...lines].join('\n'), 'arin');
    expect(f.records.map((r) => `${r.start}/${r.value}`)).toEqual(['2001:db8::/32', '2001:db8:0:100::/56', '2001:db8::2/127', '::/0', 'ffff:ffff:ffff:ffff::/64']);
    expect(f.issues.map((i) => i.reason)).toEqual([
      'IPv6 2001:db9::/31 has host bits set',
      'IPv6 2001:db8:0:100::/40 has host bits set',
      'IPv6 2001:db8::8000:0:0:0/64 has host bits set',
      'IPv6 2001:db8::1/127 has host bits set',
      'IPv6 8000::/0 has host bits set',
    ]);
  });

  it('reads gzip files and names an empty or versionless file in its error', async () => {
    const dir = makeTmpDir('delegated');
    writeFileSync(join(dir, 'a.gz'), gzipSync(AFRINIC_STANDARD));
    expect((await parseDelegatedFile(join(dir, 'a.gz'))).records).toHaveLength(3);
    writeFileSync(join(dir, 'empty'), '');
    await expect(parseDelegatedFile(join(dir, 'empty'))).rejects.toThrow(/empty.*is empty|empty/);
    writeFileSync(join(dir, 'junk'), 'hello\nworld\n');
    await expect(parseDelegatedFile(join(dir, 'junk'))).rejects.toThrow(/junk is not an RIR statistics file/);
  });
});

/** The general reader alone: every line through DelegatedParser.line(), as split text. */
function lineByLine(text: string, path: string): DelegatedFile {
  const parser = new DelegatedParser(path);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((l, i) => parser.line(l.endsWith('\r') ? l.slice(0, -1) : l, i + 1));
  return parser.finish();
}

describe('delegated parser: the byte reader and the general reader agree', () => {
  // Well-formed rows of every kind, then each one changed where the byte reader must hand over.
  const good = [
    'ripencc|NL|ipv4|193.0.0.0|2048|19930901|allocated|f1d5a7c3',
    'ripencc||ipv4|193.0.8.0|256||available|',
    'arin|US|ipv4|8.0.0.0|16777216|19921201|allocated',
    'arin|US|ipv6|2001:db8::|32|20100101|assigned',
    'apnic|AU|asn|64496|16|00000000|reserved|A91A6F3C',
    'lacnic|BR|ipv4|200.0.0.0|512|20000101|allocated|123|extra|fields',
    'afrinic|ZA|ipv6|2c0f:f7e8::|32|20130101|allocated|F36B9F4B',
  ];
  const variants = [
    ...good,
    'ripencc|nl|ipv4|193.0.16.0|256|19930901|allocated', // lower-case country: upper-cased
    'ripencc| NL |ipv4|193.0.17.0|256|19930901|allocated', // spaces around it: trimmed
    'ripencc|NLD|ipv4|193.0.18.0|256|19930901|allocated',
    'ripencc|*|ipv4|*|5|summary',
    'ripencc|NL|ipv4|193.0.19.0|256|19930901|allocated\r', // CRLF
    'ripencc|NL|ipv4|193.0.20.0|256|19930901|allocated|id\r',
    'ripencc|NL|ipv4|193.0.21.0|256|19930901|allo\rcated',
    'ripencc|NL|ipv4|193.0.22.0|256|19930901|allocated|i\rd',
    'ripencc|NL|ipv4|193.0.23.0|256|19930901|allocated|h\u00e9', // a holder id in UTF-8
    'ripencc|NL|ipv4|193.0.24.0|0256|19930901|allocated', // leading zero in the count
    'ripencc|NL|ipv4|010.0.25.0|256|19930901|allocated', // and in the address
    'ripencc|NL|ipv4|193.0.26.0|1234567890123456|19930901|allocated', // 16 digits
    'ripencc|NL|ipv4|193.0.27.0||19930901|allocated',
    'ripencc|NL|ipv4|193.0.28.0|256|1993090|allocated',
    'ripencc|NL|ipv4|193.0.29.0|256|199309011|allocated',
    'ripencc|NL|ipv4|255.255.255.0|257|19930901|allocated',
    'ripencc|NL|ipv4|1.2.3|256|19930901|allocated',
    'ripencc|NL|ipv4||256|19930901|allocated',
    'ripencc|NL|ipv5|193.0.30.0|256|19930901|allocated',
    'ripencc|NL|asn|4294967295|2|19930901|allocated',
    'ripencc|NL|asn|12x|2|19930901|allocated',
    'ripencc|NL|asn|64496|0|19930901|allocated',
    'ripencc|NL|ipv6|2001:db8::1|64|19930901|allocated',
    'ripencc|NL|ipv6|2001:db8::|129|19930901|allocated',
    'ripencc|NL|ipv6|2001:db8::|32|19930901|allocatedx',
    'ripencc|NL|ipv4|193.0.31.0|256|19930901',
    'ripencc|NL|ipv4|193.0.32.0|256|19930901|',
    'ripenc|NL|ipv4|193.0.33.0|256|19930901|allocated',
    'RIPENCC|NL|ipv4|193.0.34.0|256|19930901|allocated',
    '# a comment',
    '   ',
    '',
    'ripencc|NL|ipv4|193.0.35.0|256|19930901|allocated|',
  ];
  const text = ['# banner', '2.3|ripencc|1700000000|40|19830705|20240104|+0100', ...variants].join('\n');

  it('same records, refusals and counts as line() alone, with and without a final newline', () => {
    setLogLevel('silent');
    for (const t of [text, text + '\n', text + '\r\n']) {
      const fast = parseDelegatedText(t, 'x');
      expect(fast).toEqual(lineByLine(t, 'x'));
      // The well-formed rows were all kept; the refusals say why.
      expect(fast.records.length).toBeGreaterThanOrEqual(good.length + 4);
      expect(fast.skipped).toBeGreaterThan(15);
    }
  });

  it('the same in chunks of any size (lines cut between chunks, a UTF-8 character cut in two)', async () => {
    setLogLevel('silent');
    const bytes = Buffer.from(text + '\n', 'utf8');
    const whole = lineByLine(text + '\n', 'x');
    for (const size of [1, 2, 3, 7, 64, 1000, bytes.length]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(new Uint8Array(bytes.subarray(i, i + size)));
      expect(await parseDelegatedChunks(chunks, 'x'), `chunks of ${size}`).toEqual(whole);
    }
  });

  it('a line of 300 KB across 1 KB chunks (a file that is not delegated text) is refused, the rows around it kept', async () => {
    setLogLevel('silent');
    const long = `${text}\n${'x|'.repeat(150_000)}\n${text}\n`;
    const bytes = Buffer.from(long, 'utf8');
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 1024) chunks.push(new Uint8Array(bytes.subarray(i, i + 1024)));
    const whole = lineByLine(long, 'x');
    expect(await parseDelegatedChunks(chunks, 'x')).toEqual(whole);
    const once = lineByLine(text + '\n', 'x');
    expect(whole.records).toHaveLength(2 * once.records.length);
    expect(whole.skipped).toBeGreaterThan(once.skipped);
  });
});

describe.skipIf(!hasSharedData)(`delegated parser: real files (${sharedDataSkipReason})`, () => {
  it('parses every record of the 2013 RIPE NCC file (the count PROVENANCE gives)', async () => {
    const f = await parseDelegatedFile(sharedData('rir/2013-08-13/delegated-ripencc-latest.gz'));
    expect(f.records).toHaveLength(82928);
    expect(f.skipped).toBe(0);
    expect(f.extended).toBe(false);
  });

  it('parses the extended excerpts of all five RIRs (7-field and trailing-| free rows)', async () => {
    for (const rir of ['afrinic', 'apnic', 'arin', 'lacnic', 'ripencc']) {
      const f = await parseDelegatedFile(sharedData('rir/2019-09-09-excerpts', rir));
      expect(f.skipped, rir).toBe(0);
      expect(f.records.length, rir).toBe(300);
      expect(f.extended, rir).toBe(true);
    }
  });

  it('loads the LACNIC 2026 file whose header count disagrees with its rows', async () => {
    const f = await parseDelegatedFile(sharedData('rir/2026-02-13/delegated-lacnic-latest.gz'));
    expect(f.header.records).toBe(48928);
    expect(f.records).toHaveLength(47408);
  });
});
