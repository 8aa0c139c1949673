/** Counters, their Prometheus/JSON renderings and the HTTP endpoint that serves them. */
export type { MetricFamily, MetricSample, MetricsSource } from './types.js';
export { LabeledCounter } from './labeled-counter.js';
export { renderPrometheusText } from './prometheus-text.js';
export { startMetricsEndpoint, MetricsEndpointError, type MetricsEndpoint } from './http-endpoint.js';
