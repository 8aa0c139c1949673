/**
 * What the gateway's metrics endpoint (`row gateway --metrics`, /metrics.json) says about the
 * ROW-FS proxy (the paper's Figure 5 and Section 4.3): client calls by procedure, and RPCs
 * and READ/WRITE payload bytes by destination. The lab reads it with curl inside the gateway's
 * namespace, which nothing outside the namespace can reach.
 */
import type { MetricFamily } from '../../metrics/index.js';
import { LabError } from './errors.js';
import { runCommand } from './run-command.js';

/** Metric names of src/rowfs/metric-families.ts. */
export const ProxyMetricName = {
  CLIENT_CALLS: 'rowboot_proxy_client_calls_total',
  UPSTREAM_CALLS: 'rowboot_proxy_upstream_calls_total',
  PAYLOAD_BYTES: 'rowboot_proxy_payload_bytes_total',
  READ_AHEAD_HITS: 'rowboot_proxy_read_ahead_hits_total',
  READ_AHEAD_WASTED_BYTES: 'rowboot_proxy_read_ahead_wasted_bytes_total',
} as const;

/** The procedure whose shadow payload is what was written (client data and block fills). */
const WRITE_PROCEDURE = 'WRITE';
const FETCH_TIMEOUT_MS = 10_000;

export interface GatewayFigures {
  /** NFS calls from the clients, by procedure (only those with calls). */
  clientCalls: Record<string, number>;
  totalClientCalls: number;
  /** RPCs to the image server and the READ payload that went on to the clients. */
  main: { calls: number; bytes: number };
  /**
   * Main READs fetched ahead of sequential readers: client READs they answered, and bytes
   * fetched but never asked for (counted when the proxy drops a window, so a lower bound).
   */
  readAhead: { hits: number; wastedBytes: number };
  /** RPCs to the shadow; `writtenBytes` = WRITE payload written there. */
  shadow: { calls: number; bytes: number; writtenBytes: number };
  /** Client calls the proxy answered without an upstream RPC. */
  localCalls: number;
}

function samplesOf(families: readonly MetricFamily[], name: string): MetricFamily['samples'] {
  return families.find((family) => family.name === name)?.samples ?? [];
}

export function gatewayFigures(families: readonly MetricFamily[]): GatewayFigures {
  const figures: GatewayFigures = {
    clientCalls: {},
    totalClientCalls: 0,
    main: { calls: 0, bytes: 0 },
    readAhead: { hits: 0, wastedBytes: 0 },
    shadow: { calls: 0, bytes: 0, writtenBytes: 0 },
    localCalls: 0,
  };
  for (const { labels, value } of samplesOf(families, ProxyMetricName.CLIENT_CALLS)) {
    const procedure = labels.procedure ?? '?';
    if (value > 0) figures.clientCalls[procedure] = value;
    figures.totalClientCalls += value;
  }
  for (const { labels, value } of samplesOf(families, ProxyMetricName.UPSTREAM_CALLS)) {
    if (labels.destination === 'main') figures.main.calls += value;
    else if (labels.destination === 'shadow') figures.shadow.calls += value;
    else if (labels.destination === 'local') figures.localCalls += value;
  }
  for (const { labels, value } of samplesOf(families, ProxyMetricName.PAYLOAD_BYTES)) {
    if (labels.destination === 'main') figures.main.bytes += value;
    if (labels.destination === 'shadow') {
      figures.shadow.bytes += value;
      if (labels.procedure === WRITE_PROCEDURE) figures.shadow.writtenBytes += value;
    }
  }
  for (const { value } of samplesOf(families, ProxyMetricName.READ_AHEAD_HITS)) figures.readAhead.hits += value;
  for (const { value } of samplesOf(families, ProxyMetricName.READ_AHEAD_WASTED_BYTES)) figures.readAhead.wastedBytes += value;
  return figures;
}

/** `after - before`, counter by counter (what happened between two snapshots, e.g. one boot). */
export function figuresBetween(before: GatewayFigures, after: GatewayFigures): GatewayFigures {
  const clientCalls: Record<string, number> = {};
  for (const [procedure, calls] of Object.entries(after.clientCalls)) {
    const delta = calls - (before.clientCalls[procedure] ?? 0);
    if (delta > 0) clientCalls[procedure] = delta;
  }
  return {
    clientCalls,
    totalClientCalls: after.totalClientCalls - before.totalClientCalls,
    main: { calls: after.main.calls - before.main.calls, bytes: after.main.bytes - before.main.bytes },
    readAhead: { hits: after.readAhead.hits - before.readAhead.hits, wastedBytes: after.readAhead.wastedBytes - before.readAhead.wastedBytes },
    shadow: {
      calls: after.shadow.calls - before.shadow.calls,
      bytes: after.shadow.bytes - before.shadow.bytes,
      writtenBytes: after.shadow.writtenBytes - before.shadow.writtenBytes,
    },
    localCalls: after.localCalls - before.localCalls,
  };
}

/** GET http://HOST:PORT/metrics.json from inside `netns`. */
export async function fetchGatewayFigures(netns: string, host: string, port: number): Promise<GatewayFigures> {
  const url = `http://${host}:${port}/metrics.json`;
  const { stdout } = await runCommand('ip', ['netns', 'exec', netns, 'curl', '--silent', '--show-error', '--fail', '--max-time', '5', url], { timeoutMs: FETCH_TIMEOUT_MS });
  let families: MetricFamily[];
  try {
    families = JSON.parse(stdout) as MetricFamily[];
  } catch (cause) {
    throw new LabError(`${url} did not return JSON`, { cause });
  }
  if (!Array.isArray(families)) throw new LabError(`${url} did not return a list of metric families`);
  return gatewayFigures(families);
}
