/**
 * Where pieces of routed space are used: each piece's countries (from the geo database) with
 * the addresses in each, as columns, and the countries as small ids, so that the accounting sums
 * into arrays instead of maps keyed by country code.
 */
import { rangeToPrefixes, type Family } from '../../common/ip.js';
import type { CountryRuns, GeoDatabaseInfo } from '../models/geo.js';
import { RIRS } from '../models/registry.js';
import { forEachIpv4Cidr } from '../registry/prefix-index.js';
import { regionOf } from '../registry/regions.js';
import { boundColumn, type Bound } from './segments.js';

/** What the accounting needs from the geo database (GeoDatabase has it): every network inside a prefix. */
export interface GeoWalk {
  /** `start` is a number for IPv4 (no bigint on the hot path) and a bigint for IPv6. */
  walk(family: Family, start: number | bigint, length: number, visit: (cc: string | null, addresses: number) => void): void;
  info(): GeoDatabaseInfo;
  /** Optional: the IPv4 space as runs of one country; each IPv4 range is then placed by a binary search, not tree walks. */
  ipv4Runs?(): CountryRuns;
}

/** The countries of one accounting as ids: 0 is 'ZZ' (no country placed), the others in the order met. */
export class CountryIds {
  readonly codes: string[] = ['ZZ'];
  /** Each id's service region as a slot in RIRS; -1 for none ('ZZ', codes no RIR serves). */
  readonly region: number[] = [regionSlot('ZZ')];
  private readonly ids = new Map<string, number>([['ZZ', 0]]);

  id(cc: string | null): number {
    if (cc === null) return 0;
    let id = this.ids.get(cc);
    if (id === undefined) {
      this.ids.set(cc, (id = this.codes.length));
      this.codes.push(cc);
      this.region.push(regionSlot(cc));
    }
    return id;
  }
}

function regionSlot(cc: string): number {
  const region = regionOf(cc);
  return region ? RIRS.indexOf(region) : -1;
}

/**
 * Each piece's countries with the addresses in each, adding up to the piece's size: piece p's
 * are at positions end[p - 1] (0 for the first piece) up to end[p] - 1.
 */
export interface Placements<K extends Bound> {
  country: ArrayLike<number>;
  addresses: ArrayLike<K>;
  end: Int32Array;
}

/** Placements as they are found: typed columns that double when full (pushing onto arrays was ~10x slower). */
class PlacementColumns<K extends Bound> implements Placements<K> {
  count = 0;
  country: Int32Array;
  addresses: K[];
  readonly end: Int32Array;

  constructor(
    private readonly zero: K,
    pieces: number,
  ) {
    this.country = new Int32Array(2 * pieces + 16);
    this.addresses = boundColumn(zero, this.country.length);
    this.end = new Int32Array(pieces);
  }

  push(country: number, addresses: K): void {
    if (this.count === this.country.length) this.grow();
    this.country[this.count] = country;
    this.addresses[this.count++] = addresses;
  }

  private grow(): void {
    const country = new Int32Array(2 * this.country.length);
    country.set(this.country);
    const addresses = boundColumn(this.zero, country.length);
    for (let i = 0; i < this.count; i++) addresses[i] = this.addresses[i];
    this.country = country;
    this.addresses = addresses;
  }
}

/** IPv4 pieces (first[i]..last[i], inclusive), by the database's runs when it has them, else by walks of each piece's CIDRs. */
export function placeIpv4(geo: GeoWalk, first: ArrayLike<number>, last: ArrayLike<number>, count: number, ids: CountryIds): Placements<number> {
  const out = new PlacementColumns<number>(0, count);
  const runs = geo.ipv4Runs?.();
  if (!runs) {
    const each = (cc: string | null, n: number) => out.push(ids.id(cc), n);
    for (let p = 0; p < count; p++) {
      forEachIpv4Cidr(first[p], last[p], (start, len) => geo.walk(4, start, len, each));
      out.end[p] = out.count;
    }
    return out;
  }
  const { starts, country } = runs;
  const idOf = Int32Array.from(runs.codes, (cc) => ids.id(cc));
  for (let p = 0; p < count; p++) {
    const l = last[p];
    let i = runAt(starts, first[p]);
    for (let at = first[p]; at <= l; i++) {
      const end = i + 1 < starts.length && starts[i + 1] - 1 < l ? starts[i + 1] - 1 : l;
      out.push(idOf[country[i]], end - at + 1);
      at = end + 1;
    }
    out.end[p] = out.count;
  }
  return out;
}

/** IPv6 pieces, by walks of each piece's CIDRs; walk counts of IPv6 networks are powers of two, so BigInt() is exact. */
export function placeIpv6(geo: GeoWalk, first: ArrayLike<bigint>, last: ArrayLike<bigint>, count: number, ids: CountryIds): Placements<bigint> {
  const out = new PlacementColumns<bigint>(0n, count);
  const each = (cc: string | null, n: number) => out.push(ids.id(cc), BigInt(n));
  for (let p = 0; p < count; p++) {
    for (const prefix of rangeToPrefixes(6, first[p], last[p])) geo.walk(6, prefix.start, prefix.length, each);
    out.end[p] = out.count;
  }
  return out;
}

/** The run holding `address`: the last i with starts[i] <= address (starts[0] is 0). */
function runAt(starts: Float64Array, address: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= address) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
