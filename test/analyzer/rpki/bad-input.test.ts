/** Bad VRP input: clear errors, rows counted and left out, the feed keeping its last good set. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVrps, RpkiFeed, VrpLoadError } from '../../../analyzer/rpki/index.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const dir = makeTmpDir('rpki-bad');
const NOW = Date.UTC(2024, 4, 1) / 1000;
const write = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const good = write('good.json', JSON.stringify({ roas: [{ asn: 64500, prefix: '10.0.0.0/16', maxLength: 24, ta: 'ripe', expires: NOW + 3600 }] }));

describe('bad VRP input', () => {
  it('a file that is not a VRP export is an error that says what was expected', async () => {
    await expect(loadVrps(write('junk.txt', 'hello\nworld\n'), { now: NOW })).rejects.toThrow(/not a VRP export .*"roas" list.*URI,ASN,IP Prefix/);
    await expect(loadVrps(write('trunc.json', '{"roas": [{"asn": 1, "pre'), { now: NOW })).rejects.toThrow(/not valid JSON/);
    await expect(loadVrps(write('noroas.json', '{"vrps": []}'), { now: NOW })).rejects.toThrow(VrpLoadError);
  });

  it('an unreadable file is an error naming it', async () => {
    await expect(loadVrps(join(dir, 'missing.json'), { now: NOW })).rejects.toThrow(/missing\.json cannot be read: does not exist/);
    await expect(loadVrps(dir, { now: NOW })).rejects.toThrow(/is a directory/);
  });

  it('malformed rows and expired ROAs are counted and left out; good rows are kept', async () => {
    const f = write('mixed.json', JSON.stringify({
      roas: [
        { asn: 64500, prefix: '10.0.0.0/16', maxLength: 24, ta: 'ripe', expires: NOW + 3600 },
        { asn: 'ASX', prefix: '10.1.0.0/16', maxLength: 24, ta: 'ripe' }, // bad ASN
        { asn: 64501, prefix: '10.2.0.1/16', maxLength: 24, ta: 'ripe' }, // host bits
        { asn: 64502, prefix: '10.3.0.0/16', maxLength: 12, ta: 'ripe' }, // maxLength < length
        { asn: 64503, prefix: '10.4.0.0/16', maxLength: 33, ta: 'ripe' }, // maxLength > 32
        { asn: 64504, prefix: '10.5.0.0/16', maxLength: 16, ta: 'ripe', expires: NOW - 1 }, // expired
        'not an object',
      ],
    }));
    const index = await loadVrps(f, { now: NOW });
    expect(index.stats).toMatchObject({ rows: 7, vrps: 1, malformed: 5, expired: 1 });
    expect(index.validate('10.0.0.0/16', 64500).state).toBe('valid');
    // The expired ROA no longer covers its prefix.
    expect(index.validate('10.5.0.0/16', 64504).state).toBe('not-found');
  });

  it('expired and not-yet-valid ROAs from the CSV and jsonext validity dates', async () => {
    const csv = write('dates.csv', [
      'URI,ASN,IP Prefix,Max Length,Not Before,Not After',
      'rsync://rpki.ripe.net/a.roa,AS1,1.0.0.0/24,24,2023-01-01 00:00:00,2024-04-30 23:59:59', // expired the day before
      'rsync://rpki.ripe.net/b.roa,AS2,2.0.0.0/24,24,2024-05-02 00:00:00,2025-01-01 00:00:00', // not yet valid
      'rsync://rpki.ripe.net/c.roa,AS3,3.0.0.0/24,24,2024-01-01 00:00:00,2025-01-01 00:00:00',
      'rsync://rpki.ripe.net/d.roa,AS4,4.0.0.0/24,24,yesterday,2025-01-01 00:00:00', // bad date
    ].join('\n'));
    const index = await loadVrps(csv, { now: NOW });
    expect(index.stats).toMatchObject({ rows: 4, vrps: 1, expired: 1, notYetValid: 1, malformed: 1 });
    const ext = write('ext.json', JSON.stringify({
      roas: [
        { asn: 'AS5', prefix: '5.0.0.0/24', maxLength: 24, source: [{ type: 'roa', tal: 'ripe', validity: { notBefore: '2023-01-01T00:00:00Z', notAfter: '2024-01-01T00:00:00Z' } }] },
        // Two ROAs give the VRP: valid while either is.
        { asn: 'AS6', prefix: '6.0.0.0/24', maxLength: 24, source: [
          { type: 'roa', tal: 'ripe', validity: { notBefore: '2023-01-01T00:00:00Z', notAfter: '2024-01-01T00:00:00Z' } },
          { type: 'roa', tal: 'ripe', validity: { notBefore: '2023-01-01T00:00:00Z', notAfter: '2025-01-01T00:00:00Z' } },
        ] },
      ],
    }));
    const e = await loadVrps(ext, { now: NOW });
    expect(e.stats).toMatchObject({ format: 'routinator-jsonext', rows: 2, vrps: 1, expired: 1 });
    expect(e.validate('6.0.0.0/24', 6).state).toBe('valid');
  });

  it('a file with rows but no usable VRP is an error, not an empty set', async () => {
    const f = write('all-expired.json', JSON.stringify({ roas: [{ asn: 1, prefix: '1.0.0.0/24', maxLength: 24, ta: 'ripe', expires: NOW - 10 }] }));
    await expect(loadVrps(f, { now: NOW })).rejects.toThrow(/no usable VRP: 1 rows, 0 malformed, 1 expired/);
  });

  it('the feed keeps the last good index when a refresh fails, and counts the failure', async () => {
    const path = write('feed.json', JSON.stringify({ roas: [{ asn: 64500, prefix: '10.0.0.0/16', maxLength: 24, ta: 'ripe', expires: NOW + 3600 }] }));
    const feed = new RpkiFeed([path], { now: NOW });
    expect(feed.current()).toBeNull();
    const first = await feed.refresh();
    expect(first).not.toBeNull();
    writeFileSync(path, '{"roas": [ broken');
    expect(await feed.refresh()).toBeNull();
    expect(feed.current()).toBe(first);
    expect(feed.stats).toMatchObject({ loads: 1, failures: 1 });
    expect(feed.stats.lastError).toMatch(/feed\.json: not valid JSON/);
    writeFileSync(path, JSON.stringify({ roas: [{ asn: 64501, prefix: '10.0.0.0/16', maxLength: 24, ta: 'ripe', expires: NOW + 3600 }] }));
    const next = await feed.refresh();
    expect(feed.current()).toBe(next);
    expect(next!.validate('10.0.0.0/16', 64501).state).toBe('valid');
    expect(feed.stats).toMatchObject({ loads: 2, failures: 1, lastError: null });
    expect(good).toBeTruthy();
  });

  it('a scheduled refresh hands each new index on, and a failing one keeps the last good', async () => {
    const path = write('scheduled.json', JSON.stringify({ roas: [{ asn: 1, prefix: '10.0.0.0/16', maxLength: 24, ta: 'ripe', expires: NOW + 3600 }] }));
    const feed = new RpkiFeed([path], { now: NOW });
    await feed.refresh();
    const updates: number[] = [];
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(cond()).toBe(true);
    };
    writeFileSync(path, JSON.stringify({ roas: [{ asn: 2, prefix: '10.0.0.0/16', maxLength: 24, ta: 'ripe', expires: NOW + 3600 }] }));
    feed.schedule(20, (index) => void updates.push(index.validate('10.0.0.0/16', 2).state === 'valid' ? 2 : 1));
    try {
      await until(() => updates.length > 0);
      expect(updates[0]).toBe(2);
      writeFileSync(path, 'not a VRP file');
      const failures = feed.stats.failures;
      await until(() => feed.stats.failures > failures);
      // Still the last good set (a refresh started before the write may have reloaded the same data).
      expect(feed.current()!.validate('10.0.0.0/16', 2).state).toBe('valid');
    } finally {
      feed.stop();
    }
  });
});
