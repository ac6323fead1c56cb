/**
 * Reconstructs the true AS path and aggregator of an UPDATE from a 2-byte-AS session
 * (RFC 6793 §4.2.3): AS4_PATH replaces the tail of AS_PATH, AS4_AGGREGATOR replaces
 * AGGREGATOR when that carries AS_TRANS.
 */
import type { Aggregator, PathAttributes } from '../models/bgp.js';
import type { AsPathSegment } from '../models/route-event.js';

export const AS_TRANS = 23456;

/** Path length as RFC 4271 §9.1.2.2 counts it: a set counts 1, confederation segments 0. */
export function pathLength(segments: AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === 'AS_SEQUENCE') n += s.asns.length;
    else if (s.type === 'AS_SET') n += 1;
  }
  return n;
}

export interface EffectivePath {
  asPath?: AsPathSegment[];
  aggregator?: Aggregator;
}

export function effectivePath(attrs: PathAttributes, as4: boolean): EffectivePath {
  const result: EffectivePath = { asPath: attrs.asPath, aggregator: attrs.aggregator };
  if (as4) return result;
  if (attrs.aggregator && attrs.aggregator.asn !== AS_TRANS && attrs.as4Aggregator) return result; // AS4_* ignored
  if (attrs.aggregator?.asn === AS_TRANS && attrs.as4Aggregator) result.aggregator = attrs.as4Aggregator;
  if (!attrs.asPath || !attrs.as4Path) return result;
  const keep = pathLength(attrs.asPath) - pathLength(attrs.as4Path);
  if (keep < 0) return result;
  const merged: AsPathSegment[] = [];
  let taken = 0;
  for (const s of attrs.asPath) {
    if (taken >= keep) break;
    if (s.type === 'AS_SEQUENCE') {
      const n = Math.min(s.asns.length, keep - taken);
      merged.push({ type: s.type, asns: s.asns.slice(0, n) });
      taken += n;
    } else {
      merged.push(s);
      if (s.type === 'AS_SET') taken += 1;
    }
  }
  // Join a trailing sequence with a leading AS4 sequence so the path reads as one sequence.
  const first = attrs.as4Path[0];
  const last = merged[merged.length - 1];
  if (last && first && last.type === 'AS_SEQUENCE' && first.type === 'AS_SEQUENCE') {
    merged[merged.length - 1] = { type: 'AS_SEQUENCE', asns: [...last.asns, ...first.asns] };
    merged.push(...attrs.as4Path.slice(1));
  } else merged.push(...attrs.as4Path);
  result.asPath = merged;
  return result;
}
