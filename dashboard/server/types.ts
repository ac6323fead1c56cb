import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Finding } from '../../analyzer/models/finding.js';
import type { GeoConsensus, GeoLookup } from '../../analyzer/models/geo.js';
import type { RegistryLookup } from '../../analyzer/models/registry.js';
import type { RovState } from '../../analyzer/models/rpki.js';
import type { AsNameLookup } from '../../analyzer/models/asnames.js';
import type { StorePort } from './store-port.js';
import type { LiveFeed } from './feed.js';

/** What the collector reports about the feed; every field optional so any source can fill what it knows. */
export interface FeedHealth {
  connected: boolean;
  source?: string;
  messagesPerSecond?: number;
  /** Seconds between a message's BGP time and now. */
  lagSeconds?: number | null;
  reconnects?: number;
  /** Messages dropped by the collector (bad input, overflow). */
  drops?: number;
  messages?: number;
  lastMessageAt?: number | null;
  [key: string]: unknown;
}

/** Registry, classifier and geo database, when loaded (a `run` that starts offline loads them later). */
export interface AnalysisParts {
  registry?: RegistryLookup;
  classifier?: {
    describePrefix(prefix: string): Finding;
    /** With RPKI data (`--rpki`): the RFC 6811 state of (prefix, origin). */
    readonly hasRpki?: boolean;
    rov?(prefix: string, origin: number | null): RovState | null;
    /** With several `--geo` databases: each one's answer side by side; null with one. */
    geoOpinions?(prefix: string): GeoConsensus | null;
  };
  geo?: GeoLookup;
}

export interface DashboardDeps extends AnalysisParts {
  store: StorePort;
  /** AS names and countries (`--as-names`, or asn.txt in the cache), when loaded. */
  asNames?: AsNameLookup | null;
  health?: () => FeedHealth;
  feed: LiveFeed;
  startedAt: number;
  /** How long whole-table aggregates are reused (default 5000 ms). */
  cacheTtlMs?: number;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  query: URLSearchParams;
  /** Named groups of the route's pattern, URL-decoded. */
  params: Record<string, string>;
  deps: DashboardDeps;
}

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle(ctx: RouteContext): Promise<void> | void;
}
