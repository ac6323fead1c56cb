import { describe, expect, it } from 'vitest';
import { defaultGeoPath, openGeo, UNLOCATED } from '../../../analyzer/geo/index.js';

// The bundled DB-IP Lite country database (an npm dependency, always installed).
describe('bundled DB-IP Lite country database', async () => {
  const db = await openGeo();

  it('is the bundled file and an IPv6 tree with IPv4', () => {
    expect(db.info().path).toBe(defaultGeoPath());
    expect(db.info().ipVersion).toBe(6);
  });

  it('places well-known addresses', () => {
    expect(db.country('8.8.8.8')).toBe('US');
    expect(db.distribution('8.8.8.0/24').countries).toEqual([{ cc: 'US', addresses: 256, share: 1 }]);
    // Private space is not in the database.
    expect(db.country('10.1.1.1')).toBeNull();
    expect(db.distribution('10.0.0.0/8').countries).toEqual([{ cc: UNLOCATED, addresses: 2 ** 24, share: 1 }]);
  });

  it('distributions: shares sum to 1 and located matches the non-ZZ shares', () => {
    for (const p of ['154.80.0.0/16', '41.0.0.0/8', '196.0.0.0/8', '2c0f:f000::/20', '2001:4860::/32', '0.0.0.0/0']) {
      const d = db.distribution(p);
      const sum = d.countries.reduce((s, c) => s + c.share, 0);
      expect(sum).toBeCloseTo(1, 9);
      const located = d.countries.filter((c) => c.cc !== UNLOCATED).reduce((s, c) => s + c.share, 0);
      expect(d.located).toBeCloseTo(located, 9);
      for (let i = 1; i < d.countries.length; i++) expect(d.countries[i - 1].addresses).toBeGreaterThanOrEqual(d.countries[i].addresses);
    }
    // Africa's /8s are mostly African countries but not a single one.
    expect(db.distribution('41.0.0.0/8').countries.length).toBeGreaterThan(10);
  });

  it('a /16 is the sum of its 256 /24s, and single-country /24s agree with address lookups', () => {
    for (const base of ['154.80', '41.203', '197.210', '102.130']) {
      const whole = db.distribution(`${base}.0.0/16`);
      const summed = new Map<string, number>();
      for (let i = 0; i < 256; i++) {
        const part = db.distribution(`${base}.${i}.0/24`);
        for (const c of part.countries) summed.set(c.cc, (summed.get(c.cc) ?? 0) + c.addresses);
        if (part.countries.length === 1) {
          const expected = part.countries[0].cc === UNLOCATED ? null : part.countries[0].cc;
          expect(db.country(`${base}.${i}.1`)).toBe(expected);
          expect(db.country(`${base}.${i}.254`)).toBe(expected);
        }
      }
      expect(Object.fromEntries(summed)).toEqual(Object.fromEntries(whole.countries.map((c) => [c.cc, c.addresses])));
    }
  });
});
