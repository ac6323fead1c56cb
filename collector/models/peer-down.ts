/**
 * A collector's BGP session with a peer left Established: an MRT state change (BGP4MP, or the
 * legacy BGP type) out of state 6, or a RIS Live RIS_PEER_STATE `down`. Every route the peer
 * announced went with the session (RFC 4271 §8.2.2), though no withdrawal was sent for any.
 */
export interface PeerDown {
  /** Seconds since 1970. */
  timestamp: number;
  collector: string;
  peer_ip: string;
  peer_asn: number;
}

/**
 * What a reader of events takes besides them. A peer going down is no element (bgpkit-parser's
 * elements have none) but orders with them: the source calls `peerDown` once every event before it
 * has been taken, and awaits it before yielding any after it, so the reader can withdraw the
 * peer's routes in their place.
 */
export interface SourceHooks {
  peerDown?(down: PeerDown): Promise<void> | void;
}
