/** The DHCP and TFTP counters as metric families, next to the proxy's (rowProxyMetricFamilies). */
import type { DhcpStats } from '../boot/dhcp/index.js';
import type { TftpCounters } from '../boot/tftp/index.js';
import type { MetricFamily } from '../metrics/index.js';
import type { ImageMainStatus } from './image-main.js';

function numericSamples(values: object, label: string): MetricFamily['samples'] {
  return Object.entries(values)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([name, value]) => ({ labels: { [label]: name }, value }));
}

export function dhcpMetricFamilies(stats: DhcpStats): MetricFamily[] {
  return [{ name: 'rowboot_dhcp_events_total', help: 'DHCP datagrams and replies by kind', type: 'counter', samples: numericSamples(stats, 'event') }];
}

export function tftpMetricFamilies(counters: TftpCounters): MetricFamily[] {
  const { activeTransfers, errorsSent, ...totals } = counters;
  return [
    { name: 'rowboot_tftp_events_total', help: 'TFTP requests, transfers, packets and bytes by kind', type: 'counter', samples: numericSamples(totals, 'event') },
    { name: 'rowboot_tftp_active_transfers', help: 'TFTP transfers running now', type: 'gauge', samples: [{ labels: {}, value: activeTransfers }] },
    {
      name: 'rowboot_tftp_errors_sent_total',
      help: 'TFTP ERROR packets sent by error code',
      type: 'counter',
      samples: Object.entries(errorsSent).map(([code, value]) => ({ labels: { code }, value })),
    },
  ];
}

/** The image main (`image` instead of `main`): servers used and given up, retries, the users-table entry. */
export function imageMetricFamilies(status: ImageMainStatus): MetricFamily[] {
  const events = { ...status.selector, ...status.backend, announcements: status.users.announcements, failedRefreshes: status.users.failedRefreshes };
  return [
    { name: 'rowboot_image_events_total', help: 'Image main: server connects, failovers, unreachable servers, retried and timed-out calls, users-table announcements', type: 'counter', samples: numericSamples(events, 'event') },
    { name: 'rowboot_image_live_clients', help: 'Clients that made a call within the users TTL', type: 'gauge', samples: [{ labels: {}, value: status.users.liveClients }] },
    { name: 'rowboot_image_users_announced', help: '1 while this gateway announces that it uses the image', type: 'gauge', samples: [{ labels: { image: status.image }, value: status.users.announcing ? 1 : 0 }] },
  ];
}
