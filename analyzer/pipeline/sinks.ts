import type { Alerting } from '../alerts/index.js';
import type { RowWriter } from '../store/index.js';
import type { PipelineSink } from './sink.js';

/** Every event and lifecycle change into the ClickHouse store (batched, spooled when down). */
export function storeSink(writer: RowWriter): PipelineSink {
  return {
    name: 'store',
    onEvent: (event, finding) => writer.writeEvent(event, finding),
    onLifecycle: (events) => {
      // Waits only when the writer asks to (a full queue), so the common case stays synchronous.
      for (let i = 0; i < events.length; i++) {
        const wait = writer.writeLifecycle(events[i]);
        if (wait) return wait.then(async () => {
          for (const e of events.slice(i + 1)) await writer.writeLifecycle(e);
        });
      }
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
