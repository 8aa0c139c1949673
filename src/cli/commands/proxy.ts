import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startMetricsEndpoint, type MetricsEndpoint } from '../../metrics/index.js';
import {
  GatewayConfigError,
  GatewayError,
  imageMetricFamilies,
  notingClients,
  openEmbeddedShadow,
  resolveImageSourceConfig,
  startImageMain,
  type GatewayLogger,
  type ImageMain,
  type ImageSourceConfig,
} from '../../gateway/index.js';
import { formatPublicKey } from '../../registry/index.js';
import {
  connectUpstream,
  defaultSessionKey,
  formatRowProxySummary,
  parseUpstreamSpec,
  rowProxyMetricFamilies,
  startRowProxy,
  type ConnectedUpstream,
  type UpstreamExport,
} from '../../rowfs/index.js';
import { BOOTSTRAP_ENV, describe, expected } from '../dht-client.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseListenAddress } from '../listen-address.js';
import { parseFlags, requireFlag } from '../parse-flags.js';
import type { Command } from './command.js';

const usage =
  'row proxy (--main HOST:PORT:/export | --image A[@vN] --publisher PUBKEY [--bootstrap HOST:PORT[,...]] [--key FILE] [--users-ttl SECONDS] [--failover-after SECONDS]) ' +
  '--listen HOST:PORT --state DIR (--shadow-dir DIR | --shadow HOST:PORT:/export) ' +
  '[--block-size BYTES] [--metrics HOST:PORT] [--main-mount-port PORT] [--shadow-mount-port PORT] [--upstream-deadline SECONDS] [--main-attr-ttl SECONDS] [--read-ahead REQUESTS]';

const MS_PER_SECOND = 1000;

