/**
 * The portability index from a live routing state, as a pipeline sink: at each UTC midnight
 * (by event time, so a replay of old data is dated like the data) the day that ended is
 * measured from the state as it stood before the first event of the new day; during a day a
 * provisional index of that day is computed every `provisionalSeconds` of event time, and one
 * more when the run stops. Later builds of a day replace earlier ones (store: latest wins).
 * The state is copied at that moment (synchronously: the next event must not move it first); the
 * index is computed from the copy on a worker thread (daily-worker.ts), as a build held the main
 * thread, and with it /metrics, /healthz and the pipeline, for seconds.
 */
import { log } from '../../common/log.js';
import type { PortabilityIndex, RoutedFilters } from '../models/accounting.js';
import type { RegistryFileInfo } from '../models/registry.js';
import type { RouteEvent } from '../../collector/models/route-event.js';
import type { PipelineSink } from '../pipeline/sink.js';
import type { AgreementWalk } from '../geo/agreement.js';
import type { RegisteredSpace } from './account.js';
import type { GeoWalk } from './placement.js';
import { buildHere, IndexWorker, snapshotRoutes, workerCanUse, type BuildRequest } from './daily-worker.js';
import { utcDay } from '../../common/time.js';
import type { RouteTable } from './routed.js';

export interface DailyIndexOptions {
  table: RouteTable & { size(): { peers: number; pairs: number }; counters: { events: number } };
  /** The registry and geo data in use now; null while they are not loaded (no index then). */
  analysis: () => { registry: RegisteredSpace & { files(): RegistryFileInfo[] }; geo: GeoWalk; agreement?: AgreementWalk } | null;
  filters: RoutedFilters;
  /** Stores one index (the store's writePortabilityIndex). */
  write: (index: PortabilityIndex) => Promise<unknown>;
  /** Name of the source, for the index's params. */
  sourceName: string;
  /** Seconds of event time between provisional indexes of the current day; 0 for none. */
  provisionalSeconds: number;
  /** Compute on a worker thread (default); false: on the calling thread. */
  worker?: boolean;
}

const DAY = 86_400;

export class DailyIndexer implements PipelineSink {
  readonly name = 'portability index';
  /** Start (seconds) of the UTC day being observed; null before the first event. */
  private dayStart: number | null = null;
  private latest = 0;
  private lastProvisional = 0;
  /** Built but not yet stored (the store was down): retried at the next build and at close. */
  private unwritten: PortabilityIndex[] = [];
  private writing: Promise<void> = Promise.resolve();
  readonly counters = { built: 0, stored: 0, writeFailures: 0, skippedNoRegistry: 0, builtHere: 0 };
  private readonly worker: IndexWorker | null;

  constructor(private readonly opts: DailyIndexOptions) {
    this.worker = opts.worker === false ? null : new IndexWorker();
  }

  beforeEvent(event: RouteEvent): void {
    const t = event.timestamp;
    const start = t - (((t % DAY) + DAY) % DAY);
    if (this.dayStart === null) {
      this.dayStart = start;
      this.lastProvisional = t;
    } else if (start > this.dayStart) {
      this.build(); // the day that ended, from the state before this event
      this.dayStart = start;
      this.lastProvisional = t;
    } else if (this.opts.provisionalSeconds > 0 && t - this.lastProvisional >= this.opts.provisionalSeconds) {
      this.build();
      this.lastProvisional = t;
    }
    if (t > this.latest) this.latest = t;
  }

  /** The current day's index from the state as it is now (the last build of a stopping run). */
  async close(): Promise<void> {
    if (this.dayStart !== null) this.build();
    await this.writing;
    await this.worker?.close();
  }

  async flush(): Promise<void> {
    await this.writing;
  }

  private build(): void {
    const analysis = this.opts.analysis();
    if (!analysis || this.dayStart === null) {
      this.counters.skippedNoRegistry++;
      log.warn({ day: this.dayStart === null ? null : utcDay(this.dayStart) }, 'portability index not built: the registry and geo data are not loaded');
      return;
    }
    const size = this.opts.table.size();
    const copyStarted = performance.now();
    const req: BuildRequest = {
      snapshot: snapshotRoutes(this.opts.table, size.pairs),
      registry: analysis.registry,
      geo: analysis.geo,
      filters: this.opts.filters,
      date: utcDay(this.dayStart),
      snapshotAt: Math.max(this.latest, this.dayStart),
      source: { kind: 'live', files: [this.opts.sourceName], peers: size.peers, elements: this.opts.table.counters.events },
      agreement: analysis.agreement,
    };
    // The only part that holds the thread: the copy of the routes.
    const copyMs = Math.round(performance.now() - copyStarted);
    this.writing = this.writing
      .then(async () => {
        const started = Date.now();
        const index = await this.compute(req);
        this.counters.built++;
        log.info({ date: index.date, snapshot_at: index.params.snapshot_at, ms: Date.now() - started, copy_ms: copyMs }, 'portability index built');
        this.unwritten.push(index);
        await this.store();
      })
      .catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err), date: req.date }, 'portability index not built'));
  }

  /** On the worker when it can open the same data; here when it cannot or fails (same figures, the thread held). */
  private async compute(req: BuildRequest): Promise<PortabilityIndex> {
    if (this.worker && workerCanUse(req)) {
      try {
        return await this.worker.build(req);
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err), date: req.date }, 'portability index worker failed; building on the main thread');
      }
    }
    this.counters.builtHere++;
    return buildHere(req);
  }

  private async store(): Promise<void> {
    while (this.unwritten.length) {
      const index = this.unwritten[0];
      try {
        await this.opts.write(index);
      } catch (err) {
        this.counters.writeFailures++;
        log.error({ err: err instanceof Error ? err.message : String(err), date: index.date, pending: this.unwritten.length }, 'portability index not stored; kept and retried at the next build');
        return;
      }
      this.unwritten.shift();
      this.counters.stored++;
    }
  }
}
