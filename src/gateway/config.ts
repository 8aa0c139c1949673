/**
 * The gateway's configuration: one set of keys shared by the config file (JSON) and the
 * flags of `row gateway` (`--dhcp-range` <-> `"dhcp-range"`), so an error can name the key the
 * user wrote. Values may come as text (flags) or as JSON numbers and booleans (file).
 */
import { isAbsolute, join, resolve } from 'node:path';
import { isIPv4 } from 'node:net';
import { parseUpstreamSpec, UpstreamConnectError } from '../rowfs/index.js';
import type { UpstreamAddress } from '../rowfs/index.js';
import { GatewayConfigError } from './errors.js';
import { ImageConfigKey, imageOnlyKeys, resolveImageSourceConfig, type ImageSourceConfig } from './image-config.js';

/** Every key the config file and the flags accept. */
export const GatewayConfigKey = {
  INTERFACE: 'interface',
  ADDRESS: 'address',
  PREFIX_LENGTH: 'prefix-length',
  DHCP_RANGE: 'dhcp-range',
  LEASE_TIME: 'lease-time',
  TFTP_ROOT: 'tftp-root',
  MAIN: 'main',
  MAIN_MOUNT_PORT: 'main-mount-port',
  UPSTREAM_DEADLINE: 'upstream-deadline',
  STATE: 'state',
  SHADOW_DIR: 'shadow-dir',
  BLOCK_SIZE: 'block-size',
  READ_AHEAD: 'read-ahead',
  METRICS: 'metrics',
  KERNEL_ARGS: 'kernel-args',
  NFS_PORT: 'nfs-port',
  PORTMAP_PORT: 'portmap-port',
  DHCP_GUARD: 'dhcp-guard',
  ROUTER_ADVERTISEMENTS: 'router-advertisements',
  ...ImageConfigKey,
} as const;
export type GatewayConfigKey = (typeof GatewayConfigKey)[keyof typeof GatewayConfigKey];

const knownKeys: ReadonlySet<string> = new Set(Object.values(GatewayConfigKey));

/** Raw settings as read from a file or flags, before validation. */
export type GatewaySettings = Partial<Record<GatewayConfigKey, unknown>>;

export interface GatewayConfig {
  /** The host-only interface: the only one DHCP is served on (nftables guard, radvd). */
  interface: string;
  /** Our IPv4 address on it: DHCP server id, TFTP, portmap and NFS/MOUNT all answer here. */
  address: string;
  prefixLength: number;
  dhcpRange: { from: string; to: string };
  leaseTimeSeconds: number | undefined;
  tftpRoot: string;
  /** The read-only image server over plain TCP (`main`); exactly one of `main` and `image` is set. */
  main: UpstreamAddress | undefined;
  /** An appliance found through the DHT and reached over the overlay (`image`, `publisher`, ...). */
  image: ImageSourceConfig | undefined;
  upstreamDeadlineMs: number | undefined;
  stateDir: string;
  /** The embedded shadow server's directory; default `<state>/shadow`. */
  shadowDir: string;
  blockSize: number | undefined;
  /** READs fetched ahead of a sequential reader of an unmodified file (`row proxy --read-ahead`); the gateway default is 0 (off). */
  readAheadDepth: number | undefined;
  metrics: { host: string; port: number } | undefined;
  /** Appended to every client's kernel command line (e.g. `rowboot.test=reboot-once`). */
  kernelArgs: string[];
  /** Default 2049 (NFS v3 and MOUNT v3, so clients need no port options). */
  nfsPort: number;
  /** Default 111, where the kernel client asks for MOUNT's and NFS's ports. */
  portmapPort: number;
  dhcpGuard: boolean;
  routerAdvertisements: boolean;
}

export const DEFAULT_NFS_PORT = 2049;
export const DEFAULT_PORTMAP_PORT = 111;
const DEFAULT_PREFIX_LENGTH = 24;
const MS_PER_SECOND = 1000;
/** Requests in flight ahead of one reader; more only holds more memory per stream. */
const MAX_READ_AHEAD = 64;

