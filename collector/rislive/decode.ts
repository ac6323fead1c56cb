/**
 * ris_message UPDATE → RouteEvents. The JSON projection is always decoded; when `raw` is
 * present the BGP message itself is decoded (the same decoder as MRT files) and preferred,
 * and any difference between the two is reported so that the projection can be trusted.
 */
import { decodeBgpHex, updateToElems, type BgpDecodeContext } from '../bgp/index.js';
import { canonicalPrefix as canonicalPrefixSlow } from '../../common/ip.js';
import type { PeerDown } from '../models/peer-down.js';
import type { AsPathSegment, BgpElem, Community, Origin, RouteEvent } from '../models/route-event.js';
import { boundedMemo } from './memo.js';
import { collectorName, type RisMessageData } from './protocol.js';

const canonicalPrefix = boundedMemo(canonicalPrefixSlow);

export interface DecodeResult {
  events: RouteEvent[];
  /** Which decoding produced `events`. */
  source: 'raw' | 'json' | 'none';
  /** `raw` and JSON gave different elements. */
  disagreement: boolean;
  /** `raw` was present but could not be decoded (the JSON projection was used). */
  rawFailed: boolean;
  /** Problems found (bad prefix, bad raw…); the rest of the message was still decoded. */
  problems: string[];
}

const ORIGINS: Record<string, Origin> = { igp: 'IGP', egp: 'EGP', incomplete: 'INCOMPLETE' };

/** RIS Live `path` (AS_SET as a nested array) → AS path segments. */
export function pathToSegments(path: Array<number | number[]>): AsPathSegment[] {
  const segments: AsPathSegment[] = [];
  for (const el of path) {
    if (Array.isArray(el)) {
      segments.push({ type: 'AS_SET', asns: el.map(Number) });
    } else {
      const last = segments[segments.length - 1];
      if (last && last.type === 'AS_SEQUENCE') last.asns.push(Number(el));
      else segments.push({ type: 'AS_SEQUENCE', asns: [Number(el)] });
    }
  }
  return segments;
}

/** The origin AS(es): the last path element, all members when it is an AS_SET. */
export function originAsns(path: Array<number | number[]>): number[] | undefined {
  if (path.length === 0) return undefined;
  const last = path[path.length - 1];
  return Array.isArray(last) ? last.map(Number) : [Number(last)];
}

/** Decodes the JSON projection of a ris_message into elements, one per prefix. */
export function decodeJson(data: RisMessageData, problems: string[] = []): BgpElem[] {
  if (data.type !== 'UPDATE') return [];
  const peerAsn = Number(data.peer_asn);
  const base = { timestamp: Number(data.timestamp), peer_ip: data.peer, peer_asn: peerAsn, atomic: false };
  const attrs: Partial<BgpElem> = {};
  if (Array.isArray(data.path)) {
    attrs.as_path = pathToSegments(data.path);
    attrs.origin_asns = originAsns(data.path);
  }
  if (data.origin !== undefined) attrs.origin = ORIGINS[String(data.origin).toLowerCase()];
  if (data.med !== undefined) attrs.med = Number(data.med);
  if (Array.isArray(data.community)) {
    // Only [asn, value] pairs; anything else in a hostile or damaged frame is a problem, not a crash.
    const communities: Community[] = [];
    for (const c of data.community as unknown[]) {
      if (Array.isArray(c)) communities.push({ type: 'standard', asn: Number(c[0]), value: Number(c[1]) });
      else problems.push(`community ${JSON.stringify(c)} is not [asn, value]`);
    }
    attrs.communities = communities;
  }
  if (typeof data.aggregator === 'string') {
    const colon = data.aggregator.indexOf(':');
    if (colon > 0) {
      attrs.aggr_asn = Number(data.aggregator.slice(0, colon));
      attrs.aggr_ip = data.aggregator.slice(colon + 1);
    } else problems.push(`aggregator "${data.aggregator}" is not "asn:ip"`);
  }
  const elems: BgpElem[] = [];
  // IPv6 UPDATEs list a link-local next hop as a second announcement of the same prefixes:
  // one element per prefix, with the first (global) next hop.
  const announced = new Set<string>();
  for (const a of listOf(data.announcements, 'announcements', problems)) {
    if (!a || typeof a !== 'object') {
      problems.push(`announcement ${JSON.stringify(a)} is not an object`);
      continue;
    }
    for (const text of listOf(a.prefixes, 'announcement prefixes', problems)) {
      const prefix = typeof text === 'string' ? canonicalPrefix(text) : null;
      if (!prefix) {
        problems.push(`announced prefix "${text}" is invalid`);
        continue;
      }
      if (announced.has(prefix)) continue;
      announced.add(prefix);
      elems.push({ ...base, elem_type: 'announce', prefix, next_hop: a.next_hop, ...cloneAttrs(attrs) });
    }
  }
  for (const text of listOf(data.withdrawals, 'withdrawals', problems)) {
    const prefix = typeof text === 'string' ? canonicalPrefix(text) : null;
    if (!prefix) {
      problems.push(`withdrawn prefix "${text}" is invalid`);
      continue;
    }
    elems.push({ ...base, elem_type: 'withdraw', prefix });
  }
  return elems;
}

/** A field that should be a list: absent is empty, anything else but an array is a problem. */
function listOf<T>(v: T[] | undefined | null, what: string, problems: string[]): T[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  problems.push(`${what} is not a list`);
  return [];
}

