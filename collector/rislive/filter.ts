/**
 * Subscription matching, as the RIS Live server applies it: every field given must match
 * (host, type, require, peer, path, prefix with more/lessSpecific). The replay server uses
 * it to honour ris_subscribe; a client can use it to check what it receives.
 */
import { parseIp, parsePrefix, prefixContains, type Prefix } from '../../common/ip.js';
import { boundedMemo } from './memo.js';
import { collectorName, RIS_DATA_TYPES, type RisMessageData, type RisPathElement, type RisSubscription } from './protocol.js';

const parseIpMemo = boundedMemo(parseIp);
const parsePrefixMemo = boundedMemo((text: string) => parsePrefix(text, true));

export type MessagePredicate = (data: RisMessageData) => boolean;

/** A parsed path pattern: ASNs that must appear adjacent, in order, maybe anchored. */
export interface PathPattern {
  asns: number[];
  anchorStart: boolean;
  anchorEnd: boolean;
}

/** Parses `123`, `"^123,456$"`, `"789$"`, `"123,456"`; throws with a message on anything else. */
export function parsePathPattern(path: number | string): PathPattern {
  if (typeof path === 'number') {
    if (!isAsn(path)) throw new Error(`path: ${path} is not an AS number`);
    return { asns: [path], anchorStart: false, anchorEnd: false };
  }
  let text = String(path).trim();
  const anchorStart = text.startsWith('^');
  if (anchorStart) text = text.slice(1);
  const anchorEnd = text.endsWith('$');
  if (anchorEnd) text = text.slice(0, -1);
  const parts = text.split(',').map((s) => s.trim());
  const asns = parts.map(Number);
  if (text === '' || parts.some((p) => !/^\d+$/.test(p)) || !asns.every(isAsn)) {
    throw new Error(`path: "${path}" is not a pattern of comma-separated AS numbers (optionally ^ at the start, $ at the end)`);
  }
  return { asns, anchorStart, anchorEnd };
}

const isAsn = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

const elementHas = (el: RisPathElement, asn: number): boolean => (Array.isArray(el) ? el.includes(asn) : el === asn);

/** True when the AS path contains the pattern; an AS_SET element matches any of its members. */
export function pathMatches(pattern: PathPattern, path: RisPathElement[]): boolean {
  const n = pattern.asns.length;
  const last = path.length - n;
  for (let s = pattern.anchorEnd ? last : 0; s <= (pattern.anchorStart ? Math.min(0, last) : last); s++) {
    let i = 0;
    while (i < n && elementHas(path[s + i], pattern.asns[i])) i++;
    if (i === n) return true;
  }
  return false;
}

/** Every prefix a message announces or withdraws. */
export function messagePrefixes(data: RisMessageData): string[] {
  const out: string[] = [];
  for (const a of data.announcements ?? []) out.push(...a.prefixes);
  if (data.withdrawals) out.push(...data.withdrawals);
  return out;
}

/**
 * Compiles a subscription into a predicate. Throws with a user-facing message when a field is
 * invalid (the replay server answers that with ris_error).
 */
export function compileSubscription(sub: RisSubscription): MessagePredicate {
  const tests: MessagePredicate[] = [];
  if (sub.host !== undefined && sub.host !== '') {
    const host = collectorName(String(sub.host));
    tests.push((d) => collectorName(d.host) === host);
  }
  if (sub.type !== undefined) {
    const type = String(sub.type).toUpperCase();
    if (!(RIS_DATA_TYPES as readonly string[]).includes(type)) throw new Error(`type: "${sub.type}" is not one of ${RIS_DATA_TYPES.join(', ')}`);
    tests.push((d) => d.type === type);
  }
  if (sub.require !== undefined && sub.require !== '') {
    const key = String(sub.require);
    tests.push((d) => {
      const v = (d as unknown as Record<string, unknown>)[key];
      return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
    });
  }
  if (sub.peer !== undefined && sub.peer !== '') {
    const peer = parseIp(String(sub.peer));
    if (!peer) throw new Error(`peer: "${sub.peer}" is not an IP address`);
    tests.push((d) => {
      const p = parseIpMemo(d.peer);
      return p !== null && p.family === peer.family && p.value === peer.value;
    });
  }
  if (sub.path !== undefined && sub.path !== '') {
    const pattern = parsePathPattern(sub.path);
    tests.push((d) => Array.isArray(d.path) && pathMatches(pattern, d.path));
  }
  if (sub.prefix !== undefined && sub.prefix !== '') {
    const wanted = (Array.isArray(sub.prefix) ? sub.prefix : [sub.prefix]).map((text) => {
      const p = parsePrefix(String(text));
      if (!p) throw new Error(`prefix: "${text}" is not a CIDR prefix without host bits`);
      return p;
    });
    const more = sub.moreSpecific ?? true;
    const less = sub.lessSpecific ?? false;
    tests.push((d) => messagePrefixes(d).some((text) => prefixMatches(wanted, text, more, less)));
  }
  return (d) => tests.every((t) => t(d));
}

function prefixMatches(wanted: Prefix[], text: string, more: boolean, less: boolean): boolean {
  const p = parsePrefixMemo(text);
  if (!p) return false;
  return wanted.some(
    (w) =>
      (w.family === p.family && w.length === p.length && w.start === p.start) ||
      (more && prefixContains(w, p)) ||
      (less && prefixContains(p, w)),
  );
}

/** A message is delivered when any active subscription matches it. */
export function matchesAny(predicates: MessagePredicate[], data: RisMessageData): boolean {
  for (const p of predicates) if (p(data)) return true;
  return false;
}
