/** RIS Live (or a RIS-Live-compatible replay server) as a RouteSource. */
import type { RouteEvent } from '../models/route-event.js';
import { RisLiveClient, type RisLiveClientOptions } from '../rislive/client.js';
import { JsonlRecorder } from './jsonl-recorder.js';
import type { RouteSource, SourceHooks, SourceStats } from './source.js';

export interface RisLiveSourceOptions extends RisLiveClientOptions {
  /** Also write every received frame to this JSONL file. */
  record?: string;
}

export class RisLiveSource implements RouteSource {
  readonly name: string;
  readonly client: RisLiveClient;
  private readonly recorder: JsonlRecorder | undefined;

  constructor(options: RisLiveSourceOptions = {}) {
    const { record, ...clientOptions } = options;
    this.recorder = record ? new JsonlRecorder(record) : undefined;
    const recorder = this.recorder;
    const onFrame = clientOptions.onFrame;
    this.client = new RisLiveClient({
      ...clientOptions,
      onFrame: recorder || onFrame
        ? (text) => {
            recorder?.write(text);
            onFrame?.(text);
          }
        : undefined,
    });
    this.name = `ris-live ${this.client.url}`;
  }

  /** True while a `shed` consumer should skip the work it can spare. */
  underPressure(): boolean {
    return this.client.underPressure();
  }

  events(hooks?: SourceHooks): AsyncIterable<RouteEvent> {
    return this.client.events(hooks);
  }

  stats(): SourceStats {
    const c = this.client.stats();
    return {
      messages: c.messages,
      elements: c.elements,
      peerDowns: c.peerDowns,
      errors: c.malformed + c.decodeErrors + c.risErrors,
      dropped: c.dropped,
      reconnects: c.reconnects,
      lagSeconds: c.lagSeconds,
      detail: { ...c, overflow: this.client.overflow },
    };
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.recorder?.close();
  }
}
