import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../../analyzer/registry/index.js';
import { formatStats } from '../../../analyzer/registry/stats.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { writeFixtureDir } from './fixtures.js';

/** An independent reduction: whole-file text, every row with a known status, no shared code. */
function reduce(text: string) {
  const out = { ipv4: 0, ipv6x48: 0, asn: 0, counts: {} as Record<string, number> };
  for (const line of text.split(/\r?\n/)) {
    const f = line.split('|');
    if (line.startsWith('#') || f.length < 7 || f[1] === '*' || /^\d/.test(f[0])) continue;
    const key = `${f[2]}/${f[6]}`;
    out.counts[key] = (out.counts[key] ?? 0) + 1;
    if (f[6] !== 'allocated' && f[6] !== 'assigned') continue;
    if (f[2] === 'ipv4') out.ipv4 += parseInt(f[4], 10);
    if (f[2] === 'asn') out.asn += parseInt(f[4], 10);
    if (f[2] === 'ipv6') out.ipv6x48 += Math.pow(2, 48 - parseInt(f[4], 10));
  }
  return out;
}

function flatten(counts: Record<string, Record<string, number> | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [type, byStatus] of Object.entries(counts)) for (const [status, n] of Object.entries(byStatus ?? {})) out[`${type}/${status}`] = n;
  return out;
}

describe('registry stats on fixtures', () => {
  it('counts by type and status and sums delegated space only', async () => {
    const dir = makeTmpDir('stats');
    writeFixtureDir(dir);
    const stats = (await loadRegistry({ rirDir: dir })).stats();
    const ripe = stats.find((s) => s.rir === 'ripencc')!;
    expect(ripe.ipv4Addresses).toBe(1048576 + 256 + 256 + 320); // not the 1024 available
    expect(ripe.ipv6Slash48s).toBe(65536);
    expect(ripe.asns).toBe(11);
    expect(ripe.counts).toEqual({ ipv4: { allocated: 2, assigned: 2, available: 1 }, ipv6: { allocated: 1 }, asn: { allocated: 2 } });
    expect(ripe.skipped).toBe(1);
    expect(stats.find((s) => s.rir === 'lacnic')!.asns).toBe(0);
    const text = formatStats(stats);
    expect(text).toMatch(/ripencc\s+2019-09-08/);
    expect(text).toMatch(/IPv4 addresses delegated\s+1,049,408/);
  });
});

describe.skipIf(!hasSharedData)(`registry stats: exact totals on the real files (${sharedDataSkipReason})`, () => {
  const sets = [
    { dir: 'rir/2013-08-13', gz: true },
    { dir: 'rir/2014-07-01', gz: true },
    { dir: 'rir/2024-01-05', gz: true },
  ];
  for (const set of sets) {
    it(`matches an independent reduction for ${set.dir}`, async () => {
      const stats = (await loadRegistry({ rirDir: sharedData(set.dir) })).stats();
      expect(stats.length).toBeGreaterThan(1);
      for (const s of stats) {
        const expected = reduce(gunzipSync(readFileSync(s.path)).toString('utf8'));
        expect(s.ipv4Addresses, s.path).toBe(expected.ipv4);
        expect(s.ipv6Slash48s, s.path).toBe(expected.ipv6x48);
        expect(s.asns, s.path).toBe(expected.asn);
        expect(flatten(s.counts), s.path).toEqual(expected.counts);
      }
    });
  }

  it('matches the per-type/status record counts PROVENANCE.md gives for the 2013 RIPE NCC file', async () => {
    const stats = (await loadRegistry({ rirDir: sharedData('rir/2013-08-13') })).stats();
    expect(stats.find((s) => s.rir === 'ripencc')!.counts).toEqual({
      asn: { allocated: 25813 },
      ipv4: { allocated: 21045, assigned: 28557 },
      ipv6: { allocated: 6021, assigned: 1492 },
    });
  });

  it('a plain (uncompressed) copy of a real file loads like the .gz', () => {
    const dir = makeTmpDir('stats-plain');
    writeFileSync(join(dir, 'delegated-afrinic-latest'), gunzipSync(readFileSync(sharedData('rir/2014-07-01/delegated-afrinic-latest.gz'))));
    return loadRegistry({ rirDir: dir }).then((idx) => expect(idx.stats()[0].records).toBe(4024));
  });
});
