/**
 * The path-attribute loop (RFC 4271 §4.3) with RFC 7606 error handling: a malformed
 * attribute is either discarded or makes the whole UPDATE "treat-as-withdraw"; every
 * problem becomes a warning naming the attribute and its byte offset in the message.
 */
import type { PathAttributes } from '../models/bgp.js';
import { decodeOrigin } from './attr-01-origin.js';
import { decodeAsPath } from './attr-02-as-path.js';
import { decodeNextHop } from './attr-03-next-hop.js';
import { decodeMed } from './attr-04-med.js';
import { decodeLocalPref } from './attr-05-local-pref.js';
import { decodeAtomicAggregate } from './attr-06-atomic-aggregate.js';
import { decodeAggregator } from './attr-07-aggregator.js';
import { decodeCommunities } from './attr-08-communities.js';
import { decodeOriginatorId } from './attr-09-originator-id.js';
import { decodeClusterList } from './attr-10-cluster-list.js';
import { decodeMpReach } from './attr-14-mp-reach-nlri.js';
import { decodeMpUnreach } from './attr-15-mp-unreach-nlri.js';
import { decodeExtendedCommunities, toHex } from './attr-16-extended-communities.js';
import { decodeAs4Path } from './attr-17-as4-path.js';
import { decodeAs4Aggregator } from './attr-18-as4-aggregator.js';
import { decodeLargeCommunities } from './attr-32-large-communities.js';
import { decodeOnlyToCustomer } from './attr-35-only-to-customer.js';
import type { AttrDecoder, AttrInput } from './attr-input.js';

type OnError = 'withdraw' | 'discard';

const DECODERS: Record<number, [string, AttrDecoder, OnError]> = {
  1: ['ORIGIN', decodeOrigin, 'withdraw'],
  2: ['AS_PATH', decodeAsPath, 'withdraw'],
  3: ['NEXT_HOP', decodeNextHop, 'withdraw'],
  4: ['MULTI_EXIT_DISC', decodeMed, 'withdraw'],
  5: ['LOCAL_PREF', decodeLocalPref, 'withdraw'],
  6: ['ATOMIC_AGGREGATE', decodeAtomicAggregate, 'discard'],
  7: ['AGGREGATOR', decodeAggregator, 'discard'],
  8: ['COMMUNITIES', decodeCommunities, 'withdraw'],
  9: ['ORIGINATOR_ID', decodeOriginatorId, 'withdraw'],
  10: ['CLUSTER_LIST', decodeClusterList, 'withdraw'],
  14: ['MP_REACH_NLRI', decodeMpReach, 'withdraw'],
  15: ['MP_UNREACH_NLRI', decodeMpUnreach, 'withdraw'],
  16: ['EXTENDED_COMMUNITIES', decodeExtendedCommunities, 'withdraw'],
  17: ['AS4_PATH', decodeAs4Path, 'discard'],
  18: ['AS4_AGGREGATOR', decodeAs4Aggregator, 'discard'],
  32: ['LARGE_COMMUNITY', decodeLargeCommunities, 'withdraw'],
  35: ['ONLY_TO_CUSTOMER', decodeOnlyToCustomer, 'discard'],
};

/** Fields a discarded attribute leaves behind, removed so nothing half-decoded is used. */
const FIELDS: Record<number, Array<keyof PathAttributes>> = {
  6: [],
  7: ['aggregator'],
  17: ['as4Path'],
  18: ['as4Aggregator'],
  35: ['onlyToCustomer'],
};

export interface AttributesResult {
  attributes: PathAttributes;
  treatAsWithdraw: boolean;
}

export interface AttrContext {
  as4: boolean;
  addPath: boolean;
  ribEntry?: boolean;
  /** Offset of `b` in the message, so warnings give message offsets. */
  base?: number;
  /**
   * Decode only these attribute types (a reader that needs the path alone); the others are
   * framed and checked for duplicates as usual, so the decoded ones come out the same.
   */
  only?: ReadonlySet<number>;
}

export const emptyAttributes = (): PathAttributes => ({ atomicAggregate: false, seen: [] });

export function decodeAttributes(b: Uint8Array, start: number, end: number, ctx: AttrContext, warnings: string[]): AttributesResult {
  const attributes = emptyAttributes();
  let treatAsWithdraw = false;
  const base = (ctx.base ?? 0) - 0;
  const input: AttrInput = { b, off: 0, len: 0, as4: ctx.as4, addPath: ctx.addPath, ribEntry: ctx.ribEntry ?? false };
  let p = start;
  while (p < end) {
    const at = p + base;
    if (p + 3 > end) {
      warnings.push(`attribute header truncated at offset ${at}`);
      treatAsWithdraw = true;
      break;
    }
    const flags = b[p];
    const type = b[p + 1];
    const extended = (flags & 0x10) !== 0;
    if (extended && p + 4 > end) {
      warnings.push(`attribute ${type} header truncated at offset ${at}`);
      treatAsWithdraw = true;
      break;
    }
    const len = extended ? (b[p + 2] << 8) | b[p + 3] : b[p + 2];
    const off = p + (extended ? 4 : 3);
    if (off + len > end) {
      warnings.push(`attribute ${type} at offset ${at}: length ${len} runs past the attribute section`);
      treatAsWithdraw = true;
      break;
    }
    p = off + len;
    const spec = DECODERS[type];
    if (attributes.seen.includes(type) && type !== 14 && type !== 15) {
      warnings.push(`duplicate ${spec ? spec[0] : `attribute ${type}`} at offset ${at} ignored`);
      continue;
    }
    attributes.seen.push(type);
    if (ctx.only && !ctx.only.has(type)) continue;
    if (!spec) {
      (attributes.unknown ??= []).push({ flags, type, hex: toHex(b, off, len) });
      continue;
    }
    input.off = off;
    input.len = len;
    const problem = spec[1](input, attributes);
    if (problem === undefined) continue;
    const lenient = type === 7 && (len === 6 || len === 8);
    warnings.push(`${problem} (attribute at offset ${at})${lenient ? '' : spec[2] === 'withdraw' ? ': treat-as-withdraw' : ': attribute discarded'}`);
    if (lenient) continue;
    if (spec[2] === 'withdraw') treatAsWithdraw = true;
    else for (const f of FIELDS[type] ?? []) delete attributes[f];
  }
  return { attributes, treatAsWithdraw };
}
