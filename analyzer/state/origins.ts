/**
 * Origin of a route: the last AS of the path, or every member when the path ends in an AS_SET.
 * A pair stores its origin as the smallest ASN (Finding.originAsn's convention) plus, for AS_SET
 * origins only, an id into an interned table of sorted sets (0 = a single origin).
 */
import type { AsPathSegment, BgpElem } from '../../collector/models/route-event.js';

/** The origin ASNs of an announcement, sorted and unique; null when the path is empty or absent. */
export function originAsnsOf(elem: BgpElem): number[] | null {
  return originAsnsOfPath(elem.origin_asns, elem.as_path);
}

/** The same from an element's `origin_asns` and `as_path` fields. */
export function originAsnsOfPath(originAsns: number[] | undefined, path: AsPathSegment[] | undefined): number[] | null {
  let asns = originAsns;
  if (!asns || asns.length === 0) {
    const last = path && path.length ? path[path.length - 1] : undefined;
    if (!last || last.asns.length === 0) return null;
    asns = last.type === 'AS_SET' || last.type === 'AS_CONFED_SET' ? last.asns : [last.asns[last.asns.length - 1]];
  }
  if (asns.length === 1) return asns;
  return [...new Set(asns)].sort((a, b) => a - b);
}

export class OriginSetTable {
  private readonly ids = new Map<string, number>();
  /** Index 0 is unused: id 0 means "single origin". */
  readonly sets: number[][] = [[]];

  /** 0 for a single origin, otherwise the set's id. `asns` must be sorted and unique. */
  intern(asns: number[]): number {
    if (asns.length === 1) return 0;
    const key = asns.join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(asns);
      this.ids.set(key, id);
    }
    return id;
  }

  asns(origin: number, setId: number): number[] {
    return setId === 0 ? [origin] : this.sets[setId];
  }

  static from(sets: number[][]): OriginSetTable {
    const t = new OriginSetTable();
    for (let i = 1; i < sets.length; i++) t.intern(sets[i]);
    return t;
  }
}
