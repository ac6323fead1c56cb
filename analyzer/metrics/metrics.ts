/**
 * Prometheus metrics for `portolan run` and `portolan serve` (prom-client).
 *
 * Two kinds of values:
 * - pushed: the metrics sink counts findings and lifecycle events as they pass;
 * - pulled: counters and gauges owned by other modules (source, store writer, alerting) are read
 *   at scrape time through `observe*` functions, so those modules stay free of metrics code and
 *   a scrape always shows their current numbers.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SourceStats } from '../../collector/sources/source.js';
import type { AlertingStats } from '../alerts/index.js';
import type { WriterStats } from '../store/writer.js';

export type StatsReader<T> = () => T;

export interface Metrics {
  readonly registry: Registry;
  /** Route events through the pipeline, by elem_type (announce/withdraw). */
  readonly events: Counter<'elem_type'>;
  /** Classified announcements carrying each mismatch kind (one event can count for several kinds). */
  readonly findings: Counter<'kind'>;
  /** Lifecycle events by type (finding-started, finding-ended, origin-changed). */
  readonly lifecycle: Counter<'type'>;
  /** Store insert round trips, in seconds (fed by `recordInsert`). */
  readonly insertSeconds: Histogram<'table'>;
  /** Reads the source's counters (messages, elements, reconnects, drops, lag) at scrape time; several sources add up. */
  observeSource(read: StatsReader<SourceStats>): void;
  /** Reads the store writer's counters (batches, spool depth, rejected rows…) at scrape time. */
  observeWriter(read: StatsReader<WriterStats>): void;
  /** Reads the alerting counters (deliveries by channel and outcome) at scrape time. */
  observeAlerts(read: StatsReader<AlertingStats>): void;
  /** One insert round trip of `rows` rows into `table` that took `seconds`. */
  recordInsert(seconds: number, table?: string): void;
  /**
   * Runs `flush` before each scrape: a pusher that counts in plain numbers on its hot path (an
   * `inc` with labels hashes them every call) moves its counts into its counters then.
   */
  onScrape(flush: () => void): void;
  /** When the last insert succeeded (ms since 1970), null before the first: evidence the store answers, for /healthz. */
  lastInsertAt(): number | null;
  /** The Prometheus text exposition. */
  scrape(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC); default true. */
  processMetrics?: boolean;
}

const sum = <T>(readers: StatsReader<T>[], pick: (s: T) => number | undefined): number =>
  readers.reduce((acc, read) => acc + (pick(read()) ?? 0), 0);