function text(key: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new GatewayConfigError(key, `must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function required(settings: GatewaySettings, key: GatewayConfigKey): unknown {
  const value = settings[key];
  if (value === undefined) throw new GatewayConfigError(key, 'is required');
  return value;
}

function integer(key: string, value: unknown, min: number, max: number): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw new GatewayConfigError(key, `must be an integer ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return number;
}

function positiveNumber(key: string, value: unknown): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) {
    throw new GatewayConfigError(key, `must be a positive number, got ${JSON.stringify(value)}`);
  }
  return number;
}

function boolean(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'on' || value === 'yes') return true;
  if (value === 'false' || value === 'off' || value === 'no') return false;
  throw new GatewayConfigError(key, `must be true or false, got ${JSON.stringify(value)}`);
}

function ipv4(key: string, value: unknown): string {
  const address = text(key, value).trim();
  if (!isIPv4(address)) throw new GatewayConfigError(key, `must be an IPv4 address, got ${JSON.stringify(value)}`);
  return address;
}

function directory(key: string, value: unknown): string {
  return resolve(text(key, value));
}

function range(key: string, value: unknown): { from: string; to: string } {
  const raw = text(key, value);
  const parts = raw.split('-');
  if (parts.length !== 2) throw new GatewayConfigError(key, `expected FROM-TO (two IPv4 addresses), got ${JSON.stringify(raw)}`);
  return { from: ipv4(key, parts[0]), to: ipv4(key, parts[1]) };
}

function hostPort(key: string, value: unknown): { host: string; port: number } {
  const raw = text(key, value);
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(raw) ?? /^([^:]+):(\d+)$/.exec(raw);
  if (!match) throw new GatewayConfigError(key, `expected HOST:PORT, got ${JSON.stringify(raw)}`);
  return { host: match[1] ?? '', port: integer(key, match[2], 0, 65535) };
}

function kernelArgs(key: string, value: unknown): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  const args: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string') throw new GatewayConfigError(key, `must be a string or a list of strings, got ${JSON.stringify(item)}`);
    // PXELINUX reads APPEND up to the end of its line.
    if (/[\r\n]/.test(item)) throw new GatewayConfigError(key, 'must not contain line breaks');
    args.push(...item.split(/\s+/).filter((arg) => arg !== ''));
  }
  return args;
}

/** `main` (plain TCP to one NFS server) or `image` (DHT + overlay), never both. */
function upstreamOf(settings: GatewaySettings): { main: UpstreamAddress | undefined; image: ImageSourceConfig | undefined } {
  const K = GatewayConfigKey;
  if (settings[K.MAIN] !== undefined && settings[K.IMAGE] !== undefined) {
    throw new GatewayConfigError(K.IMAGE, 'give either main (HOST:PORT:/export) or image (A[@vN] from the DHT), not both');
  }
  if (settings[K.IMAGE] !== undefined) {
    if (settings[K.MAIN_MOUNT_PORT] !== undefined) throw new GatewayConfigError(K.MAIN_MOUNT_PORT, 'only applies to main, not to image');
    return { main: undefined, image: resolveImageSourceConfig(settings) };
  }
  for (const key of imageOnlyKeys) {
    if (settings[key] !== undefined) throw new GatewayConfigError(key, 'only applies to image (A[@vN] from the DHT), not to main');
  }
  if (settings[K.MAIN] === undefined) throw new GatewayConfigError(K.MAIN, 'is required (or give image A[@vN] with its publisher instead)');
  let main: UpstreamAddress;
  try {
    main = parseUpstreamSpec(text(K.MAIN, settings[K.MAIN]));
  } catch (cause) {
    if (cause instanceof UpstreamConnectError) throw new GatewayConfigError(K.MAIN, cause.message, { cause });
    throw cause;
  }
  if (settings[K.MAIN_MOUNT_PORT] !== undefined) main = { ...main, mountPort: integer(K.MAIN_MOUNT_PORT, settings[K.MAIN_MOUNT_PORT], 1, 65535) };
  return { main, image: undefined };
}

