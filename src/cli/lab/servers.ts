/**
 * The two servers of the lab, as `row` child processes with the flags a user would type: the
 * image server (`row nfsd --read-only`, NFS + MOUNT on one port) in the image namespace, and
 * `row gateway` (DHCP, TFTP, portmap on 111, the ROW-FS proxy on 2049) in the gateway's.
 */
import { join } from 'node:path';
import type { LabNetwork } from './network.js';
import { LabAddress } from './network.js';
import type { RowChild } from './row-child.js';
import { startRowChild } from './row-child.js';

/** The image server's port inside its own namespace: NFS's, nothing else listens there. */
export const IMAGE_SERVER_PORT = 2049;
/** The gateway's metrics endpoint, on the gateway namespace's loopback. */
export const METRICS_HOST = '127.0.0.1';
export const METRICS_PORT = 9100;

export interface ImageServer extends RowChild {
  host: string;
  /** The MOUNT path: the exported directory's absolute path. */
  exportPath: string;
}

export async function startImageServer(network: LabNetwork, options: { exportDir: string; stateDir: string; logDir?: string }): Promise<ImageServer> {
  const child = await startRowChild({
    netns: network.imageNs,
    args: ['nfsd', '--export', options.exportDir, '--listen', `${LabAddress.image}:${IMAGE_SERVER_PORT}`, '--state', options.stateDir, '--read-only'],
    logFile: options.logDir === undefined ? undefined : join(options.logDir, 'image-server.log'),
  });
  const exportPath = /exporting (\S+)/.exec(child.output())?.[1] ?? options.exportDir;
  return Object.assign(child, { host: LabAddress.image, exportPath });
}

export interface GatewayServerOptions {
  tftpRoot: string;
  /** The image server as the gateway reaches it (or a relay in front of it). */
  main: { host: string; port: number; exportPath: string };
  stateDir: string;
  /** Appended to every client's kernel command line. */
  kernelArgs: readonly string[];
  logDir?: string;
  /** Log TFTP transfers and DHCP details too. */
  verbose?: boolean;
  /** The proxy's read-ahead depth (`--read-ahead`); default the proxy's. */
  readAheadDepth?: number;
}

export function gatewayArgs(options: GatewayServerOptions): string[] {
  const A = LabAddress;
  return [
    'gateway',
    '--interface', A.bridge,
    '--address', A.gateway,
    '--prefix-length', String(A.clientPrefixLength),
    '--dhcp-range', `${A.dhcpFrom}-${A.dhcpTo}`,
    '--tftp-root', options.tftpRoot,
    '--main', `${options.main.host}:${options.main.port}:${options.main.exportPath}`,
    // row nfsd answers MOUNT on its NFS port and runs no portmapper on 111.
    '--main-mount-port', String(options.main.port),
    '--state', options.stateDir,
    '--metrics', `${METRICS_HOST}:${METRICS_PORT}`,
    ...(options.kernelArgs.length > 0 ? ['--kernel-args', options.kernelArgs.join(' ')] : []),
    ...(options.readAheadDepth === undefined ? [] : ['--read-ahead', String(options.readAheadDepth)]),
    ...(options.verbose === true ? ['--verbose'] : []),
  ];
}

export function startGatewayServer(network: LabNetwork, options: GatewayServerOptions): Promise<RowChild> {
  return startRowChild({
    netns: network.gatewayNs,
    args: gatewayArgs(options),
    logFile: options.logDir === undefined ? undefined : join(options.logDir, 'gateway.log'),
  });
}