/** Each element gets its own path/community arrays, so a consumer may mutate one safely. */
function cloneAttrs(attrs: Partial<BgpElem>): Partial<BgpElem> {
  const out = { ...attrs };
  if (attrs.as_path) out.as_path = attrs.as_path.map((s) => ({ type: s.type, asns: [...s.asns] }));
  if (attrs.origin_asns) out.origin_asns = [...attrs.origin_asns];
  if (attrs.communities) out.communities = attrs.communities.map((c) => ({ ...c }));
  return out;
}

/** RIS Live sessions are 4-byte-AS; replayed captures may carry 2-byte or ADD-PATH messages. */
const RAW_CONTEXTS: BgpDecodeContext[] = [{ as4: true }, { as4: false }, { as4: true, addPath: true }];

function decodeRawWith(data: RisMessageData, ctx: BgpDecodeContext): { elems: BgpElem[]; clean: boolean } | null {
  try {
    const message = decodeBgpHex(data.raw as string, ctx);
    if (message.type !== 'update') return null;
    const elems = updateToElems(message, { timestamp: Number(data.timestamp), peer_ip: data.peer, peer_asn: Number(data.peer_asn) });
    return { elems, clean: message.warnings.length === 0 };
  } catch {
    return null;
  }
}

/**
 * Decodes `raw` with the BGP decoder. The message does not say whether it uses 4-byte ASNs
 * or ADD-PATH, so the first decoding that agrees with the JSON projection wins; failing
 * that, the first one without warnings (4-byte first: RIS Live's own sessions), then any.
 * Null when `raw` is no decodable UPDATE (the caller falls back to JSON and counts it).
 */
export function decodeRaw(data: RisMessageData, json?: BgpElem[]): { elems: BgpElem[]; agrees: boolean } | null {
  if (typeof data.raw !== 'string') return null;
  let clean: BgpElem[] | undefined;
  let any: BgpElem[] | undefined;
  for (const ctx of RAW_CONTEXTS) {
    const r = decodeRawWith(data, ctx);
    if (!r) continue;
    if (json ? elemsAgree(r.elems, json) : r.clean) return { elems: r.elems, agrees: true };
    if (r.clean) clean ??= r.elems;
    any ??= r.elems;
  }
  const best = clean ?? any;
  return best ? { elems: best, agrees: json === undefined } : null;
}

/** What must agree between the two decodings: type, prefix, path, origin, MED, communities. */
function elemKey(e: BgpElem): string {
  const path = (e.as_path ?? []).map((s) => (s.type === 'AS_SET' ? `{${s.asns.join(',')}}` : s.asns.join(' '))).join(' ');
  const comms = (e.communities ?? [])
    .filter((c) => c.type === 'standard')
    .map((c) => (c.type === 'standard' ? `${c.asn}:${c.value}` : ''))
    .join(' ');
  if (e.elem_type === 'withdraw') return `W|${e.prefix}`;
  // RIS Live leaves out `med` when it is 0.
  return `A|${e.prefix}|${path}|${e.origin ?? ''}|${e.med || ''}|${comms}`;
}

export function elemsAgree(a: BgpElem[], b: BgpElem[]): boolean {
  if (a.length !== b.length) return false;
  const keys = a.map(elemKey).sort();
  const other = b.map(elemKey).sort();
  return keys.every((k, i) => k === other[i]);
}

/**
 * Messages with `raw` per JSON cross-check (see `decodeRisMessage`'s `check`): the live client
 * and file replays decode the rest once, from `raw` alone.
 */
export const RAW_CHECK_EVERY = 64;

/**
 * Decodes one ris_message; prefers `raw` when `useRaw` and it decodes. With `check` false a
 * message with `raw` is decoded once, from `raw` alone (its first clean decoding); with `check`
 * (the default) the JSON projection is decoded too and compared. Never throws.
 */
export function decodeRisMessage(data: RisMessageData, opts: { useRaw?: boolean; check?: boolean } = {}): DecodeResult {
  const problems: string[] = [];
  if (data.type !== 'UPDATE') return { events: [], source: 'none', disagreement: false, rawFailed: false, problems };
  const collector = collectorName(String(data.host ?? ''));
  const useRaw = (opts.useRaw ?? true) && data.raw !== undefined;
  const json = !useRaw || (opts.check ?? true) ? decodeJson(data, problems) : undefined;
  let chosen: BgpElem[] | undefined = json;
  let source: DecodeResult['source'] = 'json';
  let disagreement = false;
  let rawFailed = false;
  if (useRaw) {
    const raw = decodeRaw(data, json);
    if (raw) {
      disagreement = !raw.agrees;
      chosen = raw.elems;
      source = 'raw';
    } else rawFailed = true;
  }
  chosen ??= decodeJson(data, problems);
  // The elements are this call's own objects: each gets its collector in place, not as a copy.
  const events = chosen as RouteEvent[];
  for (let i = 0; i < events.length; i++) events[i].collector = collector;
  return { events, source, disagreement, rawFailed, problems };
}

/** A RIS_PEER_STATE `down`: the collector's session with the peer ended. Null for any other message, or one without a valid peer ASN. */
export function peerDownOfRis(data: RisMessageData): PeerDown | null {
  if (data.type !== 'RIS_PEER_STATE' || data.state !== 'down') return null;
  const peerAsn = Number(data.peer_asn);
  if (!Number.isInteger(peerAsn) || peerAsn < 0 || peerAsn > 0xffffffff) return null;
  return { timestamp: Number(data.timestamp), collector: collectorName(String(data.host ?? '')), peer_ip: data.peer, peer_asn: peerAsn };
}
