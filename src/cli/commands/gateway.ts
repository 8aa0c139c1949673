import type { GatewayConfig, GatewayLogger, GatewaySettings } from '../../gateway/index.js';
import { GatewayConfigError, GatewayConfigKey, GatewayStartError, loadGatewaySettings, resolveGatewayConfig, startGateway } from '../../gateway/index.js';
import { formatPublicKey } from '../../registry/index.js';
import { formatRowProxySummary } from '../../rowfs/index.js';
import { BOOTSTRAP_ENV } from '../dht-client.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseFlags } from '../parse-flags.js';
import type { Command } from './command.js';

const usage =
  'row gateway --interface IF --address IP --dhcp-range FROM-TO --tftp-root DIR --state DIR ' +
  '(--main HOST:PORT:/export [--main-mount-port PORT] | --image A[@vN] --publisher PUBKEY [--bootstrap HOST:PORT[,...]] [--key FILE] [--users-ttl SECONDS] [--failover-after SECONDS]) ' +
  '[--config FILE] [--metrics HOST:PORT] [--shadow-dir DIR] [--block-size BYTES] [--read-ahead REQUESTS] [--upstream-deadline SECONDS] ' +
  '[--prefix-length N] [--lease-time SECONDS] [--kernel-args "ARGS"] [--nfs-port P] [--portmap-port P] [--no-dhcp-guard] [--no-router-advertisements] [--verbose]';

/** Flags that carry a config key's value as text (the config file's keys are the same names). */
const valueKeys = [
  GatewayConfigKey.INTERFACE,
  GatewayConfigKey.ADDRESS,
  GatewayConfigKey.PREFIX_LENGTH,
  GatewayConfigKey.DHCP_RANGE,
  GatewayConfigKey.LEASE_TIME,
  GatewayConfigKey.TFTP_ROOT,
  GatewayConfigKey.MAIN,
  GatewayConfigKey.MAIN_MOUNT_PORT,
  GatewayConfigKey.UPSTREAM_DEADLINE,
  GatewayConfigKey.STATE,
  GatewayConfigKey.SHADOW_DIR,
  GatewayConfigKey.BLOCK_SIZE,
  GatewayConfigKey.READ_AHEAD,
  GatewayConfigKey.METRICS,
  GatewayConfigKey.KERNEL_ARGS,
  GatewayConfigKey.NFS_PORT,
  GatewayConfigKey.PORTMAP_PORT,
  GatewayConfigKey.IMAGE,
  GatewayConfigKey.PUBLISHER,
  GatewayConfigKey.BOOTSTRAP,
  GatewayConfigKey.KEY,
  GatewayConfigKey.USERS_TTL,
  GatewayConfigKey.FAILOVER_AFTER,
] as const;

function cliLogger(io: CliIo, verbose: boolean): GatewayLogger {
  const line = (level: string, message: string, details?: Record<string, unknown>): void => {
    const extra = details === undefined ? '' : ` ${JSON.stringify(details, (_key, value: unknown) => (value instanceof Error ? value.message : value))}`;
    io.stderr(`row gateway: ${level}${message}${extra}`);
  };
  return {
    debug: (message, details) => (verbose ? line('', message, details) : undefined),
    info: (message, details) => line('', message, details),
    warn: (message, details) => line('warning: ', message, details),
    error: (message, details) => line('error: ', message, details),
  };
}

function settingsFrom(args: string[]): { settings: GatewaySettings; verbose: boolean } {
  const options = Object.fromEntries(valueKeys.map((key) => [key, { type: 'string' as const }]));
  const { values } = parseFlags(args, {
    ...options,
    config: { type: 'string' },
    'no-dhcp-guard': { type: 'boolean' },
    'no-router-advertisements': { type: 'boolean' },
    verbose: { type: 'boolean' },
  }, usage);
  const raw = values as Record<string, string | boolean | undefined>;
  const file = typeof raw.config === 'string' ? loadGatewaySettings(raw.config) : {};
  const flags: GatewaySettings = {};
  for (const key of valueKeys) if (raw[key] !== undefined) flags[key] = raw[key];
  if (raw['no-dhcp-guard'] === true) flags[GatewayConfigKey.DHCP_GUARD] = false;
  if (raw['no-router-advertisements'] === true) flags[GatewayConfigKey.ROUTER_ADVERTISEMENTS] = false;
  // Flags override the file, key by key; ROW_BOOTSTRAP stands in for a bootstrap given nowhere (as for every DHT command).
  const settings: GatewaySettings = { ...file, ...flags };
  const envBootstrap = process.env[BOOTSTRAP_ENV];
  if (settings.image !== undefined && settings.bootstrap === undefined && envBootstrap !== undefined && envBootstrap.trim() !== '') settings.bootstrap = envBootstrap;
  return { settings, verbose: raw.verbose === true };
}

function resolve(settings: GatewaySettings): GatewayConfig {
  try {
    return resolveGatewayConfig(settings);
  } catch (error) {
    if (error instanceof GatewayConfigError) throw new UsageError(`gateway config ${error.message} (flag --${error.key} or config file key "${error.key}")\nusage: ${usage}`, { cause: error });
    throw error;
  }
}

async function run(args: string[], io: CliIo): Promise<number> {
  let config: GatewayConfig;
  let verbose: boolean;
  try {
    const parsed = settingsFrom(args);
    verbose = parsed.verbose;
    config = resolve(parsed.settings);
  } catch (error) {
    if (error instanceof GatewayConfigError) throw new UsageError(`gateway ${error.message}`, { cause: error });
    throw error;
  }
  let gateway;
  try {
    gateway = await startGateway(config, { logger: cliLogger(io, verbose) });
  } catch (error) {
    if (error instanceof GatewayStartError) throw new UsageError(`row gateway: ${error.message}`, { cause: error });
    throw error;
  }
  try {
    const { from, to } = config.dhcpRange;
    io.stdout(`row gateway: DHCP ${from}-${to} on ${config.interface}; TFTP ${config.tftpRoot} on ${config.address}:${gateway.tftpPort}; portmap on ${config.address}:${gateway.portmapPort}`);
    if (gateway.metricsPort !== undefined) io.stdout(`row gateway: metrics at http://${config.metrics?.host}:${gateway.metricsPort}/metrics (and /metrics.json)`);
    if (gateway.gatewayKey !== undefined) io.stdout(`row gateway: gateway key ${formatPublicKey(gateway.gatewayKey)}; image server ${gateway.imageStatus()?.server ?? 'none yet'}`);
    io.stdout(`row gateway: ${gateway.mainName} -> ${gateway.shadowName}; clients mount ${gateway.exportPath} on ${config.address}:${gateway.nfsPort} (tcp+udp; NFS v3, MOUNT v3, portmap v2)`);
    await new Promise<void>((done) => io.stopSignal.addEventListener('abort', () => done(), { once: true }));
    for (const line of formatRowProxySummary(gateway.proxyMetrics())) io.stdout(`row gateway: ${line}`);
    return 0;
  } finally {
    await gateway.close();
  }
}

export const gatewayCommand: Command = { summary: 'DHCP + TFTP + ROW-FS proxy for diskless PXE clients on one link', usage, run };
