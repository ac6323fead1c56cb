/**
 * The source plug-in interface: anything that yields RouteEvents (RIS Live, MRT files,
 * RIS Live JSONL captures). `portolan run` and `portolan ingest` only see this.
 */
import type { RoutePath } from '../mrt/routes.js';
import type { PeerDown, SourceHooks } from '../models/peer-down.js';
import type { RouteEvent } from '../models/route-event.js';

export interface SourceStats {
  /** Messages (RIS Live frames, JSONL lines, MRT records) read. */
  messages: number;
  /** RouteEvents produced. */
  elements: number;
  /** Bad input found and skipped (malformed frames/lines, undecodable parts, MRT warnings). */
  errors: number;
  /** Messages lost to back-pressure (live sources only). */
  dropped: number;
  /** Reconnects (live sources only). */
  reconnects: number;
  /** BGP sessions seen going down (MRT state changes out of Established, RIS_PEER_STATE `down`): their routes are withdrawn. */
  peerDowns?: number;
  /** Seconds between now and the newest message's timestamp (live sources only). */
  lagSeconds?: number;
  /** Source-specific counters (e.g. the RIS Live client's), for metrics and the dashboard. */
  detail?: Record<string, unknown>;
}

export interface RouteSource {
  /** For logs and the dashboard, e.g. `ris-live wss://…` or `file ris.rrc06.updates…`. */
  readonly name: string;
  /** The events; iterate once. Ends when the source is exhausted or closed. */
  events(hooks?: SourceHooks): AsyncIterable<RouteEvent>;
  stats(): SourceStats;
  /** Stops the source; `events()` ends soon after. */
  close(): Promise<void>;
  /** The same routes as `events()`, in the same order, handed over faster (see RouteVisitor); optional. */
  readRoutes?(visitor: RouteVisitor): Promise<void>;
}

/**
 * For readers of routing state only: RIB entries come as fields, decoded for their path alone
 * (no RouteEvent each, no other attributes); every other route as the event `events()` yields.
 */
export interface RouteVisitor {
  ribEntry(collector: string, prefix: string, peerIp: string, peerAsn: number, pathId: number | undefined, timestamp: number, path: RoutePath): void;
  event(event: RouteEvent): void;
  /** A peer's session went down: its routes are gone (not given: ignored). */
  peerDown?(down: PeerDown): void;
}

export type { SourceHooks };

export const emptySourceStats = (): SourceStats => ({ messages: 0, elements: 0, errors: 0, dropped: 0, reconnects: 0 });
