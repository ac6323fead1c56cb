/**
 * `ris_subscribe` / `ris_unsubscribe` data as RIS Live reads it (https://ris-live.ripe.net/manual/):
 *
 * - `data` may be absent or null: a subscription to everything.
 * - A field that is null is absent (BGPalerter sends `"host": null`); so is an empty string,
 *   and an empty `prefix` list.
 * - A field RIS Live does not know, or a value of the wrong type or form, is refused with a
 *   `ris_error` whose `data.message` says which field and why; nothing is subscribed then.
 * - `prefix` may be a list: each prefix becomes its own subscription, so a later
 *   `ris_unsubscribe` can stop them one by one.
 * - `moreSpecific` defaults to true and `lessSpecific` to false; both only matter with `prefix`.
 * - `path` is an ASN, or a pattern of comma-separated ASNs and AS_SETs (`[1,2]`, members
 *   ascending), `^` anchoring it at the first AS, `$` at the origin, a leading `!` inverting it.
 * - `socketOptions` (`includeRaw`, `acknowledge`) apply to the whole socket from then on.
 */
import { parseIp, parsePrefix, prefixContains, type Prefix } from '../../common/ip.js';
import { messagePrefixes } from '../rislive/filter.js';
import { collectorName, RIS_DATA_TYPES, type RisDataType, type RisMessageData, type RisPathElement, type RisSocketOptions, type RisSubscription } from '../rislive/protocol.js';

/** A bad client message: answered with `ris_error`, the connection stays open. */
export class RisProtocolError extends Error {}

/** One subscription after RIS Live's rules: no nulls, defaults applied, at most one prefix. */
export interface SubscriptionFilter {
  host?: string;
  type?: RisDataType;
  require?: string;
  peer?: string;
  path?: number | string;
  prefix?: string;
  moreSpecific?: boolean;
  lessSpecific?: boolean;
}

export interface ParsedSubscription {
  /** One per prefix (or one without a prefix). */
  filters: SubscriptionFilter[];
  /** Only the options the message set (null or absent ones leave the socket's as they are). */
  socketOptions: RisSocketOptions;
}

