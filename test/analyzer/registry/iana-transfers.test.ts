import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIanaCsv, parseIanaDelegatedFile, parseIanaDelegatedText, rirOfDesignation } from '../../../analyzer/registry/iana-parser.js';
import { normaliseRir, parseTransfersText } from '../../../analyzer/registry/transfers-parser.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';

describe('IANA registries', () => {
  const dir = makeTmpDir('iana');

  it('parses quoted CSV fields with newlines and zero-padded IPv4 prefixes', async () => {
    writeFileSync(
      join(dir, 'ipv4-address-space.csv'),
      'Prefix,Designation,Date,WHOIS,RDAP,Status [1],Note\n003/8,Administered by ARIN,1994-05,whois.arin.net,"https://rdap.arin.net/registry\nhttp://rdap.arin.net/registry",LEGACY,\n017/8,Apple Computer Inc.,1992-07,whois.arin.net,"a\nb",LEGACY,\n999/8,broken,,,,RESERVED,\n041/8,AFRINIC,2005-04,whois.afrinic.net,,ALLOCATED,"note with, comma"\n',
    );
    const f = await parseIanaCsv(join(dir, 'ipv4-address-space.csv'));
    expect(f.blocks.map((b) => [b.designation.block, b.designation.rir, b.designation.status])).toEqual([
      ['3.0.0.0/8', 'arin', 'LEGACY'],
      ['17.0.0.0/8', 'arin', 'LEGACY'], // a company's legacy /8, administered through ARIN's WHOIS
      ['41.0.0.0/8', 'afrinic', 'ALLOCATED'],
    ]);
    expect(f.blocks[2].designation.note).toBe('note with, comma');
    expect(f.skipped).toBe(1);
    expect(f.blocks[0].first).toBe(3n << 24n);
    expect(f.blocks[0].last).toBe((4n << 24n) - 1n);
  });

  it('parses the as-numbers CSVs (single numbers and ranges)', async () => {
    writeFileSync(
      join(dir, 'as-numbers-1.csv'),
      'Number,Description,WHOIS,RDAP,Reference,Registration Date\n0,Reserved for RPKI unallocated space invalidation,,,[RFC7607],2015-02\n1-1876,Assigned by ARIN,whois.arin.net,https://rdap.arin.net/registry,,\n1877-1901,Assigned by RIPE NCC,whois.ripe.net,https://rdap.db.ripe.net/,,\n64198-64296,Unallocated,,,,\n',
    );
    const f = await parseIanaCsv(join(dir, 'as-numbers-1.csv'));
    expect(f.kind).toBe('asn-csv');
    expect(f.blocks.map((b) => [b.designation.block, b.designation.rir, b.designation.status])).toEqual([
      ['AS0', null, 'RESERVED'],
      ['AS1-AS1876', 'arin', 'ALLOCATED'],
      ['AS1877-AS1901', 'ripencc', 'ALLOCATED'],
      ['AS64198-AS64296', null, 'UNASSIGNED'],
    ]);
  });

  it('parses the delegated-iana format (both variants) and skips the broken fragment row', () => {
    const f = parseIanaDelegatedText(
      ['2|iana|20190911|4|19830101|20190612|+0000', 'iana|*|asn|*|2|summary', 'iana|ZZ|asn|1|1876|19920101|arin', '|3|19990401|arin', 'iana|ZZ|asn|0|1|19920101|reserved|ietf|iana', 'iana|ZZ|ipv4|41.0.0.0|16777216|20050401|afrinic'].join('\n'),
      'iana-fixture',
    );
    expect(f.skipped).toBe(1);
    expect(f.blocks.map((b) => [b.designation.block, b.designation.rir, b.designation.status])).toEqual([
      ['AS1-AS1876', 'arin', 'ALLOCATED'],
      ['AS0', null, 'RESERVED'],
      ['41.0.0.0/8', 'afrinic', 'ALLOCATED'],
    ]);
  });

  it('maps designation texts and WHOIS servers to RIRs', () => {
    expect(rirOfDesignation('Administered by RIPE NCC')).toBe('ripencc');
    expect(rirOfDesignation('Level 3 Parent, LLC', 'whois.arin.net')).toBe('arin');
    expect(rirOfDesignation('IANA - Private Use')).toBeNull();
  });
});

