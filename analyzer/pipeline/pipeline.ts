import type { PeerDown } from '../../collector/models/peer-down.js';
import type { RouteEvent } from '../../collector/models/route-event.js';
import type { Classifier } from '../classify/index.js';
import { MISMATCH_KINDS, type Finding, type MismatchKind } from '../models/finding.js';
import type { LifecycleEvent } from '../models/lifecycle.js';
import type { PrefixState } from '../state/index.js';
import { log } from '../../common/log.js';
import type { TimeSlicer } from '../../common/time-slice.js';
import type { PipelineSink } from './sink.js';

export interface PipelineCounters {
  events: number;
  announcements: number;
  withdrawals: number;
  /** Events the classifier or state threw on: logged and stored unclassified; the stream goes on. */
  failed: number;
  /** Announcements classified with at least one mismatch kind, by kind. */
  findingsByKind: Record<MismatchKind, number>;
  /** Announcements whose finding has a severity other than 'none'. */
  findings: number;
  lifecycle: Record<LifecycleEvent['type'], number>;
  /** Withdrawals of routes the state did not hold, skipped (not stored) while the source was under pressure (`shed` mode). */
  shed: number;
  /**
   * Peers whose session went down holding routes in this pipeline's state (with `--jobs`, each
   * shard counts those holding routes in its share), and the withdrawals made for those routes
   * (not in `events`).
   */
  peerDowns: number;
  peerDownWithdrawals: number;
}

export interface PipelineOptions {
  /**
   * Overload mode `shed`: true while the source is behind. Withdrawals of routes the state
   * does not hold then change nothing but the store, and are skipped (counted in `shed`).
   */
  shed?: () => boolean;
}

const NO_LIFECYCLE: LifecycleEvent[] = [];

/** After an event's work (or its wait), the slicer's break when one is due. */
const sliced = (wait: Promise<void> | void, slicer: TimeSlicer): Promise<void> | undefined => (wait ? wait.then(() => slicer.tick()) : slicer.tick());

function smallest(values: number[]): number {
  let m = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] < m) m = values[i];
  return m;
}

export const newPipelineCounters = (): PipelineCounters => ({
  events: 0,
  announcements: 0,
  withdrawals: 0,
  failed: 0,
  findingsByKind: Object.fromEntries(MISMATCH_KINDS.map((k) => [k, 0])) as Record<MismatchKind, number>,
  findings: 0,
  lifecycle: { 'finding-started': 0, 'finding-ended': 0, 'origin-changed': 0 },
  shed: 0,
  peerDowns: 0,
  peerDownWithdrawals: 0,
});

/**
 * RouteEvent → classification → prefix state → sinks. Holds no I/O of its own: sources feed
 * `process`, sinks (store, alerts, live feed, metrics) receive the results, and a sink's
 * returned promise is back-pressure on the source.
 */
export class Pipeline {
  readonly counters = newPipelineCounters();

  /**
   * `classifier` is null while no registry is available (e.g. a first start offline): events
   * are then stored unclassified and no findings or lifecycle events are made until
   * `setClassifier` is called.
   */
  constructor(
    private classifier: Classifier | null,
    private readonly state: PrefixState,
    private readonly sinks: PipelineSink[],
    private readonly options: PipelineOptions = {},
  ) {}

  /** Switches to a classifier built on fresh registry/geo data and reclassifies known pairs. */
  async setClassifier(classifier: Classifier, time = Date.now() / 1000): Promise<void> {
    this.classifier = classifier;
    await this.reclassify(time);
  }

  /** The time `classifyNow` classifies at: the event being processed. */
  private now = 0;
  /**
   * The state's last single-origin classification during this event. A new pair's first peer
   * (every event of a RIB dump) is classified by the state with the visibility the event then
   * has, so the event reuses that finding instead of classifying again.
   */
  private lastFinding: Finding | null = null;
  private lastPrefix = '';
  private lastAsn = -1;
  private lastVisibility = -1;

  /** One closure for the whole run (not one per event) for the state's classify callback. */
  private readonly classifyNow = (prefix: string, originAsns: number[], visibility: number): Finding => {
    const finding = this.classifier!.classify({ prefix, originAsns, time: this.now, visibility });
    if (originAsns.length === 1) {
      this.lastFinding = finding;
      this.lastPrefix = prefix;
      this.lastAsn = originAsns[0];
      this.lastVisibility = visibility;
    }
    return finding;
  };

  /** The event's finding: the state's when it classified the same (prefix, origin, visibility) just now. */
  private eventFinding(prefix: string, origins: number[], visibility: number): Finding {
    const last = this.lastFinding;
    if (last && origins.length === 1 && origins[0] === this.lastAsn && visibility === this.lastVisibility && prefix === this.lastPrefix) return last;
    return this.classifyNow(prefix, origins, visibility);
  }

