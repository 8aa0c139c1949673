/**
 * `row gateway`'s composition root (paper 002, Figure 3): on one host-only link it runs the
 * PXE DHCP server (+ nftables guard, + radvd's minimal RA), the read-only TFTP server with a
 * generated `pxelinux.cfg/01-<mac>` per client, portmap on 111 and the ROW-FS proxy on 2049
 * over the read-only image server (main) and an embedded shadow. Each client's ROW session
 * is keyed by its MAC through the DHCP leases.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DhcpGuard, DhcpStats, LeaseInfo, RouterAdvertiser } from '../boot/dhcp/index.js';
import { DhcpServer, installDhcpGuard, startRouterAdvertiser } from '../boot/dhcp/index.js';
import type { TftpCounters } from '../boot/tftp/index.js';
import { TftpServer } from '../boot/tftp/index.js';
import type { MetricsEndpoint } from '../metrics/index.js';
import { startMetricsEndpoint } from '../metrics/index.js';
import type { ConnectedUpstream, RowProxy, RowProxyMetrics } from '../rowfs/index.js';
import { connectUpstream, rowProxyMetricFamilies, startRowProxy } from '../rowfs/index.js';
import type { GatewayConfig } from './config.js';
import { DEFAULT_NFS_PORT, DEFAULT_PORTMAP_PORT } from './config.js';
import { openEmbeddedShadow } from './embedded-shadow.js';
import { GatewayStartError } from './errors.js';
import { notingClients, startImageMain, type ImageMain, type ImageMainStatus } from './image-main.js';
import type { GatewayLogger } from './logger.js';
import { prefixedLogger, silentGatewayLogger } from './logger.js';
import { dhcpMetricFamilies, imageMetricFamilies, tftpMetricFamilies } from './metric-families.js';
import { startPortmapServer } from './portmap-server.js';
import { pxelinuxVirtualFiles } from './pxelinux-config.js';
import { macSessionKey } from './session-key.js';

/**
 * The gateway's proxy does not read ahead unless asked (`--read-ahead N`): a booting kernel
 * pages binaries in out of order and already reads ahead itself, so fetches made ahead of it
 * were mostly wasted (issue 4's bench: 1.21-1.39x the distinct bytes the guest read, 1.00x
 * without). `row proxy` keeps its default for sequential readers.
 */
const GATEWAY_READ_AHEAD_DEPTH = 0;

/** Ethernet MTU 1500 minus IPv4 (20), UDP (8) and TFTP (4) headers: no IP fragments. */
const TFTP_MAX_BLKSIZE = 1468;

export interface GatewayOptions {
  logger?: GatewayLogger;
}

export interface Gateway {
  readonly config: GatewayConfig;
  /** NFS v3 + MOUNT v3 (+ portmap) of the proxy, TCP and UDP. */
  readonly nfsPort: number;
  readonly portmapPort: number;
  readonly tftpPort: number;
  /** The MOUNT path clients use: the main export's path. */
  readonly exportPath: string;
  readonly mainName: string;
  readonly shadowName: string;
  /** The metrics endpoint's port, when `metrics` is configured. */
  readonly metricsPort: number | undefined;
  /** radvd's PID, when router advertisements run. */
  readonly routerAdvertiserPid: number | undefined;
  /** The gateway's public key, when main is an image from the DHT. */
  readonly gatewayKey: Buffer | undefined;
  /** The image main's state (server in use, failovers, users entry); undefined with a plain-TCP main. */
  imageStatus(): ImageMainStatus | undefined;
  proxyMetrics(): RowProxyMetrics;
  dhcpStats(): DhcpStats;
  tftpCounters(): TftpCounters;
  leases(): LeaseInfo[];
  /** Stops every service in reverse start order; the state stays on disk. Idempotent. */
  close(): Promise<void>;
}

type Closer = () => Promise<void>;

async function closeAll(closers: Closer[], logger: GatewayLogger): Promise<void> {
  for (const close of closers.splice(0).reverse()) {
    await close().catch((error: unknown) => logger.warn(`while stopping: ${(error as Error).message}`));
  }
}

async function step<T>(service: string, what: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message + (cause.cause instanceof Error ? `: ${cause.cause.message}` : '') : String(cause);
    throw new GatewayStartError(service, `${what}: ${reason}`, { cause });
  }
}

