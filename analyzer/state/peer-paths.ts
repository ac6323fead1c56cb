/**
 * Peers interned to small integers. A "source" is one path a peer can hold for a prefix: the
 * peer itself, or (peer, path_id) for ADD-PATH sessions (RFC 7911), where one peer may announce
 * several paths for the same prefix. Source ids index the per-pair bitsets.
 */
export interface PeerKey {
  collector: string;
  peer_ip: string;
  peer_asn: number;
}

export const peerKeyText = (p: PeerKey): string => `${p.collector}|${p.peer_ip}|${p.peer_asn}`;

export class SourceTable {
  private readonly peerIds = new Map<string, number>();
  /** Source ids by peer IP (usually one each). */
  private readonly byIp = new Map<string, number[]>();
  readonly peers: PeerKey[] = [];
  /** Per source: its peer id and path id (-1 without ADD-PATH). */
  readonly sourcePeer: number[] = [];
  readonly sourcePath: number[] = [];
  /** Per peer: its source ids. */
  readonly peerSources: number[][] = [];

  get sourceCount(): number {
    return this.sourcePeer.length;
  }

  // One-entry cache: consecutive events mostly come from the same peer (one UPDATE, one RIB peer).
  private last = { collector: '', peerIp: '', peerAsn: -1, pathId: undefined as number | undefined, id: -1 };

  intern(collector: string, peerIp: string, peerAsn: number, pathId?: number): number {
    const c = this.last;
    if (c.peerAsn === peerAsn && c.peerIp === peerIp && c.collector === collector && c.pathId === pathId) return c.id;
    const id = this.internSlow(collector, peerIp, peerAsn, pathId);
    this.last = { collector, peerIp, peerAsn, pathId, id };
    return id;
  }

  private internSlow(collector: string, peerIp: string, peerAsn: number, pathId?: number): number {
    // Keyed by peer IP first, then a short scan: avoids building a key string per event.
    const path = pathId ?? -1;
    let candidates = this.byIp.get(peerIp);
    if (candidates) {
      for (const id of candidates) {
        const peer = this.peers[this.sourcePeer[id]];
        if (this.sourcePath[id] === path && peer.peer_asn === peerAsn && peer.collector === collector) return id;
      }
    } else this.byIp.set(peerIp, (candidates = []));
    const peerText = `${collector}|${peerIp}|${peerAsn}`;
    let peer = this.peerIds.get(peerText);
    if (peer === undefined) {
      peer = this.peers.length;
      this.peers.push({ collector, peer_ip: peerIp, peer_asn: peerAsn });
      this.peerSources.push([]);
      this.peerIds.set(peerText, peer);
    }
    const id = this.sourcePeer.length;
    this.sourcePeer.push(peer);
    this.sourcePath.push(path);
    this.peerSources[peer].push(id);
    candidates.push(id);
    return id;
  }

  /** The source ids of a peer (all its ADD-PATH paths), empty when never seen. */
  sourcesOf(peer: PeerKey): number[] {
    const id = this.peerIds.get(peerKeyText(peer));
    return id === undefined ? [] : this.peerSources[id];
  }

  /** Serializable form, restored by `fromJSON` with the same ids. */
  toJSON(): { peers: PeerKey[]; sources: [number, number][] } {
    return { peers: this.peers, sources: this.sourcePeer.map((p, i) => [p, this.sourcePath[i]]) };
  }

  static fromJSON(data: { peers: PeerKey[]; sources: [number, number][] }): SourceTable {
    const t = new SourceTable();
    for (const [peer, path] of data.sources) {
      const p = data.peers[peer];
      if (!p) throw new Error(`source refers to unknown peer ${peer}`);
      t.intern(p.collector, p.peer_ip, p.peer_asn, path < 0 ? undefined : path);
    }
    // Peers without sources cannot exist (a peer is interned by its first source).
    if (t.peers.length !== data.peers.length) throw new Error('peer table does not match its sources');
    return t;
  }
}
