/**
 * ipv4Runs: the whole IPv4 space as runs of one country, which the accounting searches instead
 * of walking the tree per range. Checked against the tree walk (and mmdb-lib's own lookups) on
 * the bundled databases, dual-stack and IPv4-only.
 */
import { join, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultGeoPath, openGeo } from '../../../analyzer/geo/index.js';
import type { CountryRuns } from '../../../analyzer/models/geo.js';

const TWO_32 = 2 ** 32;

/** A seeded generator, so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / TWO_32);
}

describe.each([
  ['dual-stack', defaultGeoPath()],
  ['IPv4-only', join(dirname(defaultGeoPath()), 'dbip-country-ipv4.mmdb')],
])('ipv4Runs on the bundled %s database', (_name, path) => {
  it('covers the space in address order, each run a new country', async () => {
    const runs = (await openGeo(path)).ipv4Runs();
    const countries = countriesOf(runs);
    expect(runs.starts[0]).toBe(0);
    expect(runs.starts.length).toBe(runs.country.length);
    expect(runs.codes[0]).toBeNull();
    expect(new Set(runs.codes).size, 'each country once').toBe(runs.codes.length);
    expect(runs.starts.length).toBeGreaterThan(10_000);
    const outOfOrder: number[] = [];
    for (let i = 1; i < runs.starts.length; i++) if (runs.starts[i] <= runs.starts[i - 1] || countries[i] === countries[i - 1]) outOfOrder.push(i);
    expect(outOfOrder).toEqual([]);
    expect(runs.starts[runs.starts.length - 1]).toBeLessThan(TWO_32);
  });

  it('places random prefixes and addresses as the tree walk and single lookups do', async () => {
    const geo = await openGeo(path);
    const runs = geo.ipv4Runs();
    const { starts } = runs;
    const countries = countriesOf(runs);
    const next = rng(4242);
    for (let k = 0; k < 2_000; k++) {
      const length = 8 + Math.floor(next() * 25);
      const size = 2 ** (32 - length);
      const start = Math.floor((next() * TWO_32) / size) * size;
      const fromWalk = new Map<string | null, number>();
      geo.walk(4, start, length, (cc, n) => fromWalk.set(cc, (fromWalk.get(cc) ?? 0) + n));
      const fromRuns = new Map<string | null, number>();
      let i = runAt(starts, start);
      for (let at = start; at < start + size; i++) {
        const end = Math.min(start + size, i + 1 < starts.length ? starts[i + 1] : TWO_32);
        fromRuns.set(countries[i], (fromRuns.get(countries[i]) ?? 0) + end - at);
        at = end;
      }
      expect([...fromRuns].sort(), `${start}/${length}`).toEqual([...fromWalk].sort());
      const address = start + Math.floor(next() * size);
      const dotted = [24, 16, 8, 0].map((s) => (address >>> s) & 255).join('.');
      expect(countries[runAt(starts, address)], dotted).toBe(geo.country(dotted));
    }
  });
});

/** Each run's country by code. */
const countriesOf = (r: CountryRuns) => Array.from(r.country, (id) => r.codes[id]);

/** The run holding an address (the last start at or below it), found as the first start above it, minus one: not the accounting's search. */
function runAt(starts: Float64Array, address: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] > address) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}
