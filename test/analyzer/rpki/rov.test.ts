/**
 * Route-origin validation (RFC 6811) on VRP files the test writes in each supported format:
 * covering ROA with maxLength, several ROAs, AS0, AS_SET origins, IPv6; the same answers from all
 * three formats; the trust anchors of the covering ROAs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVrps, type VrpIndex } from '../../../analyzer/rpki/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const dir = makeTmpDir('rpki-rov');
const NOW = Date.UTC(2024, 4, 1) / 1000;
const FUTURE = '2025-01-01 00:00:00';
const PAST = '2023-01-01 00:00:00';

/** The ROAs of the RFC 6811 cases: [prefix, maxLength, asn, ta]. */
const ROAS: Array<[string, number, number, string]> = [
  ['10.0.0.0/16', 20, 64500, 'ripe'], // covering ROA with maxLength 20
  ['10.0.0.0/8', 8, 64501, 'ripe'], // a second, shorter ROA over the same space, other AS
  ['10.1.0.0/16', 16, 64502, 'apnic'], // several ROAs for one prefix: two origins
  ['10.1.0.0/16', 24, 64503, 'apnic'],
  ['192.0.2.0/24', 24, 0, 'apnic-as0'], // AS0: nothing may originate it
  ['2001:db8::/32', 48, 64510, 'arin'],
  ['2001:db8:ffff::/48', 48, 0, 'arin'],
  ['2001:db8:ffff:1:8000::/65', 96, 64512, 'arin'], // longer than /64 (kept apart in the index)
];

function writeAll(): Record<string, string> {
  const rpkiClient = {
    metadata: { buildtime: '2024-05-01T00:00:00Z' },
    roas: ROAS.map(([prefix, maxLength, asn, ta]) => ({ asn, prefix, maxLength, ta, expires: NOW + 86400 })),
  };
  const jsonext = {
    metadata: { generated: NOW },
    roas: ROAS.map(([prefix, maxLength, asn, ta]) => ({
      asn: `AS${asn}`, prefix, maxLength,
      source: [{ type: 'roa', uri: `rsync://example/${ta}/x.roa`, tal: ta, validity: { notBefore: '2024-01-01T00:00:00Z', notAfter: '2025-01-01T00:00:00Z' } }],
    })),
  };
  // RIPE NCC's archive: one CSV per trust anchor; the anchor is named by the folder (…/<ta>.tal/…).
  const files: Record<string, string> = { 'rpki-client': join(dir, 'rpki-client.json'), 'routinator-jsonext': join(dir, 'jsonext.json') };
  writeFileSync(files['rpki-client'], JSON.stringify(rpkiClient));
  writeFileSync(files['routinator-jsonext'], JSON.stringify(jsonext));
  const csvs: string[] = [];
  for (const ta of new Set(ROAS.map((r) => r[3]))) {
    const csv = ['URI,ASN,IP Prefix,Max Length,Not Before,Not After'];
    for (const [prefix, maxLength, asn] of ROAS.filter((r) => r[3] === ta)) csv.push(`rsync://rpki.example.net/repo/r.roa,AS${asn},${prefix},${maxLength},${PAST},${FUTURE}`);
    mkdirSync(join(dir, `${ta}.tal`));
    csvs.push(join(dir, `${ta}.tal`, 'roas.csv'));
    writeFileSync(csvs[csvs.length - 1], `${csv.join('\n')}\n`);
  }
  return { ...files, 'ripe-csv': csvs.join(',') };
}

const files = writeAll();