/** Sets a counter to an absolute value that another module keeps (reset + inc keeps the counter type). */
function setCounter<L extends string>(c: Counter<L>, value: number, labels?: Partial<Record<L, string>>): void {
  const v = Number.isFinite(value) && value > 0 ? value : 0;
  if (labels) c.inc(labels, v);
  else c.inc(v);
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  let lastInsert: number | null = null;
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const sources: StatsReader<SourceStats>[] = [];
  const writers: StatsReader<WriterStats>[] = [];
  const alerting: StatsReader<AlertingStats>[] = [];
  const registers = [registry];
  const flushers: Array<() => void> = [];

  /** A counter whose value is the sum over `readers`, read at scrape time. */
  const liveCounter =
    <T>(readers: StatsReader<T>[]) =>
    (name: string, help: string, pick: (s: T) => number | undefined) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          setCounter(this, sum(readers, pick));
        },
      });
  const sourceCounter = liveCounter(sources);
  const writerCounter = liveCounter(writers);
  const writerGauge = (name: string, help: string, pick: (s: WriterStats) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(sum(writers, pick));
      },
    });

  sourceCounter('portolan_messages_total', 'Messages read from the sources (RIS Live frames, JSONL lines, MRT records)', (s) => s.messages);
  sourceCounter('portolan_elements_total', 'Route events (one prefix in one message) produced by the sources', (s) => s.elements);
  sourceCounter('portolan_source_errors_total', 'Bad input found and skipped by the sources', (s) => s.errors);
  sourceCounter('portolan_reconnects_total', 'Reconnects of live sources', (s) => s.reconnects);
  sourceCounter('portolan_drops_total', 'Messages a live source dropped under back-pressure', (s) => s.dropped);
  sourceCounter('portolan_peer_downs_total', 'BGP sessions the sources saw go down (MRT state changes out of Established, RIS_PEER_STATE down); the routes each held are withdrawn', (s) => s.peerDowns);
  new Gauge({
    name: 'portolan_feed_lag_seconds',
    help: 'Seconds between now and the newest message of the live feed (the largest over live sources)',
    registers,
    collect() {
      const lags = sources.map((r) => r().lagSeconds).filter((v): v is number => typeof v === 'number');
      this.set(lags.length ? Math.max(...lags) : 0);
    },
  });
  new Gauge({
    name: 'portolan_feed_connected',
    help: '1 when every live source is connected, 0 otherwise (1 without live sources)',
    registers,
    collect() {
      this.set(sources.every((r) => feedConnected(r()) !== false) ? 1 : 0);
    },
  });

  writerCounter('portolan_store_rows_accepted_total', 'Rows given to the store writer', (s) => s.accepted);
  writerCounter('portolan_store_rows_inserted_total', 'Rows the store acknowledged (directly or by spool replay)', (s) => s.inserted);
  writerCounter('portolan_store_insert_batches_total', 'Insert batches the store acknowledged', (s) => s.insertedBatches);
  writerCounter('portolan_store_retried_batches_total', 'Insert batches that needed more than one attempt', (s) => s.retriedBatches);
  writerCounter('portolan_store_failed_attempts_total', 'Failed insert attempts', (s) => s.failedAttempts);
  writerCounter('portolan_store_spooled_rows_total', 'Rows written to the on-disk spool while the store was down', (s) => s.spooledRows);
  writerCounter('portolan_store_replayed_rows_total', 'Spooled rows replayed into the store', (s) => s.replayedRows);
  writerCounter('portolan_store_rejected_rows_total', 'Rows the store rejected as malformed (kept in the spool rejected folder)', (s) => s.rejectedRows);
  writerGauge('portolan_store_spool_depth_rows', 'Rows waiting in the on-disk spool', (s) => s.spoolDepthRows);
  writerGauge('portolan_store_spool_depth_batches', 'Batches waiting in the on-disk spool', (s) => s.spoolDepthBatches);
  writerGauge('portolan_store_pending_rows', 'Rows buffered in memory, not yet sent', (s) => s.pendingRows);
  writerGauge('portolan_store_down', '1 while inserts go to the spool because the store is unreachable', (s) => (s.storeDown ? 1 : 0));

  new Counter({
    name: 'portolan_alert_deliveries_total',
    help: 'Alert deliveries by channel and outcome (sent, retry, dead_letter, lost)',
    labelNames: ['channel', 'outcome'] as const,
    registers,
    collect() {
      this.reset();
      for (const read of alerting) {
        for (const [channel, c] of Object.entries(read().channels)) {
          setCounter(this, c.sent, { channel, outcome: 'sent' });
          setCounter(this, c.retries, { channel, outcome: 'retry' });
          setCounter(this, c.deadLettered, { channel, outcome: 'dead_letter' });
          setCounter(this, c.lost, { channel, outcome: 'lost' });
        }
      }
    },
  });
  new Counter({
    name: 'portolan_alerts_total',
    help: 'Alerts the rules produced (before rate limits)',
    registers,
    collect() {
      this.reset();
      setCounter(this, sum(alerting, (s) => s.alerts));
    },
  });
  new Counter({
    name: 'portolan_alerts_rate_limited_total',
    help: 'Alerts held back by rate limits',
    registers,
    collect() {
      this.reset();
      setCounter(this, sum(alerting, (s) => s.rateLimited));
    },
  });
  new Gauge({
    name: 'portolan_alert_queue_depth',
    help: 'Alerts waiting for delivery, by channel',
    labelNames: ['channel'] as const,
    registers,
    collect() {
      this.reset();
      for (const read of alerting) for (const [channel, c] of Object.entries(read().channels)) this.inc({ channel }, c.queued);
    },
  });

  const events = new Counter({ name: 'portolan_events_total', help: 'Route events through the pipeline, by elem_type', labelNames: ['elem_type'] as const, registers });
  const findings = new Counter({ name: 'portolan_findings_total', help: 'Classified announcements carrying each mismatch kind', labelNames: ['kind'] as const, registers });
  const lifecycle = new Counter({ name: 'portolan_lifecycle_events_total', help: 'Finding lifecycle events by type', labelNames: ['type'] as const, registers });
  const insertSeconds = new Histogram({
    name: 'portolan_store_insert_duration_seconds',
    help: 'Duration of one store insert round trip',
    labelNames: ['table'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });

  return {
    registry,
    events,
    findings,
    lifecycle,
    insertSeconds,
    observeSource: (read) => void sources.push(read),
    observeWriter: (read) => void writers.push(read),
    observeAlerts: (read) => void alerting.push(read),
    recordInsert: (seconds, table = 'route_events') => {
      insertSeconds.observe({ table }, seconds);
      lastInsert = Date.now();
    },
    lastInsertAt: () => lastInsert,
    onScrape: (flush) => void flushers.push(flush),
    scrape: () => {
      for (const flush of flushers) flush();
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
}

/** Whether a source says it is connected: RIS Live puts `connected` in its detail; file sources say nothing (undefined). */
export function feedConnected(s: SourceStats): boolean | undefined {
  const c = s.detail?.connected;
  return typeof c === 'boolean' ? c : undefined;
}
