import type { Alerting } from '../alerts/index.js';
import type { StoreWriter } from '../store/index.js';
import type { PipelineSink } from './sink.js';

/** Every event and lifecycle change into the ClickHouse store (batched, spooled when down). */
export function storeSink(writer: StoreWriter): PipelineSink {
  return {
    name: 'store',
    onEvent: (event, finding) => writer.writeEvent(event, finding),
    onLifecycle: async (events) => {
      for (const e of events) await writer.writeLifecycle(e);
    },
    flush: () => writer.flush(),
    close: () => writer.close(),
  };
}

/** Lifecycle changes to the alert rules; delivery happens in the background. */
export function alertsSink(alerting: Alerting): PipelineSink {
  return {
    name: 'alerts',
    onLifecycle: (events) => alerting.handle(events),
    flush: () => alerting.flush(),
    close: () => alerting.close(),
  };
}
