import type { MetricFamily, MetricSample } from '../metrics/index.js';
import type { Destination, RowProxyMetrics } from './metrics.js';

const DESTINATIONS: readonly Destination[] = ['main', 'shadow', 'local'];

/**
 * The proxy's counters as metric families: RPCs and payload bytes by client procedure and
 * by destination (main / shadow / answered by the proxy) — the paper's Figure 5 and 4.3.
 */
export function rowProxyMetricFamilies(snapshot: RowProxyMetrics): MetricFamily[] {
  const calls: MetricSample[] = [];
  const bytes: MetricSample[] = [];
  const clientCalls: MetricSample[] = [];
  for (const [procedure, counts] of Object.entries(snapshot.procedures)) {
    clientCalls.push({ labels: { procedure }, value: counts.calls });
    for (const destination of DESTINATIONS) {
      calls.push({ labels: { procedure, destination }, value: counts[destination].calls });
      bytes.push({ labels: { procedure, destination }, value: counts[destination].bytes });
    }
  }
  return [
    { name: 'rowboot_proxy_client_calls_total', help: 'NFSv3 calls from diskless clients, by procedure', type: 'counter', samples: clientCalls },
    { name: 'rowboot_proxy_upstream_calls_total', help: 'RPCs by client procedure and destination (main, shadow, local = answered by the proxy)', type: 'counter', samples: calls },
    { name: 'rowboot_proxy_payload_bytes_total', help: 'READ/WRITE payload bytes by client procedure and destination', type: 'counter', samples: bytes },
    { name: 'rowboot_proxy_jukebox_total', help: 'calls answered NFS3ERR_JUKEBOX because an upstream did not answer in time', type: 'counter', samples: [{ labels: {}, value: snapshot.jukebox }] },
    { name: 'rowboot_proxy_failures_total', help: 'calls that failed inside the proxy', type: 'counter', samples: [{ labels: {}, value: snapshot.failures }] },
    { name: 'rowboot_proxy_sessions', help: 'client sessions known to the proxy', type: 'gauge', samples: [{ labels: {}, value: snapshot.sessions }] },
    { name: 'rowboot_proxy_cached_handles', help: 'handle-table rows held in memory', type: 'gauge', samples: [{ labels: {}, value: snapshot.cachedHandles }] },
    { name: 'rowboot_proxy_read_ahead_hits_total', help: 'client READs answered by a main READ fetched ahead of them', type: 'counter', samples: [{ labels: {}, value: snapshot.readAhead.hits }] },
    { name: 'rowboot_proxy_read_ahead_wasted_bytes_total', help: 'main bytes fetched ahead and never asked for', type: 'counter', samples: [{ labels: {}, value: snapshot.readAhead.wastedBytes }] },
  ];
}

/** A few lines for a log at exit: totals, then the busiest procedures with their split. */
export function formatRowProxySummary(snapshot: RowProxyMetrics): string[] {
  const { totals } = snapshot;
  const lines = [
    `calls ${totals.calls}: main ${totals.main.calls} RPCs / ${totals.main.bytes} B, shadow ${totals.shadow.calls} RPCs / ${totals.shadow.bytes} B, local ${totals.local.calls}`,
  ];
  if (snapshot.readAhead.hits > 0 || snapshot.readAhead.wastedReads > 0) {
    lines.push(`read-ahead: ${snapshot.readAhead.hits} READs answered ahead, ${snapshot.readAhead.wastedReads} fetched in vain (${snapshot.readAhead.wastedBytes} B)`);
  }
  const busiest = Object.entries(snapshot.procedures)
    .filter(([, counts]) => counts.calls > 0)
    .sort(([, a], [, b]) => b.calls - a.calls);
  for (const [procedure, counts] of busiest) {
    lines.push(`  ${procedure.padEnd(11)} ${String(counts.calls).padStart(8)}  main ${counts.main.calls}/${counts.main.bytes} B  shadow ${counts.shadow.calls}/${counts.shadow.bytes} B  local ${counts.local.calls}`);
  }
  return lines;
}