/** Main over plain TCP (`main`), or an image from the DHT over the overlay (`image`). */
async function connectMain(config: GatewayConfig, logger: GatewayLogger): Promise<{ main: ConnectedUpstream; image: ImageMain | undefined }> {
  if (config.image !== undefined) {
    const source = config.image;
    const image = await step('image', `cannot use ${source.name}${source.version === undefined ? '' : `@v${source.version}`} from the DHT`, () =>
      startImageMain(source, { stateDir: config.stateDir, deadlineMs: config.upstreamDeadlineMs, logger: prefixedLogger(logger, 'image') }),
    );
    return { main: image.upstream, image };
  }
  const address = config.main;
  if (address === undefined) throw new GatewayStartError('main', 'neither main nor image is configured');
  const main = await step('main', `cannot reach ${address.host}:${address.port}:${address.exportPath} (is the image server up? give main-mount-port if it has no portmapper)`, () =>
    connectUpstream({ ...address, role: 'main', deadlineMs: config.upstreamDeadlineMs, logger: prefixedLogger(logger, 'main') }),
  );
  return { main, image: undefined };
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? silentGatewayLogger;
  const closers: Closer[] = [];
  try {
    mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });

    const { main, image } = await connectMain(config, logger);
    closers.push(() => main.close());
    const shadow = await step('shadow', `cannot open ${config.shadowDir}`, () => openEmbeddedShadow(config.shadowDir, config.stateDir));
    closers.push(() => shadow.close());

    // Created before the proxy so its session keys can read the leases; it listens later.
    const dhcp = new DhcpServer({
      serverAddress: config.address,
      prefixLength: config.prefixLength,
      range: config.dhcpRange,
      leaseTimeSeconds: config.leaseTimeSeconds,
      leaseFile: join(config.stateDir, 'dhcp-leases.json'),
      logger: prefixedLogger(logger, 'dhcp'),
      onLeaseChange: (event) => logger.info(`dhcp: ${event.type} ${event.lease.address} to ${event.lease.mac}`),
    });

    const proxy: RowProxy = await step('nfs', `cannot serve NFS on ${config.address}:${config.nfsPort}`, () =>
      startRowProxy({
        listenHost: config.address,
        listenPort: config.nfsPort,
        main,
        shadow,
        stateDir: image?.rowfsStateDir ?? join(config.stateDir, 'rowfs'),
        blockSize: config.blockSize,
        readAheadDepth: config.readAheadDepth ?? GATEWAY_READ_AHEAD_DEPTH,
        sessionKeyOf: notingClients(macSessionKey((address) => dhcp.leaseByAddress(address)), image),
        logger: prefixedLogger(logger, 'nfs'),
      }),
    );
    closers.push(() => proxy.close());

    const portmap = await step('portmap', `cannot serve portmap on ${config.address}:${config.portmapPort}`, () =>
      startPortmapServer({ host: config.address, port: config.portmapPort, nfsPort: proxy.port, logger: prefixedLogger(logger, 'portmap') }),
    );
    closers.push(() => portmap.close());

    const tftpLogger = prefixedLogger(logger, 'tftp');
    const tftp = new TftpServer({
      root: config.tftpRoot,
      host: config.address,
      maxBlksize: TFTP_MAX_BLKSIZE,
      // The kernel finds NFS and MOUNT through portmap unless they moved off the standard ports.
      virtualFiles: pxelinuxVirtualFiles(
        {
          serverAddress: config.address,
          exportPath: main.exportPath,
          nfsPort: proxy.port === DEFAULT_NFS_PORT && portmap.port === DEFAULT_PORTMAP_PORT ? undefined : proxy.port,
          extraArgs: config.kernelArgs,
        },
        (mac, client) => logger.info(`tftp: pxelinux.cfg for ${mac} to ${client.address}`),
      ),
      logger: tftpLogger,
      onTransferEnd: (summary) =>
        tftpLogger.debug(`${summary.outcome} ${summary.path} to ${summary.client.address}`, { size: summary.size, blksize: summary.blksize, ms: Math.round(summary.durationMs) }),
    });
    await step('tftp', `cannot serve TFTP from ${config.tftpRoot} on ${config.address}`, () => tftp.listen());
    closers.push(() => tftp.close());

    if (config.dhcpGuard) {
      const guard: DhcpGuard = await step('dhcp-guard', `cannot keep DHCP on ${config.interface} (give dhcp-guard false to run without it)`, () =>
        installDhcpGuard({ interface: config.interface }),
      );
      closers.push(() => guard.remove());
    }
    await step('dhcp', `cannot serve DHCP on ${config.address}`, () => dhcp.listen());
    closers.push(() => dhcp.close());

    let advertiser: RouterAdvertiser | undefined;
    if (config.routerAdvertisements) {
      // Only a speed-up (iPXE skips its 16 s IPv6 wait): the gateway still works without it.
      try {
        advertiser = await startRouterAdvertiser({ interface: config.interface, logger: prefixedLogger(logger, 'radvd') });
        const running = advertiser;
        closers.push(() => running.stop());
      } catch (error) {
        logger.warn(`radvd: not running, PXE clients wait ~16 s for IPv6 autoconfiguration: ${(error as Error).message}`);
      }
    }

    let endpoint: MetricsEndpoint | undefined;
    if (config.metrics) {
      const { host, port } = config.metrics;
      endpoint = await step('metrics', `cannot serve metrics on ${host}:${port}`, () =>
        startMetricsEndpoint(host, port, [
          () => rowProxyMetricFamilies(proxy.metrics()),
          () => dhcpMetricFamilies(dhcp.stats),
          () => tftpMetricFamilies(tftp.counters()),
          () => (image === undefined ? [] : imageMetricFamilies(image.status())),
        ]),
      );
      const running = endpoint;
      closers.push(() => running.close());
    }

    let closing: Promise<void> | undefined;
    return {
      config,
      nfsPort: proxy.port,
      portmapPort: portmap.port,
      tftpPort: tftp.port,
      exportPath: main.exportPath,
      mainName: main.name,
      shadowName: shadow.name,
      metricsPort: endpoint?.port,
      routerAdvertiserPid: advertiser?.pid,
      gatewayKey: image?.publicKey,
      imageStatus: () => image?.status(),
      proxyMetrics: () => proxy.metrics(),
      dhcpStats: () => dhcp.stats,
      tftpCounters: () => tftp.counters(),
      leases: () => dhcp.leases(),
      close: () => (closing ??= closeAll(closers, logger)),
    };
  } catch (error) {
    await closeAll(closers, logger);
    throw error;
  }
}
