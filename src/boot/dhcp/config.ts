/** Options of the DHCP responder and server, and their validation (errors name the key). */
import { AddressFormatError, normalizeMac, parseIpv4, prefixMask, sameSubnet } from './address.js';
import type { BootFileChooser } from './boot-file.js';
import { defaultBootFile } from './boot-file.js';
import type { DhcpClient } from './client.js';
import { DhcpPort } from './constants.js';
import { DhcpConfigError } from './errors.js';
import type { LeaseEvent } from './lease.js';
import type { DhcpLogger } from './logger.js';
import { silentDhcpLogger } from './logger.js';
import type { DhcpOptions } from './options.js';

export interface StaticLease {
  mac: string;
  address: string;
  /** Sent as option 12. */
  hostName?: string;
}

/** Extra options for one client (e.g. 17 root path); they override the defaults with the same code. */
export type ClientOptionsHook = (client: DhcpClient, address: string) => DhcpOptions | undefined;

export interface DhcpResponderOptions {
  /** Our address on the host-only link: option 54, the reply source, default next server. */
  serverAddress: string;
  /** Of the host-only subnet; default 24. Sent as option 1 (and 28, the broadcast address). */
  prefixLength?: number;
  /** Dynamic pool, inclusive, inside the subnet. */
  range: { from: string; to: string };
  /** Fixed addresses by MAC; may lie outside the range but inside the subnet. */
  staticLeases?: readonly StaticLease[];
  /** Default 3600. T1/T2 (options 58/59) are 1/2 and 7/8 of it (RFC 2131 section 4.4.5). */
  leaseTimeSeconds?: number;
  /** JSON file the leases persist in (written by atomic rename); in memory only when absent. */
  leaseFile?: string;
  /** Option 3; sent only when given (the host-only link has no default route by default). */
  routers?: readonly string[];
  /** Option 6; sent only when given. */
  dnsServers?: readonly string[];
  /** Option 15; sent only when given. */
  domainName?: string;
  /** siaddr (the TFTP server); default serverAddress. */
  nextServer?: string;
  /** Option 66; default the next server's address as text. */
  tftpServerName?: string;
  /** Boot file per client (BOOTP `file` and option 67); null = no boot information at all. */
  bootFile?: BootFileChooser | null;
  /** Extra options per client, e.g. root path (17) or a kernel command line for the initramfs. */
  clientOptions?: ClientOptionsHook;
  /** Send option 175 with sub-option 176 = 1 to iPXE clients (skips its ProxyDHCP wait). Default true. */
  ipxeNoProxyDhcp?: boolean;
  /** How long a DECLINEd address stays out of the pool; default 600 s. */
  declineHoldSeconds?: number;
  /** How long an OFFER reserves its address; default 30 s. */
  offerHoldSeconds?: number;
  /**
   * Default true: this server owns the subnet, so a REQUEST (INIT-REBOOT, RENEWING, REBINDING)
   * from a client it has no record of is ACKed if the address is free in the pool, NAKed
   * otherwise. When false such REQUESTs get no answer (RFC 2131 section 4.3.2).
   */
  authoritative?: boolean;
  /** Called after a lease is bound (ACK), released or declined. */
  onLeaseChange?: (event: LeaseEvent) => void;
  logger?: DhcpLogger;
  /** Clock in milliseconds; tests inject one. */
  now?: () => number;
  /** Port replies to clients go to; default 68. */
  clientPort?: number;
  /** Port replies to relay agents go to; default 67. */
  relayPort?: number;
}

export interface ResolvedStaticLease {
  mac: string;
  address: number;
  hostName: string | undefined;
}

export interface ResolvedDhcpConfig {
  serverAddress: number;
  mask: number;
  rangeFrom: number;
  rangeTo: number;
  staticByMac: ReadonlyMap<string, ResolvedStaticLease>;
  staticAddresses: ReadonlySet<number>;
  leaseTimeSeconds: number;
  leaseFile: string | undefined;
  routers: readonly number[];
  dnsServers: readonly number[];
  domainName: string | undefined;
  nextServer: number;
  tftpServerName: string;
  bootFile: BootFileChooser | undefined;
  clientOptions: ClientOptionsHook | undefined;
  ipxeNoProxyDhcp: boolean;
  declineHoldMs: number;
  offerHoldMs: number;
  authoritative: boolean;
  onLeaseChange: ((event: LeaseEvent) => void) | undefined;
  logger: DhcpLogger;
  now: () => number;
  clientPort: number;
  relayPort: number;
}

const MAX_LEASE_SECONDS = 0xfffffffe; // 0xffffffff means "infinity" (RFC 2132 section 9.2)

