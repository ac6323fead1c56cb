/**
 * Whether a database puts a whole prefix in one country, by a walk of its tree with no
 * allocation: most announced prefixes lie inside one network of every database, and the
 * classifier then needs nothing of a distribution but that country (consensus fast path).
 */
import { packedIpv4Prefix, parsePrefix } from '../../common/ip.js';
import type { GeoLookup } from '../models/geo.js';

/** A database that can walk the networks inside a prefix (GeoDatabase). */
interface Walkable {
  walk(family: 4 | 6, start: number | bigint, length: number, visit: (cc: string | null, addresses: number) => void): void;
}

const canWalk = (geo: GeoLookup): geo is GeoLookup & Walkable => typeof (geo as Partial<Walkable>).walk === 'function';

/** A split walk: the prefix is not in one country. */
export const MIXED = undefined;

let first: string | null = null;
let seen = false;
let mixed = false;
const visit = (cc: string | null): void => {
  if (!seen) {
    seen = true;
    first = cc;
  } else if (cc !== first) mixed = true;
};

/**
 * The one country of the whole prefix, null when the database places none of it, MIXED
 * (undefined) when it is split or the database cannot walk (then take the distribution).
 */
export function wholeCountry(geo: GeoLookup, prefix: string): string | null | undefined {
  if (!canWalk(geo)) return MIXED;
  seen = false;
  mixed = false;
  first = null;
  const packed = packedIpv4Prefix(prefix);
  if (packed >= 0) {
    const length = packed % 64;
    geo.walk(4, (packed - length) / 64, length, visit);
  } else {
    const p = parsePrefix(prefix);
    if (!p) return MIXED;
    geo.walk(p.family, p.start, p.length, visit);
  }
  return mixed ? MIXED : first;
}