/** [prefix, origin, state, trust anchors of the covering ROAs]. */
const CASES: Array<[string, number | null, string, string[]]> = [
  ['10.0.0.0/16', 64500, 'valid', ['ripe']], // exact
  ['10.0.16.0/20', 64500, 'valid', ['ripe']], // more specific within maxLength
  ['10.0.16.0/24', 64500, 'invalid-length', ['ripe']], // beyond maxLength 20
  ['10.0.0.0/16', 64999, 'invalid-origin', ['ripe']], // covered, no ROA for this AS
  ['10.0.0.0/8', 64501, 'valid', ['ripe']], // the /8 ROA
  ['10.0.0.0/16', 64501, 'invalid-length', ['ripe']], // the /8 ROA has maxLength 8
  ['10.1.2.0/24', 64503, 'valid', ['apnic', 'ripe']], // matches one of several ROAs; the /8 covers too
  ['10.1.2.0/24', 64502, 'invalid-length', ['apnic', 'ripe']],
  ['10.1.0.0/16', 64502, 'valid', ['apnic', 'ripe']],
  ['11.0.0.0/16', 64500, 'not-found', []], // nothing covers it
  ['9.255.0.0/16', 64501, 'not-found', []], // just below the /8
  ['192.0.2.0/24', 0, 'invalid-origin', ['apnic-as0']], // AS0 never matches, not even origin 0
  ['192.0.2.128/25', 64500, 'invalid-origin', ['apnic-as0']],
  ['10.0.0.0/16', null, 'invalid-origin', ['ripe']], // AS_SET origin: no VRP can match (RFC 6811 "NONE")
  ['2001:db8:1::/48', 64510, 'valid', ['arin']],
  ['2001:db8:1::/64', 64510, 'invalid-length', ['arin']],
  ['2001:db8:ffff::/48', 64510, 'valid', ['arin']], // AS0 ROA beside a valid covering ROA: still valid
  ['2001:db8:ffff::/48', 64511, 'invalid-origin', ['arin']],
  ['2001:db9::/32', 64510, 'not-found', []],
  ['2001:db8:ffff:1:8000::/80', 64512, 'valid', ['arin']],
  ['2001:db8:ffff:1:8000::/80', 64510, 'invalid-length', ['arin']], // the /32's ROA, maxLength 48
  ['2001:db8:ffff:1::/80', 64512, 'invalid-origin', ['arin']], // outside the /65
  ['2001:db8:ffff:1::/64', 64512, 'invalid-origin', ['arin']], // shorter than the /65: not covered by it
];

describe.each(Object.entries(files))('ROV from a %s file', (format, file) => {
  let index: VrpIndex;
  it('loads every ROA, in the right format', async () => {
    index = await loadVrps(file.split(','), { now: NOW });
    expect(index.stats.format).toBe(format);
    expect(index.stats.vrps).toBe(ROAS.length);
    expect(index.stats.malformed + index.stats.expired).toBe(0);
    expect(index.tas).toEqual(['apnic', 'apnic-as0', 'arin', 'ripe']);
  });
  it.each(CASES)('%s from %s is %s', (prefix, origin, state, tas) => {
    const r = index.validate(prefix, origin);
    expect(r.state).toBe(state);
    expect(r.tas).toEqual(tas);
    expect(index.coveringTas(prefix)).toEqual(tas);
    expect(index.state(prefix, origin)).toBe(state);
  });
});

describe('ROV details', () => {
  it('accepts non-canonical IPv4 text and rejects a prefix with host bits', async () => {
    const index = await loadVrps(files['rpki-client'], { now: NOW });
    expect(index.validate('10.000.0.0/16', 64500).state).toBe('valid');
    expect(() => index.validate('10.0.0.1/16', 64500)).toThrow(/invalid prefix/);
  });
  it('names the trust anchor of a RIPE CSV by its archive folder (…/ripencc.tal/…), else by the ROA URI\'s host', async () => {
    const sub = join(dir, 'ripencc.tal');
    mkdirSync(sub, { recursive: true });
    const f = join(sub, 'roas.csv');
    writeFileSync(f, `URI,ASN,IP Prefix,Max Length,Not Before,Not After\nrsync://x/a.roa,AS1,1.0.0.0/24,24,${PAST},${FUTURE}\n`);
    const index = await loadVrps(f, { now: NOW });
    expect(index.validate('1.0.0.0/24', 1)).toEqual({ state: 'valid', tas: ['ripe'], covering: 1 });
    // Elsewhere, by the repository host of the ROA's URI.
    const g = join(dir, 'by-host.csv');
    writeFileSync(g, `URI,ASN,IP Prefix,Max Length,Not Before,Not After\nrsync://rpki.afrinic.net/repository/a.roa,AS2,2.0.0.0/24,24,${PAST},${FUTURE}\n`);
    expect((await loadVrps(g, { now: NOW })).validate('2.0.0.0/24', 2).tas).toEqual(['afrinic']);
  });
});