  /**
   * `process`, then the slicer's break when one is due: for a loop over buffered events (a file),
   * a promise only when it must wait (back-pressure or the end of a slice of work), so most events
   * cost no microtask.
   */
  processSliced(event: RouteEvent, slicer: TimeSlicer): Promise<void> | undefined {
    return sliced(this.process(event), slicer);
  }

  /**
   * Returns a promise only when a sink asked to wait (back-pressure); most events are
   * processed synchronously, without a promise and a microtask each.
   */
  process(event: RouteEvent): Promise<void> | void {
    this.counters.events++;
    if (event.elem_type === 'announce') this.counters.announcements++;
    else this.counters.withdrawals++;
    return this.handle(event);
  }

  /**
   * A peer's session went down: each route the state holds from it is withdrawn at that time, as
   * if the peer had sent the withdrawal, so sinks store, count and alert on it as on any other.
   * Every event before it must have been processed (SourceHooks orders them).
   */
  async peerDown(down: PeerDown, slicer?: TimeSlicer): Promise<void> {
    if (!this.classifier) return; // the state is kept only while classifying: it holds no routes
    const before = this.counters.peerDownWithdrawals;
    for (const withdrawal of this.state.withdrawalsOf(down)) {
      this.counters.peerDownWithdrawals++;
      const wait = slicer ? sliced(this.handle(withdrawal), slicer) : this.handle(withdrawal);
      if (wait) await wait;
    }
    if (this.counters.peerDownWithdrawals > before) this.counters.peerDowns++;
  }

  private handle(event: RouteEvent): Promise<void> | void {
    let finding: Finding | null = null;
    let lifecycle: LifecycleEvent[] = NO_LIFECYCLE;
    for (let i = 0; i < this.sinks.length; i++) this.sinks[i].beforeEvent?.(event);
    try {
      if (this.classifier) {
        this.now = event.timestamp;
        this.lastFinding = null;
        const unknownBefore = this.state.counters.withdrawsUnknown;
        lifecycle = this.state.apply(event, this.classifyNow);
        if (event.elem_type !== 'announce') {
          if (this.state.counters.withdrawsUnknown !== unknownBefore && this.options.shed?.()) {
            this.counters.shed++;
            return;
          }
        } else {
          const origins = event.origin_asns ?? [];
          const visibility = origins.length ? this.state.visibility(event.prefix, smallest(origins)) : 0;
          finding = this.eventFinding(event.prefix, origins, visibility);
          this.count(finding);
        }
      }
    } catch (err) {
      this.counters.failed++;
      // The event itself is good data: it is still stored, unclassified.
      log.warn({ err, prefix: event.prefix, peer: event.peer_ip, collector: event.collector }, 'event could not be classified; stored unclassified');
      finding = null;
      lifecycle = NO_LIFECYCLE;
    }
    for (const e of lifecycle) this.counters.lifecycle[e.type]++;
    return this.deliver(event, finding, lifecycle, 0);
  }

  /**
   * Hands the event, then its lifecycle changes, to each sink in order: step 2k is sink k's
   * `onEvent`, step 2k+1 its `onLifecycle`. Synchronous until a sink returns a promise; the
   * remaining steps then run after it (back-pressure without a promise per event).
   */
  private deliver(event: RouteEvent, finding: Finding | null, lifecycle: LifecycleEvent[], from: number): Promise<void> | void {
    for (let step = from; step < this.sinks.length * 2; step++) {
      const sink = this.sinks[step >> 1];
      const pending = step & 1 ? (lifecycle.length ? sink.onLifecycle?.(lifecycle) : undefined) : sink.onEvent?.(event, finding);
      if (pending) return pending.then(() => this.deliver(event, finding, lifecycle, step + 1));
    }
  }

  /** Reclassifies every known pair (after a registry or geo reload) and delivers what changed. */
  async reclassify(time: number): Promise<void> {
    const classifier = this.classifier;
    if (!classifier) return;
    const lifecycle = this.state.reclassifyAll(
      (prefix, originAsns, visibility) => classifier.classify({ prefix, originAsns, time, visibility }),
      time,
    );
    for (const e of lifecycle) this.counters.lifecycle[e.type]++;
    if (!lifecycle.length) return;
    for (const sink of this.sinks) await sink.onLifecycle?.(lifecycle);
  }

  async flush(): Promise<void> {
    for (const sink of this.sinks) await sink.flush?.();
  }

  /** Flushes and closes every sink, in order; one failing sink does not keep the others open. */
  async close(): Promise<void> {
    for (const sink of this.sinks) {
      try {
        await sink.flush?.();
        await sink.close?.();
      } catch (err) {
        log.error({ err, sink: sink.name }, 'sink failed to close cleanly');
      }
    }
  }

  private count(finding: Finding): void {
    for (const kind of finding.kinds) this.counters.findingsByKind[kind]++;
    if (finding.severity !== 'none') this.counters.findings++;
  }
}
