/**
 * The RIS Live WebSocket protocol (https://ris-live.ripe.net/manual/): message and
 * subscription types only. Every frame is a JSON object `{ type, data }`.
 */

/** BGP or RIS message types that a subscription can select with `type`. */
export type RisDataType = 'UPDATE' | 'OPEN' | 'NOTIFICATION' | 'KEEPALIVE' | 'RIS_PEER_STATE';

export interface RisSocketOptions {
  /** Add `raw`, the whole BGP message in upper-case hex, to every ris_message. */
  includeRaw?: boolean;
  /** Answer every ris_subscribe / ris_unsubscribe with ris_subscribe_ok. */
  acknowledge?: boolean;
}

/**
 * The `data` of ris_subscribe / ris_unsubscribe. Every field narrows the stream. As on RIS Live,
 * a field that is null (or an empty string, or an empty prefix list) counts as absent, and a
 * field not listed here is an error (see collector/replay/subscription.ts).
 */
export interface RisSubscription {
  /** Collector, e.g. `rrc21` (`rrc21.ripe.net` is accepted too). */
  host?: string;
  type?: RisDataType;
  /** Only messages that carry this key, e.g. `announcements` or `withdrawals`. */
  require?: string;
  /** Only messages from the BGP peer with this IP address. */
  peer?: string;
  /**
   * An ASN anywhere in the AS path, or a pattern of comma-separated ASNs that must appear in
   * this order, adjacent; `^` anchors it at the first AS (the peer), `$` at the origin.
   */
  path?: number | string;
  /** Only UPDATEs announcing or withdrawing this prefix (or one of these prefixes). */
  prefix?: string | string[];
  /** With `prefix`: also match more-specific prefixes. Default true. */
  moreSpecific?: boolean;
  /** With `prefix`: also match less-specific prefixes. Default false. */
  lessSpecific?: boolean;
  /** Accepted (a boolean) for older clients; it changes nothing. */
  includeBody?: boolean;
  socketOptions?: RisSocketOptions;
}

export interface RisAnnouncement {
  next_hop: string;
  prefixes: string[];
}

/** An AS path element: an ASN, or an AS_SET as a nested array. */
export type RisPathElement = number | number[];

/** The `data` of a ris_message. Fields beyond the header appear only where they apply. */
export interface RisMessageData {
  timestamp: number;
  peer: string;
  /** The peer's ASN, as a string (as RIS Live sends it). */
  peer_asn: string;
  id: string;
  host: string;
  type: RisDataType | string;
  raw?: string;
  path?: RisPathElement[];
  community?: Array<[number, number]>;
  origin?: string;
  med?: number;
  aggregator?: string;
  announcements?: RisAnnouncement[];
  withdrawals?: string[];
  /** RIS_PEER_STATE only, as exabgp (RIS's collector) names them: `connected` (TCP up), `up` (BGP Established) or `down`. */
  state?: string;
}

export type ClientMessage =
  | { type: 'ris_subscribe'; data: RisSubscription }
  | { type: 'ris_unsubscribe'; data: RisSubscription }
  | { type: 'request_rrc_list'; data?: unknown }
  | { type: 'ping'; data?: unknown };

export type ServerMessage =
  | { type: 'ris_message'; data: RisMessageData }
  | { type: 'ris_error'; data: { message: string } }
  | { type: 'ris_rrc_list'; data: string[] }
  | { type: 'ris_subscribe_ok'; data: { subscription: RisSubscription; socketOptions: RisSocketOptions } }
  | { type: 'pong'; data?: unknown };

export const RIS_DATA_TYPES: readonly RisDataType[] = ['UPDATE', 'OPEN', 'NOTIFICATION', 'KEEPALIVE', 'RIS_PEER_STATE'];

/** Collector name without the `.ripe.net` suffix newer streams add: `rrc00.ripe.net` → `rrc00`. */
export function collectorName(host: string): string {
  return host.toLowerCase().replace(/\.ripe\.net$/, '');
}
