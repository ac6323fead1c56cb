/** Plain data types for MRT records (RFC 6396, RFC 8050). No code here. */
import type { BgpMessage, BgpUpdate, Nlri, PathAttributes } from './bgp.js';

export const MRT_TYPE = {
  BGP_LEGACY: 5,
  TABLE_DUMP: 12,
  TABLE_DUMP_V2: 13,
  BGP4MP: 16,
  BGP4MP_ET: 17,
} as const;

interface RecordBase {
  /** Byte offset of the record header in the decompressed stream. */
  offset: number;
  /** Seconds since 1970; fractional part carries microseconds for BGP4MP_ET. */
  timestamp: number;
  /** Whole seconds from the header. */
  seconds: number;
  /** Microseconds (BGP4MP_ET), else 0. */
  microseconds: number;
  mrtType: number;
  mrtSubtype: number;
}

export interface Bgp4mpMessageRecord extends RecordBase {
  kind: 'bgp4mp-message';
  peerAsn: number;
  localAsn: number;
  interfaceIndex: number;
  /** AFI of the peer addresses (1 or 2; other values are reported as warnings). */
  afi: number;
  peerIp: string;
  localIp: string;
  as4: boolean;
  addPath: boolean;
  /** MESSAGE_LOCAL variants: the message was sent by the collector. */
  local: boolean;
  /** The BGP message, from the 16-byte marker on. */
  raw: Uint8Array;
  message: BgpMessage;
}

export interface Bgp4mpStateChangeRecord extends RecordBase {
  kind: 'bgp4mp-state-change';
  peerAsn: number;
  localAsn: number;
  afi: number;
  peerIp: string;
  localIp: string;
  oldState: number;
  newState: number;
}

export interface TableDumpRecord extends RecordBase {
  kind: 'table-dump';
  viewNumber: number;
  sequence: number;
  prefix: Nlri;
  status: number;
  originatedTime: number;
  peerIp: string;
  peerAsn: number;
  attributes: PathAttributes;
  warnings: string[];
}

export interface PeerIndexEntry {
  bgpId: string;
  afi: 1 | 2;
  ip: string;
  asn: number;
}

export interface PeerIndexTableRecord extends RecordBase {
  kind: 'peer-index-table';
  collectorId: string;
  viewName: string;
  peers: PeerIndexEntry[];
}

export interface RibEntry {
  peerIndex: number;
  /** The peer from the PEER_INDEX_TABLE; absent when the index is unknown. */
  peer?: PeerIndexEntry;
  originatedTime: number;
  pathId?: number;
  attributes: PathAttributes;
  warnings: string[];
}

export interface RibRecord extends RecordBase {
  kind: 'rib';
  sequence: number;
  afi: number;
  safi: number;
  addPath: boolean;
  prefix: Nlri;
  entries: RibEntry[];
}

/** Deprecated MRT type 5 (BGP), used by RIS in 1999-2001. */
export interface BgpLegacyUpdateRecord extends RecordBase {
  kind: 'bgp-legacy-update';
  peerAsn: number;
  peerIp: string;
  localAsn: number;
  localIp: string;
  update: BgpUpdate;
}

export interface BgpLegacyStateChangeRecord extends RecordBase {
  kind: 'bgp-legacy-state-change';
  peerAsn: number;
  peerIp: string;
  oldState: number;
  newState: number;
}

/** A record of a known type that carries no routes we decode (OPEN/KEEPALIVE of type 5, BGP4MP_ENTRY, RIB_GENERIC…). */
export interface OtherRecord extends RecordBase {
  kind: 'other';
  description: string;
}

export type MrtRecord =
  | Bgp4mpMessageRecord
  | Bgp4mpStateChangeRecord
  | TableDumpRecord
  | PeerIndexTableRecord
  | RibRecord
  | BgpLegacyUpdateRecord
  | BgpLegacyStateChangeRecord
  | OtherRecord;