export const SUBSCRIPTION_FIELDS = ['host', 'type', 'require', 'peer', 'path', 'prefix', 'moreSpecific', 'lessSpecific', 'includeBody', 'socketOptions'] as const;
export const SOCKET_OPTION_FIELDS = ['includeRaw', 'acknowledge'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';
const describe = (v: unknown): string => (Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`);

function optionalBoolean(where: string, v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new RisProtocolError(`${where}: expected a boolean, got ${describe(v)}`);
  return v;
}

function optionalString(where: string, v: unknown): string | undefined {
  if (absent(v)) return undefined;
  if (typeof v !== 'string') throw new RisProtocolError(`${where}: expected a string, got ${describe(v)}`);
  return v;
}

function unknownFields(obj: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(obj).filter((k) => !known.includes(k));
}

/**
 * Reads the `data` of a ris_subscribe or ris_unsubscribe. Throws RisProtocolError (its message is
 * the ris_error's) on an unknown field or a bad value.
 */
export function parseSubscription(data: unknown): ParsedSubscription {
  if (data === undefined || data === null) return { filters: [{}], socketOptions: {} };
  if (!isObject(data)) throw new RisProtocolError(`data: expected an object, got ${describe(data)}`);
  const extra = unknownFields(data, SUBSCRIPTION_FIELDS);
  if (extra.length) throw new RisProtocolError(`unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}; known: ${SUBSCRIPTION_FIELDS.join(', ')}`);

  const base: SubscriptionFilter = {};
  const host = optionalString('host', data.host);
  if (host !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(host)) throw new RisProtocolError(`host: "${host}" is not a collector name such as rrc21`);
    base.host = collectorName(host);
  }
  const type = optionalString('type', data.type);
  if (type !== undefined) {
    const upper = type.toUpperCase();
    if (!(RIS_DATA_TYPES as readonly string[]).includes(upper)) throw new RisProtocolError(`type: "${type}" is not one of ${RIS_DATA_TYPES.join(', ')}`);
    base.type = upper as RisDataType;
  }
  const require = optionalString('require', data.require);
  if (require !== undefined) base.require = require;
  const peer = optionalString('peer', data.peer);
  if (peer !== undefined) {
    if (!parseIp(peer.trim())) throw new RisProtocolError(`peer: "${peer}" is not an IP address`);
    base.peer = peer.trim();
  }
  if (!absent(data.path)) {
    if (typeof data.path !== 'number' && typeof data.path !== 'string') throw new RisProtocolError(`path: expected an AS number or a pattern string, got ${describe(data.path)}`);
    parsePathExpression(data.path); // validates
    base.path = data.path;
  }
  const more = optionalBoolean('moreSpecific', data.moreSpecific);
  const less = optionalBoolean('lessSpecific', data.lessSpecific);
  optionalBoolean('includeBody', data.includeBody);

  let prefixes: string[] = [];
  if (!absent(data.prefix)) {
    const list = Array.isArray(data.prefix) ? data.prefix : [data.prefix];
    prefixes = list.map((p, i) => {
      const where = Array.isArray(data.prefix) ? `prefix[${i}]` : 'prefix';
      if (typeof p !== 'string') throw new RisProtocolError(`${where}: expected a CIDR prefix string, got ${describe(p)}`);
      const parsed = parsePrefix(p.trim());
      if (!parsed) throw new RisProtocolError(`${where}: "${p}" is not a CIDR prefix without host bits`);
      return p.trim();
    });
  }

  const socketOptions: RisSocketOptions = {};
  if (data.socketOptions !== undefined && data.socketOptions !== null) {
    const so = data.socketOptions;
    if (!isObject(so)) throw new RisProtocolError(`socketOptions: expected an object, got ${describe(so)}`);
    const soExtra = unknownFields(so, SOCKET_OPTION_FIELDS);
    if (soExtra.length) throw new RisProtocolError(`socketOptions: unknown field${soExtra.length > 1 ? 's' : ''} ${soExtra.map((k) => JSON.stringify(k)).join(', ')}; known: ${SOCKET_OPTION_FIELDS.join(', ')}`);
    const includeRaw = optionalBoolean('socketOptions.includeRaw', so.includeRaw);
    const acknowledge = optionalBoolean('socketOptions.acknowledge', so.acknowledge);
    if (includeRaw !== undefined) socketOptions.includeRaw = includeRaw;
    if (acknowledge !== undefined) socketOptions.acknowledge = acknowledge;
  }

  if (!prefixes.length) return { filters: [base], socketOptions };
  const filters = [...new Set(prefixes)].map((prefix) => ({ ...base, prefix, moreSpecific: more ?? true, lessSpecific: less ?? false }));
  return { filters, socketOptions };
}

/** Identifies a subscription for ris_unsubscribe: its filter fields, in a fixed order. */
export function filterKey(f: SubscriptionFilter): string {
  return JSON.stringify([f.host ?? null, f.type ?? null, f.require ?? null, f.peer ?? null, f.path === undefined ? null : String(f.path), f.prefix ?? null, f.prefix ? f.moreSpecific : null, f.prefix ? f.lessSpecific : null]);
}

/** A path pattern item: one ASN, or an AS_SET given by its members. */
type PathItem = { asn: number } | { set: number[] };

export interface PathExpression {
  items: PathItem[];
  anchorStart: boolean;
  anchorEnd: boolean;
  negate: boolean;
}

const isAsn = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

/** Parses a `path` value; throws RisProtocolError when it is not an ASN or a pattern. */
export function parsePathExpression(path: number | string): PathExpression {
  if (typeof path === 'number') {
    if (!isAsn(path)) throw new RisProtocolError(`path: ${path} is not an AS number`);
    return { items: [{ asn: path }], anchorStart: false, anchorEnd: false, negate: false };
  }
  const bad = () => new RisProtocolError(`path: "${path}" is not an AS number or a pattern of comma-separated AS numbers and [AS,SET]s (optionally ! first, ^ at the start, $ at the end)`);
  let text = path.trim();
  const negate = text.startsWith('!');
  if (negate) text = text.slice(1);
  const anchorStart = text.startsWith('^');
  if (anchorStart) text = text.slice(1);
  const anchorEnd = text.endsWith('$');
  if (anchorEnd) text = text.slice(0, -1);
  if (text === '' || text.length > 10_000) throw bad();
  const items: PathItem[] = [];
  const re = /\s*(?:(\d{1,10})|\[\s*(\d{1,10}(?:\s*,\s*\d{1,10})*)\s*\])\s*(,|$)/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m || m[0].length === 0) throw bad();
    if (m[1] !== undefined) {
      const asn = Number(m[1]);
      if (!isAsn(asn)) throw bad();
      items.push({ asn });
    } else {
      const set = m[2].split(',').map((s) => Number(s.trim()));
      if (!set.every(isAsn)) throw bad();
      items.push({ set: [...set].sort((a, b) => a - b) });
    }
    at = re.lastIndex;
    if (m[3] === ',' && at >= text.length) throw bad(); // trailing comma
  }
  if (!items.length) throw bad();
  return { items, anchorStart, anchorEnd, negate };
}

function itemMatches(item: PathItem, el: RisPathElement | undefined): boolean {
  if (el === undefined) return false;
  if ('asn' in item) return Array.isArray(el) ? el.includes(item.asn) : el === item.asn;
  if (!Array.isArray(el) || el.length !== item.set.length) return false;
  const sorted = [...el].sort((a, b) => a - b);
  return sorted.every((v, i) => v === item.set[i]);
}

export function pathExpressionMatches(p: PathExpression, path: RisPathElement[] | undefined): boolean {
  const list = Array.isArray(path) ? path : [];
  const n = p.items.length;
  const last = list.length - n;
  let found = false;
  for (let s = p.anchorEnd ? last : 0; !found && s >= 0 && s <= (p.anchorStart ? Math.min(0, last) : last); s++) {
    let i = 0;
    while (i < n && itemMatches(p.items[i], list[s + i])) i++;
    found = i === n;
  }
  return p.negate ? !found : found;
}

export type MessagePredicate = (data: RisMessageData) => boolean;

/** The predicate of one filter: every field given must match. */
export function compileFilter(f: SubscriptionFilter): MessagePredicate {
  const tests: MessagePredicate[] = [];
  if (f.host !== undefined) {
    const host = f.host;
    tests.push((d) => typeof d.host === 'string' && collectorName(d.host) === host);
  }
  if (f.type !== undefined) {
    const type = f.type;
    tests.push((d) => d.type === type);
  }
  if (f.require !== undefined) {
    const key = f.require;
    tests.push((d) => {
      const v = (d as unknown as Record<string, unknown>)[key];
      return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
    });
  }
  if (f.peer !== undefined) {
    const peer = parseIp(f.peer)!;
    tests.push((d) => {
      const p = typeof d.peer === 'string' ? parseIp(d.peer) : null;
      return p !== null && p.family === peer.family && p.value === peer.value;
    });
  }
  if (f.path !== undefined) {
    const expr = parsePathExpression(f.path);
    tests.push((d) => pathExpressionMatches(expr, d.path));
  }
  if (f.prefix !== undefined) {
    const wanted = parsePrefix(f.prefix)!;
    const more = f.moreSpecific ?? true;
    const less = f.lessSpecific ?? false;
    tests.push((d) => messagePrefixes(d).some((text) => prefixMatches(wanted, text, more, less)));
  }
  return (d) => tests.every((t) => t(d));
}

function prefixMatches(w: Prefix, text: string, more: boolean, less: boolean): boolean {
  const p = parsePrefix(text, true);
  if (!p) return false;
  return (w.family === p.family && w.length === p.length && w.start === p.start) || (more && prefixContains(w, p)) || (less && prefixContains(p, w));
}

/** The subscription with its null fields left out, as echoed in ris_subscribe_ok. */
export function withoutNulls(sub: unknown): RisSubscription {
  if (!isObject(sub)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(sub)) {
    if (v === null) continue;
    out[k] = isObject(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null)) : v;
  }
  return out as RisSubscription;
}
