/**
 * The element model: one prefix in one BGP message (or one RIB entry). Field names follow
 * bgpkit-parser's `BgpElem` (snake_case, as in its JSON output) so that our JSONL output
 * reads like theirs. A RouteEvent is a BgpElem plus where it came from.
 */

export type ElemType = 'announce' | 'withdraw';

export type Origin = 'IGP' | 'EGP' | 'INCOMPLETE';

export type AsPathSegmentType = 'AS_SEQUENCE' | 'AS_SET' | 'AS_CONFED_SEQUENCE' | 'AS_CONFED_SET';

export interface AsPathSegment {
  type: AsPathSegmentType;
  asns: number[];
}

/** RFC 1997 community, RFC 4360 extended community, RFC 8092 large community. */
export type Community =
  | { type: 'standard'; asn: number; value: number }
  | { type: 'extended'; hex: string }
  | { type: 'large'; global: number; local1: number; local2: number };

export interface BgpElem {
  /** Seconds since 1970; fractional part carries microseconds (BGP4MP_ET, RIS Live). */
  timestamp: number;
  elem_type: ElemType;
  peer_ip: string;
  peer_asn: number;
  /** Canonical CIDR text (compressed IPv6, no host bits). */
  prefix: string;
  /** ADD-PATH path identifier (RFC 7911), when present. */
  path_id?: number;
  next_hop?: string;
  as_path?: AsPathSegment[];
  /** The last AS of the path; several when the path ends in an AS_SET. */
  origin_asns?: number[];
  origin?: Origin;
  local_pref?: number;
  med?: number;
  communities?: Community[];
  atomic: boolean;
  aggr_asn?: number;
  aggr_ip?: string;
  only_to_customer?: number;
}

export interface RouteEvent extends BgpElem {
  /** Collector (e.g. `rrc00`, `route-views.jinx`); `unknown` for archive files whose path names none. */
  collector: string;
  /** An entry of a RIB dump (TABLE_DUMP, TABLE_DUMP_V2): part of a table, not a BGP message (the store keeps such entries as snapshots). */
  from_rib?: true;
}