describe('transfer logs', () => {
  it('keeps inter-RIR transfers (IPv4, IPv6, ASN), counts intra-RIR ones, skips bad entries', () => {
    const f = parseTransfersText(
      JSON.stringify({
        version: { production_date: '2024-01-05T00:00:00Z' },
        transfers: [
          { transfer_date: '2020-05-01T10:00:00Z', source_rir: 'APNIC', recipient_rir: 'ARIN', ip4nets: { transfer_set: [{ start_address: '1.2.3.0', end_address: '1.2.3.255' }] }, asns: { transfer_set: [{ start_as_number: 4608, end_as_number: 4608 }] } },
          { transfer_date: '2021-01-01T00:00:00Z', source_rir: 'ARIN', recipient_rir: 'RIPE NCC', ip6nets: { transfer_set: [{ start_address: '2620:0:1::', end_address: '2620:0:1:ffff:ffff:ffff:ffff:ffff' }] } },
          { transfer_date: '2021-01-01T00:00:00Z', source_rir: 'ARIN', recipient_rir: 'ARIN', ip4nets: { transfer_set: [{ start_address: '8.0.0.0', end_address: '8.0.0.255' }] } },
          { transfer_date: 'yesterday', source_rir: 'ARIN', recipient_rir: 'APNIC' },
          { transfer_date: '2021-01-01', source_rir: 'MARS', recipient_rir: 'APNIC' },
        ],
      }),
      'log.json',
    );
    expect(f.date).toBe('2024-01-05');
    expect(f.intraRir).toBe(1);
    expect(f.skipped).toBe(2);
    expect(f.ranges.map((r) => [r.transfer.type, r.transfer.resource, r.transfer.fromRir, r.transfer.toRir, r.transfer.date])).toEqual([
      ['ipv4', '1.2.3.0-1.2.3.255', 'apnic', 'arin', '2020-05-01'],
      ['asn', 'AS4608', 'apnic', 'arin', '2020-05-01'],
      ['ipv6', '2620:0:1::-2620:0:1:ffff:ffff:ffff:ffff:ffff', 'arin', 'ripencc', '2021-01-01'],
    ]);
    expect(normaliseRir('AfriNIC')).toBe('afrinic');
  });

  it('a file that is not a transfer log is a clear error', () => {
    expect(() => parseTransfersText('{"x":1}', 'x.json')).toThrow(/x.json: no "transfers" array/);
    expect(() => parseTransfersText('nope', 'y.json')).toThrow(/y.json: not valid JSON/);
  });
});

describe.skipIf(!hasSharedData)(`IANA: real files (${sharedDataSkipReason})`, () => {
  it('reads all 256 IPv4 /8 rows and the IPv6 unicast rows', async () => {
    const v4 = await parseIanaCsv(sharedData('iana/ipv4-address-space.csv'));
    expect(v4.blocks).toHaveLength(256);
    expect(v4.skipped).toBe(0);
    expect(v4.blocks.filter((b) => b.designation.status === 'LEGACY').length).toBeGreaterThan(30);
    const v6 = await parseIanaCsv(sharedData('iana/ipv6-unicast-address-assignments.csv'));
    expect(v6.kind).toBe('ipv6-csv');
    expect(v6.skipped).toBe(0);
    expect(v6.blocks.find((b) => b.designation.block === '2001:200::/23')?.designation.rir).toBe('apnic');
  });

  it('reads the delegated-iana file, skipping exactly its one broken row (line 1007)', async () => {
    const f = await parseIanaDelegatedFile(sharedData('iana/delegated-iana-latest'));
    expect(f.skipped).toBe(1);
    expect(f.blocks).toHaveLength(2530);
  });
});
