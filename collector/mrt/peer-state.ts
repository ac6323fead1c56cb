/** MRT state changes (BGP4MP and the legacy BGP type) that end a peer's session. */
import type { MrtRecord } from '../models/mrt.js';
import type { PeerDown } from '../models/peer-down.js';

/** BGP FSM state 6 (RFC 4271 §8.2.2). */
export const ESTABLISHED = 6;

/** A peer down as an MRT file tells it: the collector is the file's, which the record does not name. */
export type MrtPeerDown = Omit<PeerDown, 'collector'>;

/** The record's session going down (a state change out of Established), else null. */
export function peerDownOf(record: MrtRecord): MrtPeerDown | null {
  if (record.kind !== 'bgp4mp-state-change' && record.kind !== 'bgp-legacy-state-change') return null;
  if (record.oldState !== ESTABLISHED || record.newState === ESTABLISHED) return null;
  return { timestamp: record.timestamp, peer_ip: record.peerIp, peer_asn: record.peerAsn };
}
