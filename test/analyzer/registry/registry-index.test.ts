import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRegistry, LookupInputError, type RegistryIndex } from '../../../analyzer/registry/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { APNIC_EXTENDED, writeFixtureDir } from './fixtures.js';

const IANA_V4 = [
  'Prefix,Designation,Date,WHOIS,RDAP,Status [1],Note',
  '002/8,RIPE NCC,2009-09,whois.ripe.net,https://rdap.db.ripe.net/,ALLOCATED,',
  '010/8,IANA - Private Use,1995-06,,,RESERVED,[3]',
  '192/8,Administered by ARIN,1993-05,whois.arin.net,"https://rdap.arin.net/registry',
  'http://rdap.arin.net/registry",LEGACY,',
].join('\n');

const TRANSFERS = JSON.stringify({
  version: { production_date: '2019-09-09T00:00:00Z', stats_version: '1.0' },
  transfers: [
    { type: 'RESOURCE_TRANSFER', transfer_date: '2018-01-02T00:00:00Z', source_rir: 'ARIN', recipient_rir: 'RIPE NCC', source_organization: { country_code: 'US' }, recipient_organization: { country_code: 'DE' }, ip4nets: { transfer_set: [{ start_address: '10.0.1.0', end_address: '10.0.1.255' }] } },
    { type: 'RESOURCE_TRANSFER', transfer_date: '2018-01-03T00:00:00Z', source_rir: 'RIPE NCC', recipient_rir: 'RIPE NCC', ip4nets: { transfer_set: [{ start_address: '10.0.0.0', end_address: '10.0.0.255' }] } },
  ],
});

let index: RegistryIndex;
let dir: string;

beforeAll(async () => {
  dir = makeTmpDir('registry-index');
  writeFixtureDir(dir, { gzipRipe: true });
  writeFileSync(join(dir, 'ipv4-address-space.csv'), IANA_V4);
  writeFileSync(join(dir, 'transfers-ripencc-latest.json'), TRANSFERS);
  index = await loadRegistry({ rirDir: dir });
});