function address(key: string, text: unknown): number {
  if (typeof text !== 'string') throw new DhcpConfigError(key, 'must be an IPv4 address string');
  try {
    return parseIpv4(text);
  } catch (cause) {
    if (cause instanceof AddressFormatError) throw new DhcpConfigError(key, cause.message, { cause });
    throw cause;
  }
}

function positiveInteger(key: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0 || value > max) throw new DhcpConfigError(key, `must be an integer 1..${max}, got ${value}`);
  return value;
}

function port(key: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new DhcpConfigError(key, `must be a port 1..65535, got ${value}`);
  return value;
}

export function resolveDhcpConfig(options: DhcpResponderOptions): ResolvedDhcpConfig {
  const serverAddress = address('serverAddress', options.serverAddress);
  const prefixLength = options.prefixLength ?? 24;
  if (!Number.isInteger(prefixLength) || prefixLength < 8 || prefixLength > 30) {
    throw new DhcpConfigError('prefixLength', `must be an integer 8..30, got ${prefixLength}`);
  }
  const mask = prefixMask(prefixLength);
  const inSubnet = (key: string, value: number): number => {
    if (!sameSubnet(value, serverAddress, mask)) throw new DhcpConfigError(key, `is outside the subnet of serverAddress /${prefixLength}`);
    const host = (value & ~mask) >>> 0;
    if (host === 0 || host === (~mask >>> 0)) throw new DhcpConfigError(key, 'is the network or broadcast address');
    if (value === serverAddress) throw new DhcpConfigError(key, 'is the server address');
    return value;
  };
  if (typeof options.range !== 'object' || options.range === null) throw new DhcpConfigError('range', 'must be { from, to }');
  const rangeFrom = inSubnet('range.from', address('range.from', options.range.from));
  const rangeTo = address('range.to', options.range.to);
  if (rangeTo === serverAddress) {
    // A range may span the server address (it is skipped); only check the subnet here.
    if (!sameSubnet(rangeTo, serverAddress, mask)) throw new DhcpConfigError('range.to', 'is outside the subnet');
  } else {
    inSubnet('range.to', rangeTo);
  }
  if (rangeTo < rangeFrom) throw new DhcpConfigError('range', 'range.to is below range.from');

  const staticByMac = new Map<string, ResolvedStaticLease>();
  const staticAddresses = new Set<number>();
  (options.staticLeases ?? []).forEach((lease, index) => {
    const key = `staticLeases[${index}]`;
    let mac: string;
    try {
      mac = normalizeMac(lease.mac);
    } catch (cause) {
      throw new DhcpConfigError(`${key}.mac`, cause instanceof Error ? cause.message : String(cause), { cause });
    }
    const value = inSubnet(`${key}.address`, address(`${key}.address`, lease.address));
    if (staticByMac.has(mac)) throw new DhcpConfigError(`${key}.mac`, `${mac} has two static leases`);
    if (staticAddresses.has(value)) throw new DhcpConfigError(`${key}.address`, `${lease.address} is given to two MACs`);
    staticByMac.set(mac, { mac, address: value, hostName: lease.hostName });
    staticAddresses.add(value);
  });

  const list = (key: string, values: readonly string[] | undefined): number[] => (values ?? []).map((value, index) => address(`${key}[${index}]`, value));
  const nextServer = options.nextServer === undefined ? serverAddress : address('nextServer', options.nextServer);
  if (options.domainName !== undefined && (options.domainName === '' || options.domainName.length > 255)) {
    throw new DhcpConfigError('domainName', 'must be 1..255 characters');
  }
  return {
    serverAddress,
    mask,
    rangeFrom,
    rangeTo,
    staticByMac,
    staticAddresses,
    leaseTimeSeconds: positiveInteger('leaseTimeSeconds', options.leaseTimeSeconds, 3600, MAX_LEASE_SECONDS),
    leaseFile: options.leaseFile,
    routers: list('routers', options.routers),
    dnsServers: list('dnsServers', options.dnsServers),
    domainName: options.domainName,
    nextServer,
    tftpServerName: options.tftpServerName ?? options.nextServer ?? options.serverAddress,
    bootFile: options.bootFile === null ? undefined : (options.bootFile ?? defaultBootFile),
    clientOptions: options.clientOptions,
    ipxeNoProxyDhcp: options.ipxeNoProxyDhcp ?? true,
    declineHoldMs: positiveInteger('declineHoldSeconds', options.declineHoldSeconds, 600) * 1000,
    offerHoldMs: positiveInteger('offerHoldSeconds', options.offerHoldSeconds, 30) * 1000,
    authoritative: options.authoritative ?? true,
    onLeaseChange: options.onLeaseChange,
    logger: options.logger ?? silentDhcpLogger,
    now: options.now ?? Date.now,
    clientPort: port('clientPort', options.clientPort, DhcpPort.CLIENT),
    relayPort: port('relayPort', options.relayPort, DhcpPort.SERVER),
  };
}
