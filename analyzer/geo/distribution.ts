/** Turns the networks found under a prefix into its country distribution (shares of addresses). */
import type { CountryShare, GeoDistribution } from '../models/geo.js';

/** The code used for addresses the database does not place in any country. */
export const UNLOCATED = 'ZZ';

/**
 * Accumulates address counts per country while a prefix's subtree is walked. A prefix touches
 * few countries, so parallel arrays with a linear search beat a Map (and allocate less).
 */
export class DistributionBuilder {
  private readonly codes: string[] = [];
  private readonly counts: number[] = [];
  private unlocated = 0;

  add(cc: string | null, addresses: number): void {
    if (cc === null) {
      this.unlocated += addresses;
      return;
    }
    const codes = this.codes;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] === cc) {
        this.counts[i] += addresses;
        return;
      }
    }
    codes.push(cc);
    this.counts.push(addresses);
  }

  /** `total` is the prefix's size; shares are of the whole prefix, the remainder being `ZZ`. */
  build(prefix: string, total: number): GeoDistribution {
    // Sized exactly: distributions are kept in caches, and push() would reserve room for 17.
    const n = this.codes.length;
    const countries = new Array<CountryShare>(n + (this.unlocated > 0 ? 1 : 0));
    let located = 0;
    for (let i = 0; i < n; i++) {
      const addresses = this.counts[i];
      located += addresses;
      countries[i] = { cc: this.codes[i], addresses, share: addresses / total };
    }
    if (this.unlocated > 0) countries[n] = { cc: UNLOCATED, addresses: this.unlocated, share: this.unlocated / total };
    if (countries.length > 1) countries.sort((a, b) => b.addresses - a.addresses || (a.cc < b.cc ? -1 : a.cc > b.cc ? 1 : 0));
    return { prefix, countries, located: located / total };
  }
}

/** The located part of a distribution (no `ZZ`), with shares of the located addresses (they sum to 1). */
export function locatedShares(dist: GeoDistribution): CountryShare[] {
  const located = dist.countries.filter((c) => c.cc !== UNLOCATED);
  const total = located.reduce((s, c) => s + c.addresses, 0);
  return total > 0 ? located.map((c) => ({ cc: c.cc, addresses: c.addresses, share: c.addresses / total })) : [];
}