describe('registry index: prefix and IP lookups', () => {
  it('finds the covering record of an IP, most specific first, with IANA designation', () => {
    const r = index.ip('2.10.20.30');
    expect(r.prefix).toBe('2.10.20.30/32');
    expect(r.records[0].record.cc).toBe('FR');
    expect(r.records[0].cidr).toBe('2.0.0.0/12');
    expect(r.records[0].share).toBe(1);
    expect(r.coverage).toBe('full');
    expect(r.rir).toBe('ripencc');
    expect(r.iana).toMatchObject({ block: '2.0.0.0/8', rir: 'ripencc', status: 'ALLOCATED' });
    expect(index.prefix('2.10.20.30')).toEqual(r);
  });

  it('a prefix spanning two records of one RIR: full coverage, that RIR, two shares', () => {
    const r = index.prefix('10.0.0.0/23');
    expect(r.coverage).toBe('full');
    expect(r.rir).toBe('ripencc');
    expect(r.mixed).toBe(false);
    expect(r.records.map((o) => [o.cidr, o.share])).toEqual([
      ['10.0.0.0/24', 0.5],
      ['10.0.1.0/24', 0.5],
    ]);
    expect(r.iana?.status).toBe('RESERVED');
  });

  it('a prefix spanning two RIRs is mixed, with no registering RIR', () => {
    const r = index.prefix('10.0.0.0/22');
    expect(r.coverage).toBe('full');
    expect(r.mixed).toBe(true);
    expect(r.rir).toBeNull();
    expect(r.records.map((o) => [o.record.rir, o.cidr, o.share])).toEqual([
      ['ripencc', '10.0.0.0/24', 0.25],
      ['ripencc', '10.0.1.0/24', 0.25],
      ['lacnic', '10.0.2.0/23', 0.5],
    ]);
    expect(r.conflicts).toEqual([]);
  });

  it('a partly unregistered prefix is partial, lists the free rows, and names no RIR', () => {
    const r = index.prefix('10.0.0.0/21');
    expect(r.coverage).toBe('partial');
    expect(r.rir).toBeNull();
    expect(r.records.reduce((a, o) => a + o.share, 0)).toBe(0.5);
    expect(r.free.map((o) => [o.record.status, o.cidr, o.share])).toEqual([['available', '10.0.4.0/22', 0.5]]);
    const none = index.prefix('10.0.4.0/24');
    expect(none.coverage).toBe('none');
    expect(none.records).toEqual([]);
    expect(none.free[0].share).toBe(1);
  });

  it('the same space in two RIRs files is a conflict, reported with both records; the most specific registers it', () => {
    const r = index.prefix('2.1.2.0/24');
    expect(r.coverage).toBe('full');
    expect(r.mixed).toBe(true);
    // LACNIC's /16 nests inside RIPE's /12: the most specific record wins (the conflict stays listed)
    expect(r.rir).toBe('lacnic');
    // the more specific LACNIC /16 first, then RIPE's /12
    expect(r.records.map((o) => o.cidr)).toEqual(['2.1.0.0/16', '2.0.0.0/12']);
    expect(r.conflicts.map((o) => o.record.rir).sort()).toEqual(['lacnic', 'ripencc']);
    expect(index.prefix('2.2.0.0/16').conflicts).toEqual([]);
  });

  it('splits unaligned, non-power-of-two IPv4 rows into their exact CIDRs', () => {
    const r = index.prefix('192.0.2.0/23');
    expect(r.records.map((o) => o.cidr)).toEqual(['192.0.2.64/26', '192.0.2.128/25', '192.0.3.0/25']);
    expect(r.records.every((o) => o.record.value === 320)).toBe(true);
    expect(r.records.reduce((a, o) => a + o.share, 0)).toBeCloseTo(320 / 512, 12);
    expect(r.coverage).toBe('partial');
    expect(index.ip('192.0.2.63').records).toEqual([]);
    expect(index.ip('192.0.3.127').records[0].cidr).toBe('192.0.3.0/25');
    expect(index.ip('192.0.3.128').records).toEqual([]);
    expect(r.iana).toMatchObject({ status: 'LEGACY', rir: 'arin' });
  });

  it('reports inter-RIR transfers for overlapping space and ignores intra-RIR ones', () => {
    expect(index.prefix('10.0.1.0/24').transfers).toEqual([{ resource: '10.0.1.0-10.0.1.255', type: 'ipv4', fromRir: 'arin', toRir: 'ripencc', date: '2018-01-02', fromCc: 'US', toCc: 'DE' }]);
    expect(index.prefix('10.0.0.0/24').transfers).toEqual([]);
  });

  it('the IPv4 host fast path agrees with the general /32 prefix path', () => {
    for (const ip of ['2.1.2.3', '2.10.20.30', '10.0.1.7', '10.0.4.9', '192.0.3.127', '192.0.3.128', '1.2.3.4']) {
      // prefix('x/32') takes the general path (segments, callbacks, sorting); ip() the fast one.
      expect(index.ip(ip), ip).toEqual(index.prefix(`${ip}/32`));
    }
    expect(index.ip('2.1.2.3').conflicts).toHaveLength(2);
    expect(index.ip('10.0.1.7').transfers).toHaveLength(1);
    expect(index.ip('10.0.4.9').free).toHaveLength(1);
  });

  it('looks up IPv6 prefixes and addresses', () => {
    const r = index.prefix('2001:db8:1234::/48');
    expect(r.records[0]).toMatchObject({ cidr: '2001:db8::/32', share: 1 });
    expect(r.rir).toBe('ripencc');
    expect(r.records[0].record.cc).toBe('SC');
    expect(index.ip('2801:80::1').rir).toBe('lacnic');
    const wide = index.prefix('2001:db8::/31');
    expect(wide.coverage).toBe('partial');
    expect(wide.records[0].share).toBe(0.5);
    expect(index.ip('2c0f:f000:1::').rir).toBe('afrinic');
    expect(index.ip('2c0f:f001::').coverage).toBe('none');
  });

  it('looks up AS numbers inside ranges', () => {
    expect(index.asn(64505)).toMatchObject({ asn: 64505, rir: 'ripencc', record: { start: '64500', value: 10 } });
    expect(index.asn(64510).record).toBeNull();
    expect(index.asn(1229).rir).toBe('afrinic');
    expect(index.asn(6064).record).toBeNull(); // LACNIC "available" is not a delegation
  });

  it('throws a LookupInputError that says what is wrong with bad targets', () => {
    expect(() => index.prefix('10.0.0.1/24')).toThrow(LookupInputError);
    expect(() => index.prefix('10.0.0.1/24')).toThrow(/host bits set.*10\.0\.0\.0\/24/);
    expect(() => index.prefix('banana')).toThrow(/not an IP address/);
    expect(() => index.prefix('10.0.0.0/33')).toThrow(/not a prefix/);
    expect(() => index.asn(-1)).toThrow(/not an AS number/);
  });

  it('lists the files it loaded, preferring extended over standard for a RIR', () => {
    writeFileSync(join(dir, 'delegated-ripencc-latest'), '2|ripencc|1|0|19830705|20190908|+0200\n');
    const files = index.files();
    expect(files.map((f) => f.rir).sort()).toEqual(['afrinic', 'iana', 'lacnic', 'ripencc']);
    expect(files.find((f) => f.rir === 'ripencc')).toMatchObject({ extended: true, skipped: 1, records: 8, date: '2019-09-08' });
  });
});

