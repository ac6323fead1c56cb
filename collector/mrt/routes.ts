/**
 * The routes of an MRT file for readers of routing state (`index build`): RIB entries
 * (TABLE_DUMP, TABLE_DUMP_V2) are decoded for their AS path only and handed over as fields,
 * without an element object each; every other record's elements come as readMrtElems gives
 * them. Same routes, same order, same origins as recordToElems: a RIB is mostly attributes
 * nobody asked for here (communities, next hops), and one element per (prefix, peer).
 */
import { formatNlri } from '../bgp/addr.js';
import { effectivePath } from '../bgp/as4-merge.js';
import { originAsns } from '../bgp/elems.js';
import type { AsPathSegment, BgpElem } from '../models/route-event.js';
import { recordToElems } from './elems.js';
import { forEachMrtRecord, type MrtSource } from './records.js';
import { newStats, type MrtReadStats } from './stats.js';

/** AS_PATH, AGGREGATOR, AS4_PATH, AS4_AGGREGATOR: what the effective path (RFC 6793) needs. */
export const PATH_ATTRIBUTES: ReadonlySet<number> = new Set([2, 7, 17, 18]);

/** An announcement's path, as the element would carry it (`as_path`, `origin_asns`). */
export interface RoutePath {
  asPath: AsPathSegment[] | undefined;
  originAsns: number[] | undefined;
}

export interface MrtRouteVisitor {
  /** One RIB entry: an announcement of `prefix` by the peer (and ADD-PATH path id). */
  ribEntry(prefix: string, peerIp: string, peerAsn: number, pathId: number | undefined, timestamp: number, path: RoutePath): void;
  /** An element of any other record (UPDATEs), exactly as readMrtElems yields it. */
  elem(elem: BgpElem): void;
}

export async function readMrtRoutes(source: MrtSource, visitor: MrtRouteVisitor, stats: MrtReadStats = newStats()): Promise<void> {
  // One path object, refilled per entry: the visitor reads it before the next entry.
  const path: RoutePath = { asPath: undefined, originAsns: undefined };
  const setPath = (attrs: Parameters<typeof effectivePath>[0], as4: boolean) => {
    path.asPath = effectivePath(attrs, as4).asPath;
    path.originAsns = path.asPath && originAsns(path.asPath);
  };
  await forEachMrtRecord(
    source,
    (r) => {
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
      }
    },
    stats,
    { ribAttributes: PATH_ATTRIBUTES },
  );
}
