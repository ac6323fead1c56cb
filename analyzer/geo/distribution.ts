/** Turns the networks found under a prefix into its country distribution (shares of addresses). */
import type { CountryShare, GeoDistribution } from '../models/geo.js';

/** The code used for addresses the database does not place in any country. */
export const UNLOCATED = 'ZZ';

/** Accumulates address counts per country while a prefix's subtree is walked. */
export class DistributionBuilder {
  private readonly byCountry = new Map<string, number>();
  private unlocated = 0;

  add(cc: string | null, addresses: number): void {
    if (cc === null) this.unlocated += addresses;
    else this.byCountry.set(cc, (this.byCountry.get(cc) ?? 0) + addresses);
  }

  /** `total` is the prefix's size; shares are of the whole prefix, the remainder being `ZZ`. */
  build(prefix: string, total: number): GeoDistribution {
    const countries: CountryShare[] = [];
    let located = 0;
    for (const [cc, addresses] of this.byCountry) {
      located += addresses;
      countries.push({ cc, addresses, share: addresses / total });
    }
    if (this.unlocated > 0) countries.push({ cc: UNLOCATED, addresses: this.unlocated, share: this.unlocated / total });
    countries.sort((a, b) => b.addresses - a.addresses || a.cc.localeCompare(b.cc));
    return { prefix, countries, located: located / total };
  }
}

/** The located part of a distribution (no `ZZ`), with shares of the located addresses (they sum to 1). */
export function locatedShares(dist: GeoDistribution): CountryShare[] {
  const located = dist.countries.filter((c) => c.cc !== UNLOCATED);
  const total = located.reduce((s, c) => s + c.addresses, 0);
  return total > 0 ? located.map((c) => ({ cc: c.cc, addresses: c.addresses, share: c.addresses / total })) : [];
}