describe('loadRegistry: errors name the file or folder', () => {
  it('a folder without RIR files says which folder and which names were expected', async () => {
    const empty = makeTmpDir('registry-empty');
    await expect(loadRegistry({ rirDir: empty })).rejects.toThrow(new RegExp(`no RIR delegated file in ${empty}.*delegated-arin-extended-latest`));
  });

  it('an explicit missing or empty file is named', async () => {
    const d = makeTmpDir('registry-missing');
    await expect(loadRegistry({ files: [join(d, 'delegated-arin-latest')] })).rejects.toThrow(/delegated-arin-latest does not exist/);
    writeFileSync(join(d, 'delegated-arin-latest'), '');
    await expect(loadRegistry({ files: [join(d, 'delegated-arin-latest')] })).rejects.toThrow(/delegated-arin-latest is empty/);
  });

  it('an empty RIR file found in a folder is an error naming it', async () => {
    const d = makeTmpDir('registry-emptyfile');
    writeFileSync(join(d, 'delegated-apnic-extended-latest'), '');
    await expect(loadRegistry({ rirDir: d })).rejects.toThrow(/delegated-apnic-extended-latest is empty/);
  });

  it('loads explicit files, and a broken transfer log is skipped, not fatal', async () => {
    const d = makeTmpDir('registry-files');
    mkdirSync(join(d, 'x'));
    writeFileSync(join(d, 'x', 'apnic'), APNIC_EXTENDED);
    writeFileSync(join(d, 'x', 'transfers_latest.json'), '{not json');
    const idx = await loadRegistry({ files: [join(d, 'x', 'apnic'), join(d, 'x', 'transfers_latest.json')] });
    expect(idx.ip('1.0.0.1').rir).toBe('apnic');
    expect(idx.asn(173).record?.opaqueId).toBe('A91E66F2');
  });
});

describe.skipIf(!hasSharedData)(`registry index: real files (${sharedDataSkipReason})`, () => {
  let real: RegistryIndex;
  beforeAll(async () => {
    real = await loadRegistry({ rirDir: sharedData('rir/2013-08-13'), ianaDir: sharedData('iana') });
  });

  it('answers known delegations from the 2013 files', () => {
    // 193.0.0.0/21 is RIPE NCC's own block; 8.8.8.0/24 is in ARIN legacy space (IANA LEGACY /8)
    expect(real.ip('193.0.0.1')).toMatchObject({ rir: 'ripencc', coverage: 'full' });
    const google = real.prefix('8.8.8.0/24');
    expect(google.iana).toMatchObject({ block: '8.0.0.0/8', status: 'LEGACY', rir: 'arin' });
    expect(real.ip('1.1.1.1').rir).toBe('apnic');
    expect(real.asn(3333).rir).toBe('ripencc');
    expect(real.prefix('2001:67c::/32').mixed).toBe(false);
  });

  it('every IPv4 record looks up to itself (checked on a stride of records)', () => {
    const v4 = real.records.filter((r) => r.type === 'ipv4');
    for (let i = 0; i < v4.length; i += 97) {
      const r = real.ip(v4[i].start);
      expect(r.records.some((o) => o.record === v4[i]), v4[i].start).toBe(true);
    }
  });

  it('reads IANA designations from the CSV with quoted multi-line fields', () => {
    expect(real.ip('3.0.0.1').iana).toMatchObject({ block: '3.0.0.0/8', designation: 'Administered by ARIN', status: 'LEGACY', rir: 'arin' });
    expect(real.ip('2001:200::1').iana).toMatchObject({ rir: 'apnic', status: 'ALLOCATED' });
    expect(real.asn(1).iana?.rir).toBe('arin');
  });
});
