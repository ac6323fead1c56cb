import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceStats } from '../../../collector/sources/source.js';
import type { AlertingStats } from '../../../analyzer/alerts/index.js';
import type { WriterStats } from '../../../analyzer/store/writer.js';
import { createMetrics, createMetricsSink, probeHealth, type HealthInput, type Metrics } from '../../../analyzer/metrics/index.js';
import { event, finding, sample, startOpsServer } from './fixtures.js';

const writerStats = (): WriterStats => ({
  accepted: 1200,
  inserted: 1000,
  insertedBatches: 7,
  retriedBatches: 1,
  failedAttempts: 2,
  spooledRows: 300,
  replayedRows: 100,
  spoolDepthRows: 200,
  spoolDepthBatches: 2,
  rejectedRows: 3,
  pendingRows: 0,
  storeDown: true,
});

const alertStats = (): AlertingStats => ({
  events: 10,
  matched: 8,
  alerts: 5,
  deduped: 1,
  quieted: 0,
  catchUps: 0,
  rateLimited: 2,
  reloads: 0,
  reloadErrors: 0,
  channels: {
    ops: { type: 'webhook', sent: 4, retries: 3, deadLettered: 1, lost: 0, queued: 2, held: 0 },
    mail: { type: 'email', sent: 1, retries: 0, deadLettered: 0, lost: 0, queued: 0, held: 0 },
  },
});

describe('/metrics and /healthz over HTTP', () => {
  let metrics: Metrics;
  let live: SourceStats;
  let health: HealthInput;
  let srv: Awaited<ReturnType<typeof startOpsServer>>;

  beforeAll(async () => {
    metrics = createMetrics();
    live = { messages: 50, elements: 120, errors: 1, dropped: 4, reconnects: 2, peerDowns: 3, lagSeconds: 3.5, detail: { connected: true } };
    metrics.observeSource(() => live);
    metrics.observeSource(() => ({ messages: 5, elements: 10, errors: 0, dropped: 0, reconnects: 0 }));
    metrics.observeWriter(writerStats);
    metrics.observeAlerts(alertStats);
    health = { storeReachable: true, feedConnected: true, lagSeconds: 3.5, maxLagSeconds: 60 };
    srv = await startOpsServer({ metrics, health: () => health });
  });
  afterAll(() => srv.close());

  it('serves Prometheus text with the registry content type', async () => {
    const res = await fetch(`${srv.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metrics.contentType);
    const text = await res.text();
    expect(text).toContain('# TYPE portolan_messages_total counter');
    expect(text).toContain('# TYPE portolan_feed_lag_seconds gauge');
    expect(text).toContain('# TYPE portolan_store_insert_duration_seconds histogram');
    // process metrics from collectDefaultMetrics
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('counts findings by kind and lifecycle events by type through the sink', async () => {
    const sink = createMetricsSink(metrics);
    sink.onEvent!(event('154.80.0.0/16'), finding('154.80.0.0/16', ['geo-out-of-region', 'origin-out-of-region']));
    sink.onEvent!(event('41.0.0.0/16'), finding('41.0.0.0/16', ['origin-out-of-region']));
    sink.onEvent!(event('10.0.0.0/8'), finding('10.0.0.0/8', []));
    sink.onEvent!(event('154.80.0.0/16', 'withdraw'), null);
    const f = finding('154.80.0.0/16', ['geo-out-of-region']);
    sink.onLifecycle!([
      { type: 'finding-started', time: 1, finding: f },
      { type: 'finding-started', time: 2, finding: f },
      { type: 'finding-ended', time: 3, reason: 'withdrawn', finding: f },
    ]);
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    expect(sample(text, 'portolan_findings_total{kind="geo-out-of-region"}')).toBe(1);
    expect(sample(text, 'portolan_findings_total{kind="origin-out-of-region"}')).toBe(2);
    expect(sample(text, 'portolan_findings_total{kind="legacy"}')).toBeUndefined();
    expect(sample(text, 'portolan_events_total{elem_type="announce"}')).toBe(3);
    expect(sample(text, 'portolan_events_total{elem_type="withdraw"}')).toBe(1);
    expect(sample(text, 'portolan_lifecycle_events_total{type="finding-started"}')).toBe(2);
    expect(sample(text, 'portolan_lifecycle_events_total{type="finding-ended"}')).toBe(1);
  });

  it('reads source, writer and alert stats at scrape time', async () => {
    let text = await (await fetch(`${srv.url}/metrics`)).text();
    expect(sample(text, 'portolan_messages_total')).toBe(55);
    expect(sample(text, 'portolan_elements_total')).toBe(130);
    expect(sample(text, 'portolan_reconnects_total')).toBe(2);
    expect(sample(text, 'portolan_drops_total')).toBe(4);
    // The second source reports no peer downs: counted as none.
    expect(sample(text, 'portolan_peer_downs_total')).toBe(3);
    expect(sample(text, 'portolan_feed_lag_seconds')).toBe(3.5);
    expect(sample(text, 'portolan_feed_connected')).toBe(1);
    expect(sample(text, 'portolan_store_insert_batches_total')).toBe(7);
    expect(sample(text, 'portolan_store_spool_depth_rows')).toBe(200);
    expect(sample(text, 'portolan_store_down')).toBe(1);
    expect(sample(text, 'portolan_store_rejected_rows_total')).toBe(3);
    expect(sample(text, 'portolan_alert_deliveries_total{channel="ops",outcome="sent"}')).toBe(4);
    expect(sample(text, 'portolan_alert_deliveries_total{channel="ops",outcome="dead_letter"}')).toBe(1);
    expect(sample(text, 'portolan_alert_deliveries_total{channel="mail",outcome="sent"}')).toBe(1);
    expect(sample(text, 'portolan_alert_queue_depth{channel="ops"}')).toBe(2);

    // live values move between scrapes; counters show the current total, not a sum of scrapes
    live = { ...live, messages: 80, lagSeconds: 9, detail: { connected: false } };
    text = await (await fetch(`${srv.url}/metrics`)).text();
    expect(sample(text, 'portolan_messages_total')).toBe(85);
    expect(sample(text, 'portolan_feed_lag_seconds')).toBe(9);
    expect(sample(text, 'portolan_feed_connected')).toBe(0);
  });

  it('records insert latency in the histogram', async () => {
    metrics.recordInsert(0.02);
    metrics.recordInsert(0.3);
    metrics.recordInsert(0.04, 'finding_events');
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    expect(sample(text, 'portolan_store_insert_duration_seconds_count{table="route_events"}')).toBe(2);
    expect(sample(text, 'portolan_store_insert_duration_seconds_bucket{le="0.025",table="route_events"}')).toBe(1);
    expect(sample(text, 'portolan_store_insert_duration_seconds_sum{table="route_events"}')).toBeCloseTo(0.32);
    expect(sample(text, 'portolan_store_insert_duration_seconds_count{table="finding_events"}')).toBe(1);
  });

  it('answers /healthz 200 when everything passes', async () => {
    health = { storeReachable: true, feedConnected: true, lagSeconds: 3.5, maxLagSeconds: 60 };
    const res = await fetch(`${srv.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', checks: { store: 'ok', feed: 'ok', lag: 'ok' }, reasons: [] });
  });

  it('answers /healthz 503 with every reason', async () => {
    health = { storeReachable: false, feedConnected: false, lagSeconds: 400, maxLagSeconds: 60 };
    const res = await fetch(`${srv.url}/healthz`);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.status).toBe('unhealthy');
    expect(body.checks).toEqual({ store: 'failing', feed: 'failing', lag: 'failing' });
    expect(body.reasons).toEqual(['store unreachable (ping failed)', 'live feed not connected', 'feed lag 400 s exceeds 60 s']);
  });

  it('treats absent checks as not applicable (serve: store only)', async () => {
    health = { storeReachable: true, feedConnected: null, lagSeconds: null, maxLagSeconds: 60 };
    const res = await fetch(`${srv.url}/healthz`);
    expect(res.status).toBe(200);
    expect((await res.json()).checks).toEqual({ store: 'ok', feed: 'n/a', lag: 'n/a' });
  });

  it('leaves other paths to the host server and refuses other methods', async () => {
    expect((await fetch(`${srv.url}/api/summary`)).status).toBe(404);
    const post = await fetch(`${srv.url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${srv.url}/healthz?verbose=1`)).status).toBe(200);
  });
});

