/** Data types of geolocation: where a prefix's addresses are. */
import type { Rir } from './registry.js';

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

/**
 * A database's whole IPv4 space as maximal runs of one country, ascending: run i covers
 * `starts[i]` up to `starts[i + 1] - 1` (the last one up to 255.255.255.255); `starts[0]` is 0.
 * For callers that place many ranges (the accounting): a binary search instead of a tree walk each.
 */
export interface CountryRuns {
  starts: Float64Array;
  /** Run i's country is codes[country[i]]. */
  country: Uint16Array;
  /** The countries, each once; codes[0] is null: the database places no country there. */
  codes: Array<string | null>;
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

/** How far several independent databases agree on where a prefix is used. */
export const GEO_CONFIDENCES = ['confirmed', 'majority', 'disputed'] as const;
export type GeoConfidence = (typeof GEO_CONFIDENCES)[number];

/** One database's answer for a prefix. */
export interface GeoOpinion {
  /** The database's name (its file name, without `.mmdb`). */
  db: string;
  /** Built from registry/WHOIS/ASN data: shown, never counted as independent confirmation. */
  echo: boolean;
  countries: CountryShare[];
  located: number;
  /** RIR service region holding most of its located addresses; null when none located. */
  region: Rir | null;
  mainCountry: string | null;
}

/** The databases side by side for one prefix. */
export interface GeoConsensus {
  /** Region with most located addresses summed over the independent databases; null when none located. */
  region: Rir | null;
  /**
   * Share of the located addresses on whose region the independent databases agree: the sum over
   * regions of the smallest share any of them puts there (1 when all agree; exact when each
   * database puts the prefix in one region, an upper bound otherwise).
   */
  agreement: number;
  /** Independent databases that located something, and those whose own region is the consensus. */
  independent: number;
  agreeing: number;
  /** confirmed: all agree; majority: more than half; disputed: otherwise. Null with fewer than two independent databases. */
  confidence: GeoConfidence | null;
  opinions: GeoOpinion[];
}
