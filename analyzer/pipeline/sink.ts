import type { RouteEvent } from '../../collector/models/route-event.js';
import type { Finding } from '../models/finding.js';
import type { LifecycleEvent } from '../models/lifecycle.js';

/**
 * Where the pipeline's output goes: the store, alerts, the dashboard's live feed, metrics.
 * Each is a plug-in behind this one interface; a sink implements only what it consumes.
 * A returned promise is back-pressure: the pipeline waits for it before the next event.
 */
export interface PipelineSink {
  readonly name: string;
  /** Before the prefix state applies the event: for snapshots of the state as it stood. */
  beforeEvent?(event: RouteEvent): void;
  /** Every route event, with its classification (null for withdrawals). */
  onEvent?(event: RouteEvent, finding: Finding | null): void | Promise<void>;
  /** Lifecycle changes the event caused (finding started/ended, origin changed). */
  onLifecycle?(events: LifecycleEvent[]): void | Promise<void>;
  flush?(): Promise<void>;
  close?(): Promise<void>;
}
