/** Data types of geolocation: where a prefix's addresses are. */

export interface CountryShare {
  /** ISO 3166 alpha-2 as the database gives it (upper case); 'ZZ' for addresses it does not place. */
  cc: string;
  /** Addresses of the prefix in that country (a float for IPv6, where counts exceed 2^53). */
  addresses: number;
  /** Fraction of the prefix's addresses (0..1]. */
  share: number;
}

export interface GeoDistribution {
  prefix: string;
  /** Sorted by share, largest first; includes 'ZZ' for the unlocated remainder. */
  countries: CountryShare[];
  /** Fraction of the prefix's addresses the database places in some country. */
  located: number;
}

export interface GeoDatabaseInfo {
  path: string;
  databaseType: string;
  buildEpoch: number;
  ipVersion: number;
  description: string;
}

/** The geolocation interface the classifier and the CLI use; the MMDB reader implements it. */
export interface GeoLookup {
  /** Country of one address, or null when the database has no entry. */
  country(ip: string): string | null;
  /**
   * Share of the prefix's addresses per country. `opts.cache: false` (optional to honour) asks
   * an implementation that caches not to keep this result: the caller caches it itself.
   */
  distribution(prefix: string, opts?: { cache?: boolean }): GeoDistribution;
  info(): GeoDatabaseInfo;
}
