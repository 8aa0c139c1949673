import { IpProto, MOUNT_PROGRAM, MOUNT_V3, MountClient, Mountstat3, mountstatName, PMAP_PORT, PortmapClient } from '../nfs/index.js';
import { RpcTcpClient, silentRpcLogger } from '../rpc/index.js';
import type { RpcLogger } from '../rpc/index.js';
import type { Nfs3Backend } from './backend.js';
import { UpstreamConnectError } from './errors.js';
import { RemoteNfs3Backend } from './remote-backend.js';

/** One export of an NFSv3 server as the proxy uses it: how to call it and its root handle. */
export interface UpstreamExport {
  backend: Nfs3Backend;
  /** The export's root file handle (from MNT, or an in-process server's root). */
  rootFh: Buffer;
  /** The MOUNT path of the export. */
  exportPath: string;
  /** How logs and errors name it ("main 10.0.0.1:2049:/srv/image"). */
  name: string;
}

/** An upstream connected over the network; close() releases its sockets. */
export interface ConnectedUpstream extends UpstreamExport {
  close(): Promise<void>;
}

export interface UpstreamAddress {
  host: string;
  /** The NFS port. */
  port: number;
  exportPath: string;
  /** MOUNT's port; when absent it is asked from the portmapper on HOST:111, as the kernel client does. */
  mountPort?: number;
}

export interface ConnectUpstreamOptions extends UpstreamAddress {
  /** Prefix of the upstream's name in logs ("main", "shadow"). */
  role?: string;
  /** Start-up calls (GETPORT, MNT) give up after this. Default 10 s. */
  connectTimeoutMs?: number;
  /** Per-attempt deadline of NFS calls (RemoteNfs3Backend). Default 5 s. */
  callTimeoutMs?: number;
  /** Retry NFS calls this long before NFS3ERR_JUKEBOX. Default 60 s. */
  deadlineMs?: number;
  logger?: RpcLogger;
}

/** `HOST:PORT:/export` (HOST may be a bracketed IPv6 address), as `row proxy --main` takes it. */
export function parseUpstreamSpec(spec: string): UpstreamAddress {
  const match = /^(\[[^\]]+\]|[^:/]+):(\d{1,5}):(\/.*)$/.exec(spec);
  if (match === null) throw new UpstreamConnectError(`expected HOST:PORT:/export, got ${JSON.stringify(spec)}`);
  const [, rawHost = '', portText = '', exportPath = ''] = match;
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new UpstreamConnectError(`port out of range in ${JSON.stringify(spec)}`);
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return { host, port, exportPath };
}

async function findMountPort(host: string, timeoutMs: number): Promise<number> {
  const rpc = new RpcTcpClient({ host, port: PMAP_PORT, timeoutMs, reconnect: false });
  try {
    const port = await new PortmapClient(rpc).getport({ prog: MOUNT_PROGRAM, vers: MOUNT_V3, prot: IpProto.TCP, port: 0 });
    if (port === 0) throw new UpstreamConnectError(`the portmapper on ${host}:${PMAP_PORT} knows no MOUNT v3 over TCP`);
    return port;
  } catch (error) {
    if (error instanceof UpstreamConnectError) throw error;
    throw new UpstreamConnectError(`cannot ask the portmapper on ${host}:${PMAP_PORT} for MOUNT's port`, { cause: error });
  } finally {
    await rpc.close();
  }
}

async function mountRoot(host: string, mountPort: number, exportPath: string, timeoutMs: number): Promise<Buffer> {
  const rpc = new RpcTcpClient({ host, port: mountPort, timeoutMs, reconnect: false });
  try {
    const result = await new MountClient(rpc).mnt(exportPath);
    if (result.status !== Mountstat3.MNT3_OK) {
      throw new UpstreamConnectError(`MNT ${exportPath} on ${host}:${mountPort} failed: ${mountstatName(result.status)}`);
    }
    return Buffer.from(result.fhandle);
  } catch (error) {
    if (error instanceof UpstreamConnectError) throw error;
    throw new UpstreamConnectError(`cannot mount ${exportPath} from ${host}:${mountPort}`, { cause: error });
  } finally {
    await rpc.close();
  }
}

/**
 * Connects to an NFSv3 export: finds MOUNT through the host's portmapper unless the port
 * is given (nfs-ganesha serves MOUNT on its own port), mounts the export path for the
 * root handle, and opens one reconnecting TCP connection for NFS calls.
 */
export async function connectUpstream(options: ConnectUpstreamOptions): Promise<ConnectedUpstream> {
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const logger = options.logger ?? silentRpcLogger;
  const mountPort = options.mountPort ?? (await findMountPort(options.host, timeoutMs));
  const rootFh = await mountRoot(options.host, mountPort, options.exportPath, timeoutMs);
  const name = `${options.role ?? 'upstream'} ${options.host}:${options.port}:${options.exportPath}`;
  const rpc = new RpcTcpClient({ host: options.host, port: options.port, timeoutMs: options.callTimeoutMs ?? 5000, logger });
  try {
    await rpc.connect();
  } catch (error) {
    await rpc.close();
    throw new UpstreamConnectError(`cannot connect to NFS at ${options.host}:${options.port}`, { cause: error });
  }
  const backend = new RemoteNfs3Backend(rpc, { name, callTimeoutMs: options.callTimeoutMs, deadlineMs: options.deadlineMs, logger });
  return {
    backend,
    rootFh,
    exportPath: options.exportPath,
    name,
    close: async () => {
      backend.markClosed();
      await rpc.close();
    },
  };
}