describe('probeHealth', () => {
  it('pings the store within a timeout and reads the live source', async () => {
    const hanging = () => new Promise<boolean>(() => {});
    const t0 = Date.now();
    const h = await probeHealth({ ping: hanging, pingTimeoutMs: 100, source: () => ({ messages: 1, elements: 1, errors: 0, dropped: 0, reconnects: 0, lagSeconds: 12, detail: { connected: true } }), maxLagSeconds: 5 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(h).toEqual({ storeReachable: false, feedConnected: true, lagSeconds: 12, maxLagSeconds: 5 });
  });

  it('a failing ping is unreachable; a file source has no feed checks', async () => {
    const h = await probeHealth({ ping: () => Promise.reject(new Error('ECONNREFUSED')), source: () => ({ messages: 1, elements: 1, errors: 0, dropped: 0, reconnects: 0 }) });
    expect(h).toEqual({ storeReachable: false, feedConnected: null, lagSeconds: null, maxLagSeconds: 300 });
    expect(await probeHealth({})).toEqual({ storeReachable: null, feedConnected: null, lagSeconds: null, maxLagSeconds: 300 });
  });

  it('an insert that landed recently answers for the store: no ping waits behind a saturating load', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let pings = 0;
    const busyPing = () => {
      pings++;
      return new Promise<boolean>(() => {}); // queued behind inserts: never answers within the timeout
    };
    // No insert yet: the ping decides (and times out: unreachable).
    expect((await probeHealth({ ping: busyPing, pingTimeoutMs: 50, lastStoreAnswerAt: () => metrics.lastInsertAt() })).storeReachable).toBe(false);
    expect(pings).toBe(1);
    metrics.recordInsert(0.8, 'route_events');
    expect((await probeHealth({ ping: busyPing, pingTimeoutMs: 50, lastStoreAnswerAt: () => metrics.lastInsertAt() })).storeReachable).toBe(true);
    expect(pings).toBe(1);
    // An old insert is no evidence: the ping decides again.
    expect((await probeHealth({ ping: async () => false, lastStoreAnswerAt: () => Date.now() - 60_000 })).storeReachable).toBe(false);
  });
});
