import type { Finding } from './finding.js';

/**
 * One rib_snapshots row: the entries of a RIB dump with the same collector, dump time, prefix,
 * origins and classification, their per-route fields in parallel arrays (one entry per route).
 */
export interface RibSnapshotRow {
  collector: string;
  time: number;
  prefix: string;
  originAsns: number[];
  /** The classification the routes share (null: not classified); their severity and visibility are per route. */
  finding: Finding | null;
  /** Each route's event id (a UInt64) as two 32-bit halves, low then high: two numbers per route, no bigint. */
  eventIdHalves: number[];
  peerIps: string[];
  peerAsns: number[];
  pathIds: number[];
  asPaths: string[];
  nextHops: string[];
  communities: string[][];
  severities: string[];
  visibilities: number[];
}
