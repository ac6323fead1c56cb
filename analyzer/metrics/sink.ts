/** The metrics sink: counts route events, findings by kind and lifecycle events as they pass. */
import type { RouteEvent } from '../../collector/models/route-event.js';
import type { Finding } from '../models/finding.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import type { PipelineSink } from '../pipeline/sink.js';
import type { Metrics } from './metrics.js';

/**
 * Counts in plain numbers per label value as events pass, and moves them into the counters at
 * scrape time: prom-client hashes the labels of every `inc`, which cost about 4% of run's main
 * thread at firehose rates when done per event.
 */
export function createMetricsSink(metrics: Metrics): PipelineSink {
  const byType = new Map<string, number>();
  const byKind = new Map<string, number>();
  const byLifecycle = new Map<string, number>();
  const add = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
  metrics.onScrape(() => {
    for (const [elem_type, n] of byType) metrics.events.inc({ elem_type }, n);
    for (const [kind, n] of byKind) metrics.findings.inc({ kind }, n);
    for (const [type, n] of byLifecycle) metrics.lifecycle.inc({ type }, n);
    byType.clear();
    byKind.clear();
    byLifecycle.clear();
  });
  return {
    name: 'metrics',
    onEvent(event: RouteEvent, finding: Finding | null) {
      add(byType, event.elem_type);
      if (finding) for (const kind of finding.kinds) add(byKind, kind);
    },
    onLifecycle(events: LifecycleEvent[]) {
      for (const e of events) add(byLifecycle, e.type);
    },
  };
}