/** Validates raw settings (file merged with flags); throws GatewayConfigError naming the key. */
export function resolveGatewayConfig(settings: GatewaySettings): GatewayConfig {
  for (const key of Object.keys(settings)) {
    if (!knownKeys.has(key)) throw new GatewayConfigError(key, `unknown key (known: ${[...knownKeys].join(', ')})`);
  }
  const K = GatewayConfigKey;
  const iface = text(K.INTERFACE, required(settings, K.INTERFACE));
  if (!/^[A-Za-z0-9_.:-]{1,15}$/.test(iface)) throw new GatewayConfigError(K.INTERFACE, `is not an interface name: ${JSON.stringify(iface)}`);
  const address = ipv4(K.ADDRESS, required(settings, K.ADDRESS));
  const { main, image } = upstreamOf(settings);
  const stateDir = directory(K.STATE, required(settings, K.STATE));
  const optional = <T>(key: GatewayConfigKey, parse: (key: string, value: unknown) => T): T | undefined =>
    settings[key] === undefined ? undefined : parse(key, settings[key]);
  const deadlineSeconds = optional(K.UPSTREAM_DEADLINE, positiveNumber);
  return {
    interface: iface,
    address,
    prefixLength: optional(K.PREFIX_LENGTH, (key, value) => integer(key, value, 8, 30)) ?? DEFAULT_PREFIX_LENGTH,
    dhcpRange: range(K.DHCP_RANGE, required(settings, K.DHCP_RANGE)),
    leaseTimeSeconds: optional(K.LEASE_TIME, (key, value) => integer(key, value, 1, 0xfffffffe)),
    tftpRoot: directory(K.TFTP_ROOT, required(settings, K.TFTP_ROOT)),
    main,
    image,
    upstreamDeadlineMs: deadlineSeconds === undefined ? undefined : deadlineSeconds * MS_PER_SECOND,
    stateDir,
    shadowDir: optional(K.SHADOW_DIR, directory) ?? join(stateDir, 'shadow'),
    blockSize: optional(K.BLOCK_SIZE, (key, value) => integer(key, value, 512, 1024 * 1024)),
    readAheadDepth: optional(K.READ_AHEAD, (key, value) => integer(key, value, 0, MAX_READ_AHEAD)),
    metrics: optional(K.METRICS, hostPort),
    kernelArgs: kernelArgs(K.KERNEL_ARGS, settings[K.KERNEL_ARGS]),
    nfsPort: optional(K.NFS_PORT, (key, value) => integer(key, value, 1, 65535)) ?? DEFAULT_NFS_PORT,
    portmapPort: optional(K.PORTMAP_PORT, (key, value) => integer(key, value, 1, 65535)) ?? DEFAULT_PORTMAP_PORT,
    dhcpGuard: boolean(K.DHCP_GUARD, settings[K.DHCP_GUARD], true),
    routerAdvertisements: boolean(K.ROUTER_ADVERTISEMENTS, settings[K.ROUTER_ADVERTISEMENTS], true),
  };
}

/** Relative directories in a config file are relative to the file, not to the caller's cwd. */
export function anchorSettingsPaths(settings: GatewaySettings, baseDir: string): GatewaySettings {
  const anchored: GatewaySettings = { ...settings };
  for (const key of [GatewayConfigKey.TFTP_ROOT, GatewayConfigKey.STATE, GatewayConfigKey.SHADOW_DIR, GatewayConfigKey.KEY]) {
    const value = anchored[key];
    if (typeof value === 'string' && value !== '' && !isAbsolute(value)) anchored[key] = join(baseDir, value);
  }
  return anchored;
}
