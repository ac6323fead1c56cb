/**
 * Prefix-level facts, independent of who originates the prefix: registration, IANA, geo
 * distribution and region shares. The classifier computes these once per prefix and caches them.
 */
import { addressCount, parsePrefix, formatPrefix } from '../../common/ip.js';
import { UNLOCATED } from '../geo/distribution.js';
import type { CountryShare, GeoLookup } from '../models/geo.js';
import { RIRS, type PrefixRegistration, type RecordOverlap, type RegistryLookup, type Rir } from '../models/registry.js';
import { packedIpv4Prefix } from '../../common/ip.js';
import { regionOf } from '../registry/regions.js';

export interface PrefixContext {
  prefix: string;
  family: 4 | 6;
  addresses: number;
  registration: PrefixRegistration;
  /**
   * The registering RIR: every address's most specific delegated record belongs to it (so an
   * ERX carve-out of one RIR inside another's legacy block is the carve-out's). Null when
   * addresses resolve to several RIRs or coverage is partial: never guessed.
   */
  prefixRir: Rir | null;
  /** The registering RIR's records (nested records of other RIRs left out), most specific first; its largest is `main`. */
  registering: RecordOverlap[];
  main: RecordOverlap | null;
  /** The holder country covering most of the prefix (summed over its records), and the holder id of its largest record. */
  registeredCc: string | null;
  /** Holder countries of the covering records with the share of the prefix each covers, largest first. */
  holderCountries: Array<{ cc: string; share: number }>;
  holderId: string | null;
  /**
   * Delegation date (YYYYMMDD) of the registering RIR's records: the earliest of them, null when
   * any has none or there is no registering RIR (AFRINIC's soft-landing test, policy.ts).
   */
  delegated: string | null;
  ianaRir: Rir | null;
  legacy: boolean;
  geo: CountryShare[];
  /** Fraction of the prefix's addresses the database places (0..1). */
  located: number;
  /** Located addresses per service region, as shares of the located addresses. */
  regionShares: Partial<Record<Rir, number>>;
  usageRegion: Rir | null;
  mainCountry: string | null;
  /** Share of the located addresses in the main country. */
  mainCountryShare: number;
  /** Share of located addresses outside prefixRir's region (0 when prefixRir is null). */
  shareAbroad: number;
  /** The country with most located addresses outside prefixRir's region, and its share of the located addresses. */
  mainForeignCountry: string | null;
  mainForeignShare: number;
}

export function buildPrefixContext(prefixText: string, registry: RegistryLookup, geo: GeoLookup): PrefixContext {
  // Canonical IPv4 text (nearly every BGP prefix) is its own key: no bigint parse and format.
  const packed = packedIpv4Prefix(prefixText);
  let prefix = prefixText;
  let family: 4 | 6 = 4;
  let length = packed % 64;
  if (packed < 0) {
    const p = parsePrefix(prefixText);
    if (!p) throw new Error(`invalid prefix: ${JSON.stringify(prefixText)} (expected address/length with no host bits)`);
    prefix = formatPrefix(p);
    family = p.family;
    length = p.length;
  }
  const registration = registry.prefix(prefix);
  const prefixRir = registration.rir;
  const registering = prefixRir && registration.mixed ? registration.records.filter((r) => r.record.rir === prefixRir) : prefixRir ? registration.records : [];

  // Holder countries summed over the registering records; the largest is the registered cc.
  const holderCountries = holderShares(registering);
  const registeredCc = holderCountries[0]?.cc ?? null;
  let main: RecordOverlap | null = registering[0] ?? null;
  for (const r of registering) if (r.share > (main as RecordOverlap).share) main = r;
  const holderId = main?.record.opaqueId ?? null;
  const delegated = prefixRir ? earliestDate(registering) : null;

  // The classifier caches this whole context: the geo database need not keep the distribution too.
  const dist = geo.distribution(prefix, { cache: false });
  let locatedAddresses = 0;
  for (const c of dist.countries) if (c.cc !== UNLOCATED) locatedAddresses += c.addresses;
  // Located addresses per region (index in RIRS; no Map per prefix), regions in first-seen
  // order so that ties go, as before, to the region of the larger countries.
  const regionAddresses = [0, 0, 0, 0, 0];
  const regionOrder: number[] = [];
  let mainCountry: string | null = null;
  let mainCountryAddresses = 0;
  let abroad = 0;
  let mainForeignCountry: string | null = null;
  let mainForeignAddresses = 0;
  for (const c of dist.countries) {
    if (c.cc === UNLOCATED) continue;
    const region = regionOf(c.cc);
    if (region) {
      const r = RIRS.indexOf(region);
      if (regionAddresses[r] === 0) regionOrder.push(r);
      regionAddresses[r] += c.addresses;
    }
    if (c.addresses > mainCountryAddresses) [mainCountry, mainCountryAddresses] = [c.cc, c.addresses];
    // A country with no known region is never counted as abroad: no evidence either way.
    if (prefixRir && region && region !== prefixRir) {
      abroad += c.addresses;
      if (c.addresses > mainForeignAddresses) [mainForeignCountry, mainForeignAddresses] = [c.cc, c.addresses];
    }
  }
  const regionShares: Partial<Record<Rir, number>> = {};
  let usageRegion: Rir | null = null;
  let usageAddresses = 0;
  for (const r of regionOrder) {
    const n = regionAddresses[r];
    const rir = RIRS[r];
    regionShares[rir] = n / locatedAddresses;
    if (n > usageAddresses) [usageRegion, usageAddresses] = [rir, n];
  }
  return {
    prefix,
    family,
    addresses: addressCount(family, length),
    registration,
    prefixRir,
    registering,
    main,
    registeredCc,
    holderCountries,
    holderId,
    delegated,
    ianaRir: registration.iana?.rir ?? null,
    legacy: registration.iana?.status === 'LEGACY',
    geo: dist.countries,
    located: dist.located,
    regionShares,
    usageRegion,
    mainCountry,
    mainCountryShare: shareOf(mainCountryAddresses, locatedAddresses),
    shareAbroad: shareOf(abroad, locatedAddresses),
    mainForeignCountry,
    mainForeignShare: shareOf(mainForeignAddresses, locatedAddresses),
  };
}

/** Holder countries with the share of the prefix each covers, largest first (one record: no map, no sort). */
function holderShares(records: readonly RecordOverlap[]): Array<{ cc: string; share: number }> {
  if (records.length === 0) return [];
  if (records.length === 1) return records[0].record.cc ? [{ cc: records[0].record.cc, share: records[0].share }] : [];
  const ccShares = new Map<string, number>();
  for (const r of records) if (r.record.cc) ccShares.set(r.record.cc, (ccShares.get(r.record.cc) ?? 0) + r.share);
  return [...ccShares].map(([cc, share]) => ({ cc, share })).sort((a, b) => b.share - a.share || a.cc.localeCompare(b.cc));
}

/** The earliest record date, or null when any record has none. */
function earliestDate(records: readonly RecordOverlap[]): string | null {
  let earliest: string | null = null;
  for (const r of records) {
    if (!r.record.date) return null;
    if (earliest === null || r.record.date < earliest) earliest = r.record.date;
  }
  return earliest;
}

const shareOf = (n: number, total: number): number => (total > 0 ? n / total : 0);
