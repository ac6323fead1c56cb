/**
 * Plain data types for decoded BGP messages (RFC 4271, 4760, 6793, 7911, 1997, 4360, 8092).
 * No code here: the decoder in collector/bgp fills them.
 */
import type { AsPathSegment } from './route-event.js';

/** Address family identifier (RFC 4760): 1 = IPv4, 2 = IPv6. */
export type Afi = 1 | 2;

/**
 * One prefix of an NLRI field. The address is kept as it was on the wire (bytes past the
 * prefix length zero, host bits inside the last byte kept), so that both the canonical form
 * and bgpdump's form can be printed.
 */
export interface Nlri {
  afi: Afi;
  /** Prefix length in bits. */
  length: number;
  /** IPv4: the address as an unsigned 32-bit integer. */
  v4: number;
  /** IPv6: 16 bytes (absent for IPv4). */
  v6?: Uint8Array;
  /** ADD-PATH path identifier (RFC 7911). */
  pathId?: number;
}

/**
 * An NLRI field that failed to decode as the record says but reads cleanly as ADD-PATH
 * (RFC 7911), as BIRD writes them (see collector/bgp/nlri.ts). Its prefixes are the routes;
 * the field's plain reading is kept beside it only for the bgpdump view.
 */
export interface AddPathRecovery {
  /** The prefixes, with their path ids. */
  nlri: Nlri[];
  /** Why the plain reading failed. */
  error: string;
}

export interface MpReach {
  afi: number;
  safi: number;
  /** Next hop (global) as text; absent when the length was not understood. */
  nextHop?: string;
  /** IPv6 link-local next hop (next hop length 32). */
  nextHopLocal?: string;
  nextHopLength: number;
  /** The next-hop bytes as on the wire (a view into the message). */
  nextHopRaw: Uint8Array;
  /** MRT RIB form: only next-hop length and next hop were present (RFC 6396 §4.3.4). */
  abbreviated?: boolean;
  nlri: Nlri[];
  /** Not routes: what bgpdump reads after an over-long prefix (see nlri.ts). */
  bgpdumpTail?: Nlri[];
  /** When set, these are the routes and `nlri` + `bgpdumpTail` are only bgpdump's reading. */
  addPathRecovery?: AddPathRecovery;
}

export interface MpUnreach {
  afi: number;
  safi: number;
  nlri: Nlri[];
  /** Not routes: what bgpdump reads after an over-long prefix (see nlri.ts). */
  bgpdumpTail?: Nlri[];
  /** When set, these are the routes and `nlri` + `bgpdumpTail` are only bgpdump's reading. */
  addPathRecovery?: AddPathRecovery;
}

export interface Aggregator {
  asn: number;
  ip: string;
  /** Length of the attribute on the wire (6 or 8); bgpdump reads 8-byte ones positionally. */
  wireLength: number;
}

export interface UnknownAttribute {
  flags: number;
  type: number;
  /** The attribute value, as lower-case hex. */
  hex: string;
}

export interface PathAttributes {
  /** Raw ORIGIN value (0 IGP, 1 EGP, 2 INCOMPLETE; others kept as read). */
  origin?: number;
  /** AS_PATH as on the wire (2- or 4-byte ASNs depending on the session). */
  asPath?: AsPathSegment[];
  /** AS_PATH could not be decoded (bad segment type or length). */
  asPathMalformed?: boolean;
  /** AS4_PATH (RFC 6793). */
  as4Path?: AsPathSegment[];
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate: boolean;
  aggregator?: Aggregator;
  as4Aggregator?: Aggregator;
  /** RFC 1997 communities as 32-bit values. */
  communities?: number[];
  originatorId?: string;
  clusterList?: string[];
  mpReach?: MpReach[];
  mpUnreach?: MpUnreach[];
  /** RFC 4360 extended communities, 8 bytes each as hex. */
  extendedCommunities?: string[];
  /** RFC 8092 large communities: [global, local1, local2]. */
  largeCommunities?: Array<[number, number, number]>;
  /** RFC 9234 ONLY_TO_CUSTOMER. */
  onlyToCustomer?: number;
  unknown?: UnknownAttribute[];
  /** Type codes seen, in wire order (for presence tests and duplicates). */
  seen: number[];
}

export interface BgpUpdate {
  type: 'update';
  withdrawn: Nlri[];
  attributes: PathAttributes;
  announced: Nlri[];
  /** Not routes: what bgpdump reads after an over-long prefix (see nlri.ts). */
  bgpdumpTail?: { withdrawn?: Nlri[]; announced?: Nlri[] };
  /** When set, these are the routes instead of `withdrawn` / `announced` (bgpdump's reading). */
  addPathRecovery?: { withdrawn?: AddPathRecovery; announced?: AddPathRecovery };
  /** RFC 7606: a malformed attribute means every announced prefix is treated as withdrawn. */
  treatAsWithdraw: boolean;
  /** Decoded with 4-byte ASNs (decides whether AS4_PATH/AS4_AGGREGATOR are merged). */
  as4: boolean;
  warnings: string[];
}

export interface BgpOpen {
  type: 'open';
  version: number;
  myAsn: number;
  holdTime: number;
  bgpId: string;
  /** 4-byte ASN from the capability (RFC 6793), when advertised. */
  as4Asn?: number;
  /** Optional parameters as hex. */
  optionalHex: string;
  warnings: string[];
}

export interface BgpNotification {
  type: 'notification';
  code: number;
  subcode: number;
  dataHex: string;
  warnings: string[];
}

export interface BgpKeepalive {
  type: 'keepalive';
  warnings: string[];
}

/** A message that could not be decoded (bad marker, bad length, unknown type). */
export interface BgpInvalid {
  type: 'invalid';
  /** The message type byte, when it could be read. */
  messageType?: number;
  warnings: string[];
}

export interface BgpRouteRefresh {
  type: 'route-refresh';
  afi: number;
  safi: number;
  warnings: string[];
}

export type BgpMessage = BgpUpdate | BgpOpen | BgpNotification | BgpKeepalive | BgpRouteRefresh | BgpInvalid;
