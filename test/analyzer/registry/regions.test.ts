import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RIRS } from '../../../analyzer/models/registry.js';
import { parseDelegatedFile } from '../../../analyzer/registry/delegated-parser.js';
import { countriesOf, regionOf, SERVICE_REGIONS } from '../../../analyzer/registry/regions.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';

/**
 * Countries where the RIR that lists most records for them (in the real 2013/2014 files) is
 * not the RIR whose service region contains them. Each is a real out-of-region pattern.
 */
const KNOWN_EXCEPTIONS: Record<string, string> = {
  // Martinique is in ARIN's Caribbean list, but its French operators hold their space at RIPE NCC.
  MQ: 'French overseas operators registered with RIPE NCC',
  // Tokelau (APNIC region): the .tk registry operator (Dot TK, Netherlands) holds its space at RIPE NCC.
  TK: '.tk registry operator registered with RIPE NCC',
};

describe('country → RIR service region', () => {
  it('handles the pseudo-codes explicitly', () => {
    expect(regionOf('EU')).toBe('ripencc');
    expect(regionOf('AP')).toBe('apnic');
    expect(regionOf('ZZ')).toBeNull();
    expect(regionOf('')).toBeNull();
    expect(regionOf('QQ')).toBeNull();
    expect(regionOf('de')).toBe('ripencc');
  });

  it('puts the RIRs home countries in their regions', () => {
    expect([regionOf('US'), regionOf('CA'), regionOf('AQ')]).toEqual(['arin', 'arin', 'arin']);
    expect([regionOf('BR'), regionOf('MX'), regionOf('CW')]).toEqual(['lacnic', 'lacnic', 'lacnic']);
    expect([regionOf('ZA'), regionOf('MU'), regionOf('SC'), regionOf('RE')]).toEqual(['afrinic', 'afrinic', 'afrinic', 'afrinic']);
    expect([regionOf('JP'), regionOf('AU'), regionOf('IN')]).toEqual(['apnic', 'apnic', 'apnic']);
    expect([regionOf('NL'), regionOf('RU'), regionOf('IR'), regionOf('KZ')]).toEqual(['ripencc', 'ripencc', 'ripencc', 'ripencc']);
  });

  it('lists every code once, and countriesOf agrees with regionOf', () => {
    const all = RIRS.flatMap((r) => countriesOf(r));
    expect(new Set(all).size).toBe(all.length);
    for (const rir of RIRS) for (const cc of SERVICE_REGIONS[rir]) expect(regionOf(cc)).toBe(rir);
    expect(all.length).toBeGreaterThan(240);
  });
});

describe.skipIf(!hasSharedData)(`service regions vs the codes the RIRs use (${sharedDataSkipReason})`, () => {
  it('the dominant RIR of every country in the derived table matches, except the listed exceptions', () => {
    const rows = readFileSync(sharedData('country-rir/derived-cc-rir-record-counts.csv'), 'utf8').trim().split('\n').slice(1);
    const mismatches: string[] = [];
    for (const row of rows) {
      const [cc, , , , , , , dominant] = row.split(',');
      if (regionOf(cc) !== dominant && !(cc in KNOWN_EXCEPTIONS)) mismatches.push(`${cc}: table ${regionOf(cc)}, files ${dominant}`);
    }
    expect(mismatches).toEqual([]);
    for (const cc of Object.keys(KNOWN_EXCEPTIONS)) expect(rows.some((r) => r.startsWith(`${cc},`)), cc).toBe(true);
  });

  it('every country code used by a delegated record in the real files is in the table', async () => {
    const files = ['rir/2013-08-13/delegated-arin-latest.gz', 'rir/2014-07-01/delegated-afrinic-latest.gz', 'rir/2014-07-01/delegated-apnic-latest.gz', 'rir/2014-07-01/delegated-lacnic-latest.gz', 'rir/2014-07-01/delegated-ripencc-latest.gz', 'rir/2026-02-13/delegated-apnic-latest.gz'];
    const unknown = new Set<string>();
    for (const f of files) for (const r of (await parseDelegatedFile(sharedData(f))).records) if (r.cc && r.cc !== 'ZZ' && !regionOf(r.cc)) unknown.add(`${r.cc} (${f})`);
    expect([...unknown]).toEqual([]);
  });
});
