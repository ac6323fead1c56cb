import type { Finding } from '../../analyzer/models/finding.js';
import type { LifecycleEvent } from '../../analyzer/models/lifecycle.js';

/** One row of the live feed, as sent to browsers. */
export interface FeedItem {
  /** Sequence number, increasing per server (the SSE event id). */
  id: number;
  type: 'finding' | LifecycleEvent['type'];
  time: number;
  finding: Finding;
  reason?: 'restored' | 'withdrawn';
  previousOriginAsns?: number[];
}

/** What the pipeline may publish: a lifecycle event, or a bare finding. */
export type Publishable = LifecycleEvent | Finding;

export function toFeedItem(id: number, item: Publishable): FeedItem {
  if ('type' in item) {
    const out: FeedItem = { id, type: item.type, time: item.time, finding: item.finding };
    if (item.type === 'finding-ended') out.reason = item.reason;
    if (item.type === 'origin-changed') out.previousOriginAsns = item.previousOriginAsns;
    return out;
  }
  return { id, type: 'finding', time: item.time, finding: item };
}
