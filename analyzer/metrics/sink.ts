/** The metrics sink: counts route events, findings by kind and lifecycle events as they pass. */
import type { RouteEvent } from '../../collector/models/route-event.js';
import type { Finding } from '../models/finding.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import type { PipelineSink } from '../pipeline/sink.js';
import type { Metrics } from './metrics.js';

export function createMetricsSink(metrics: Metrics): PipelineSink {
  return {
    name: 'metrics',
    onEvent(event: RouteEvent, finding: Finding | null) {
      metrics.events.inc({ elem_type: event.elem_type });
      if (finding) for (const kind of finding.kinds) metrics.findings.inc({ kind });
    },
    onLifecycle(events: LifecycleEvent[]) {
      for (const e of events) metrics.lifecycle.inc({ type: e.type });
    },
  };
}
