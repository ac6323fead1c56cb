/** Operations: Prometheus metrics, the metrics sink, /healthz and the HTTP handler for both. */
export { createMetrics, feedConnected, type Metrics, type MetricsOptions, type StatsReader } from './metrics.js';
export { createMetricsSink } from './sink.js';
export { computeHealth, pingWithin, type HealthInput, type HealthBody, type HealthResult, type CheckState } from './health.js';
export { handleOpsRequest, type OpsHandlerDeps } from './http.js';
export { probeHealth, DEFAULT_MAX_LAG_SECONDS, type HealthProbe } from './probe.js';
export { startOpsServer } from './server.js';