function optionalPort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${flag}: expected a port 1-65535, got '${value}'`);
  return port;
}

/** A numeric flag: > 0, or >= 0 with `allowZero` (0 turns a feature off). */
function numberFlag(value: string | undefined, flag: string, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || (number === 0 && !allowZero)) {
    throw new UsageError(`${flag}: expected a ${allowZero ? 'number >= 0' : 'positive number'}, got '${value}'`);
  }
  return number;
}

async function connect(spec: string, flag: string, role: string, mountPort: number | undefined, deadlineMs: number | undefined): Promise<ConnectedUpstream> {
  let address;
  try {
    address = parseUpstreamSpec(spec);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await connectUpstream({ ...address, mountPort, role, deadlineMs });
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? `: ${((error as Error).cause as Error).message}` : '';
    throw new UsageError(`${flag} ${spec}: ${(error as Error).message}${cause} (is the server up? give --${role}-mount-port if it has no portmapper)`, { cause: error });
  }
}

/** The --image flags through the gateway's validation, so both commands accept the same values. */
function imageSource(values: Record<string, string | boolean | undefined>): ImageSourceConfig {
  const flag = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  try {
    return resolveImageSourceConfig({
      image: flag('image'),
      publisher: flag('publisher'),
      bootstrap: flag('bootstrap') ?? (process.env[BOOTSTRAP_ENV]?.trim() ? process.env[BOOTSTRAP_ENV] : undefined),
      key: flag('key'),
      'users-ttl': flag('users-ttl'),
      'failover-after': flag('failover-after'),
    });
  } catch (error) {
    if (error instanceof GatewayConfigError) throw new UsageError(`--${error.message}\nusage: ${usage}`, { cause: error });
    throw error;
  }
}

function stderrLogger(io: CliIo): GatewayLogger {
  const line = (prefix: string) => (message: string) => io.stderr(`row proxy: ${prefix}${message}`);
  return { debug: () => undefined, info: line(''), warn: line('warning: '), error: line('error: ') };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, {
    main: { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1:2049' },
    state: { type: 'string' },
    'shadow-dir': { type: 'string' },
    shadow: { type: 'string' },
    'block-size': { type: 'string' },
    metrics: { type: 'string' },
    'main-mount-port': { type: 'string' },
    'shadow-mount-port': { type: 'string' },
    'upstream-deadline': { type: 'string' },
    'main-attr-ttl': { type: 'string' },
    'read-ahead': { type: 'string' },
    image: { type: 'string' },
    publisher: { type: 'string' },
    bootstrap: { type: 'string' },
    key: { type: 'string' },
    'users-ttl': { type: 'string' },
    'failover-after': { type: 'string' },
  }, usage);
  if ((values.main === undefined) === (values.image === undefined)) throw new UsageError(`give exactly one of --main HOST:PORT:/export or --image A[@vN]\nusage: ${usage}`);
  const source = values.image === undefined ? undefined : imageSource(values);
  if (source === undefined) {
    for (const flag of ['publisher', 'bootstrap', 'key', 'users-ttl', 'failover-after'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} only applies with --image\nusage: ${usage}`);
    }
  } else if (values['main-mount-port'] !== undefined) throw new UsageError(`--main-mount-port only applies with --main\nusage: ${usage}`);
  const stateDir = resolve(requireFlag(values.state, '--state', usage));
  const listen = parseListenAddress(values.listen ?? '', '--listen');
  if ((values['shadow-dir'] === undefined) === (values.shadow === undefined)) {
    throw new UsageError(`give exactly one of --shadow-dir DIR (embedded shadow server) or --shadow HOST:PORT:/export\nusage: ${usage}`);
  }
  const blockSize = numberFlag(values['block-size'], '--block-size');
  const deadlineSeconds = numberFlag(values['upstream-deadline'], '--upstream-deadline');
  const deadlineMs = deadlineSeconds === undefined ? undefined : deadlineSeconds * MS_PER_SECOND;
  const attrTtlSeconds = numberFlag(values['main-attr-ttl'], '--main-attr-ttl', true);
  const mainAttrTtlMs = attrTtlSeconds === undefined ? undefined : attrTtlSeconds * MS_PER_SECOND;
  const readAheadDepth = numberFlag(values['read-ahead'], '--read-ahead', true);
  if (readAheadDepth !== undefined && !Number.isInteger(readAheadDepth)) throw new UsageError(`--read-ahead: expected a whole number of requests, got '${values['read-ahead']}'`);
  const metricsAddress = values.metrics === undefined ? undefined : parseListenAddress(values.metrics, '--metrics');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });

  const closers: Array<() => Promise<void>> = [];
  try {
    let image: ImageMain | undefined;
    let main: ConnectedUpstream;
    if (source !== undefined) {
      const started = await expected(() => startImageMain(source, { stateDir, deadlineMs, logger: stderrLogger(io) })).catch((error: unknown) => {
        if (error instanceof GatewayError) throw new UsageError(`--image ${values.image}: ${describe(error)}`, { cause: error });
        throw error;
      });
      image = started;
      main = started.upstream;
    } else {
      main = await connect(values.main ?? '', '--main', 'main', optionalPort(values['main-mount-port'], '--main-mount-port'), deadlineMs);
    }
    closers.push(() => main.close());
    let shadow: UpstreamExport;
    if (values['shadow-dir'] !== undefined) {
      const embedded = await openEmbeddedShadow(values['shadow-dir'], stateDir);
      closers.push(() => embedded.close());
      shadow = embedded;
    } else {
      const remote = await connect(values.shadow ?? '', '--shadow', 'shadow', optionalPort(values['shadow-mount-port'], '--shadow-mount-port'), deadlineMs);
      closers.push(() => remote.close());
      shadow = remote;
    }
    let proxy;
    try {
      proxy = await startRowProxy({
        listenHost: listen.host,
        listenPort: listen.port,
        main,
        shadow,
        stateDir: image?.rowfsStateDir ?? stateDir,
        blockSize,
        mainAttrTtlMs,
        readAheadDepth,
        sessionKeyOf: notingClients(defaultSessionKey, image),
      });
    } catch (error) {
      throw new UsageError(`cannot start the proxy on ${values.listen}: ${(error as Error).message}`, { cause: error });
    }
    closers.push(() => proxy.close());
    let endpoint: MetricsEndpoint | undefined;
    if (metricsAddress) {
      const snapshot = proxy;
      const imageMain = image;
      endpoint = await startMetricsEndpoint(metricsAddress.host, metricsAddress.port, [
        () => rowProxyMetricFamilies(snapshot.metrics()),
        () => (imageMain === undefined ? [] : imageMetricFamilies(imageMain.status())),
      ]);
      closers.push(() => endpoint?.close() ?? Promise.resolve());
      io.stdout(`row proxy: metrics at http://${metricsAddress.host}:${endpoint.port}/metrics (and /metrics.json)`);
    }
    if (image !== undefined) io.stdout(`row proxy: gateway key ${formatPublicKey(image.publicKey)}; image server ${image.status().server ?? 'none yet'}`);
    io.stdout(`row proxy: ${main.name} -> ${shadow.name}; clients mount ${main.exportPath} on ${listen.host}:${proxy.port} (tcp+udp; NFS v3, MOUNT v3, portmap v2)`);
    io.stdout(`mount with: mount -t nfs -o vers=3,tcp,nolock,noacl,port=${proxy.port},mountport=${proxy.port} ${listen.host}:${main.exportPath} /mnt`);
    await new Promise<void>((done) => io.stopSignal.addEventListener('abort', () => done(), { once: true }));
    for (const line of formatRowProxySummary(proxy.metrics())) io.stdout(`row proxy: ${line}`);
    return 0;
  } finally {
    for (const close of closers.reverse()) await close().catch((error: unknown) => io.stderr(`row proxy: while stopping: ${(error as Error).message}`));
  }
}

export const proxyCommand: Command = { summary: 'redirect-on-write NFSv3 proxy over a read-only image server', usage, run };
