/**
 * The routes of an MRT file for readers of routing state (`index build`): RIB entries
 * (TABLE_DUMP, TABLE_DUMP_V2) come as fields with their origin, read straight from the bytes
 * (rib-direct.ts) or, for a record with anything odd in it, decoded for their AS path only;
 * every other record's elements come as readMrtElems gives them. Same routes, same order, same
 * origins as recordToElems: a RIB is mostly attributes nobody asked for here (communities, next
 * hops), and one element per (prefix, peer).
 */
import { formatNlri } from '../bgp/addr.js';
import { effectivePath } from '../bgp/as4-merge.js';
import { originAsns } from '../bgp/elems.js';
import type { AsPathSegment, BgpElem } from '../models/route-event.js';
import { recordToElems } from './elems.js';
import { peerDownOf, type MrtPeerDown } from './peer-state.js';
import { forEachMrtFrame, type MrtSource } from './records.js';
import { DirectRibReader } from './rib-direct.js';
import { newStats, type MrtReadStats } from './stats.js';

/** AS_PATH, AGGREGATOR, AS4_PATH, AS4_AGGREGATOR: what the effective path (RFC 6793) needs. */
export const PATH_ATTRIBUTES: ReadonlySet<number> = new Set([2, 7, 17, 18]);

/**
 * An announcement's path: `originAsns` as the element's origin_asns would be, and `asPath` when
 * it was decoded (a RIB entry read from its bytes has only its origins; see originAsnsOfPath).
 */
export interface RoutePath {
  asPath: AsPathSegment[] | undefined;
  originAsns: number[] | undefined;
}

export interface MrtRouteVisitor {
  /** One RIB entry: an announcement of `prefix` by the peer (and ADD-PATH path id). */
  ribEntry(prefix: string, peerIp: string, peerAsn: number, pathId: number | undefined, timestamp: number, path: RoutePath): void;
  /** An element of any other record (UPDATEs), exactly as readMrtElems yields it. */
  elem(elem: BgpElem): void;
  /** A state change that ended a peer's session (not given: ignored). */
  peerDown?(down: MrtPeerDown): void;
}

export async function readMrtRoutes(source: MrtSource, visitor: MrtRouteVisitor, stats: MrtReadStats = newStats()): Promise<void> {
  // One path object, refilled per entry: the visitor reads it before the next entry.
  const path: RoutePath = { asPath: undefined, originAsns: undefined };
  const setPath = (attrs: Parameters<typeof effectivePath>[0], as4: boolean) => {
    path.asPath = effectivePath(attrs, as4).asPath;
    path.originAsns = path.asPath && originAsns(path.asPath);
  };
  const direct = new DirectRibReader((prefix, peerIp, peerAsn, pathId, timestamp, origins) => {
    path.asPath = undefined;
    path.originAsns = origins;
    stats.elements++;
    visitor.ribEntry(prefix, peerIp, peerAsn, pathId, timestamp, path);
  });
  await forEachMrtFrame(
    source,
    (frame, decode, tables) => {
      if (direct.read(frame, tables)) {
        stats.records++;
        return;
      }
      const r = decode(frame);
      if (!r) return;
      if (r.kind === 'table-dump') {
        setPath(r.attributes, false);
        stats.elements++;
        visitor.ribEntry(formatNlri(r.prefix), r.peerIp, r.peerAsn, undefined, r.timestamp, path);
      } else if (r.kind === 'rib') {
        const prefix = formatNlri(r.prefix);
        for (const e of r.entries) {
          if (!e.peer) continue; // counted by the reader, as recordToElems skips it
          setPath(e.attributes, true);
          stats.elements++;
          visitor.ribEntry(prefix, e.peer.ip, e.peer.asn, e.pathId, r.timestamp, path);
        }
      } else {
        const elems = recordToElems(r);
        stats.elements += elems.length;
        for (const e of elems) visitor.elem(e);
        const down = visitor.peerDown && peerDownOf(r);
        if (down) visitor.peerDown!(down);
      }
    },
    stats,
    { ribAttributes: PATH_ATTRIBUTES },
  );
}
