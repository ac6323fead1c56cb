/**
 * The AS path as bgpdump 1.6.2 writes it: sets in {…} with commas, confederation
 * sequences in (…), confederation sets in […]; for 2-byte sessions AS4_PATH is merged
 * the way bgpdump does it (see QUIRKS.md), not quite as RFC 6793 says.
 */
import type { PathAttributes } from '../models/bgp.js';
import type { AsPathSegment } from '../models/route-event.js';

const OPEN: Record<string, string> = { AS_SET: '{', AS_CONFED_SET: '[', AS_CONFED_SEQUENCE: '(' };
const CLOSE: Record<string, string> = { AS_SET: '}', AS_CONFED_SET: ']', AS_CONFED_SEQUENCE: ')' };

function text(segments: AsPathSegment[]): string {
  let s = '';
  let prev = 'AS_SEQUENCE';
  let space = false;
  for (const seg of segments) {
    if (prev !== 'AS_SEQUENCE') s += CLOSE[prev];
    if (space) s += ' ';
    if (seg.type !== 'AS_SEQUENCE') s += OPEN[seg.type];
    const sep = seg.type === 'AS_SET' || seg.type === 'AS_CONFED_SET' ? ',' : ' ';
    s += seg.asns.join(sep);
    // bgpdump only writes a space before the next segment if this one had ASNs.
    space = seg.asns.length > 0;
    prev = seg.type;
  }
  if (segments.length && prev !== 'AS_SEQUENCE') s += CLOSE[prev];
  return s;
}

function count(segments: AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) n += s.type === 'AS_SEQUENCE' || s.type === 'AS_CONFED_SEQUENCE' ? s.asns.length : 1;
  return n;
}

export function bgpdumpAsPath(a: PathAttributes, asnLen: 2 | 4): string {
  if (!a.seen.includes(2)) return '';
  if (a.asPathMalformed || !a.asPath) return '! Error !';
  const path = a.asPath;
  if (asnLen === 4 || !a.as4Path) return text(path);
  if (a.aggregator && a.as4Aggregator && a.aggregator.asn !== 23456) return text(path);
  const want = count(path) - count(a.as4Path);
  if (want < 0) return text(path);
  // bgpdump copies the *first* AS_PATH segment over and over until it has `want` ASNs.
  const merged: AsPathSegment[] = [];
  const seg = path[0];
  let have = 0;
  while (have < want && seg) {
    if (seg.type === 'AS_SET' || seg.type === 'AS_CONFED_SET') {
      merged.push(seg);
      have += 1;
    } else {
      if (seg.asns.length === 0) break; // bgpdump would loop forever here
      const take = Math.min(seg.asns.length, want - have);
      merged.push({ type: seg.type, asns: seg.asns.slice(0, take) });
      have += seg.asns.length;
    }
  }
  return text([...merged, ...a.as4Path]);
}
