/**
 * One image server in use by an image main: overlay forwarders pinned to that server's key
 * (local TCP ports bridged over Noise streams to its "nfs" and "mount" services), the root
 * handle of the version from MNT of the server's mount path, and an RPC client for NFS calls.
 *
 * The link also keeps this server's handle of every image path it has seen (from LOOKUP and
 * READDIRPLUS replies), so a handle given to the proxy (image-handles.ts) maps to this
 * server's handle without a round trip; a path not seen yet (after a failover) is walked
 * with LOOKUPs from the root, once per path.
 */
import type HyperDHT from 'hyperdht';
import { MountClient, Mountstat3, mountstatName, Nfs3Client, Nfsstat3 } from '../nfs/index.js';
import type { Nfsstat3Error } from '../nfs/index.js';
import { startOverlayForwarder, type OverlayForwarder } from '../overlay/index.js';
import { formatPublicKey } from '../registry/index.js';
import type { OpaqueAuth } from '../rpc/index.js';
import { RpcTcpClient } from '../rpc/index.js';
import { ImageServerError } from './errors.js';
import { baseName, parentOf } from './image-handles.js';
import type { GatewayLogger } from './logger.js';

/** The image server's overlay services (`row serve`: NFS and MOUNT, one port for the embedded server). */
export const NFS_SERVICE = 'nfs';
export const MOUNT_SERVICE = 'mount';
/** Largest READ reply accepted: 1 MiB of data plus headers (the proxy asks at most rtmax). */
const MAX_REPLY_BYTES = 1024 * 1024 + 64 * 1024;
/** Paths whose server handles are kept; beyond this the table starts over (handles are walked again on demand). */
const MAX_KNOWN_PATHS = 1_000_000;

export interface ServerLinkOptions {
  dht: HyperDHT;
  keyPair: HyperDHT.KeyPair;
  publicKey: Buffer;
  mountPath: string;
  /** Overlay connect and MNT give up after this. */
  timeoutMs: number;
  logger: GatewayLogger;
}

export type PathLookup = { status: typeof Nfsstat3.NFS3_OK; fh: Buffer } | { status: Nfsstat3Error };

export class ServerLink {
  readonly publicKey: Buffer;
  /** The first 12 hex digits of the key, for logs. */
  readonly label: string;
  readonly mountPath: string;
  readonly nfs: Nfs3Client;
  /** performance.now() of the last reply, or of the link's opening: how long the server has been silent. */
  lastProgressAt = performance.now();
  private readonly known = new Map<string, Buffer>();
  private readonly walks = new Map<string, Promise<PathLookup>>();
  private closed = false;

  private constructor(
    options: ServerLinkOptions,
    private readonly forwarder: OverlayForwarder,
    private readonly rpc: RpcTcpClient,
    rootFh: Buffer,
  ) {
    this.publicKey = options.publicKey;
    this.label = `${formatPublicKey(options.publicKey).slice(0, 12)}…`;
    this.mountPath = options.mountPath;
    this.nfs = new Nfs3Client(rpc);
    this.known.set('', rootFh);
  }

  /** Connects to the server over the overlay and mounts its copy of the version. */
  static async open(options: ServerLinkOptions): Promise<ServerLink> {
    const label = `${formatPublicKey(options.publicKey).slice(0, 12)}…`;
    const pinned = (service: string) =>
      startOverlayForwarder({
        dht: options.dht,
        keyPair: options.keyPair,
        service,
        // One server per link: failover is the image main's decision, which needs to know which server answers.
        candidates: () => [options.publicKey],
        timeoutMs: options.timeoutMs,
        log: (line) => options.logger.debug(`${label} ${line}`),
      });
    const rootFh = await mountVersion(await pinned(MOUNT_SERVICE), options, label);
    const forwarder = await pinned(NFS_SERVICE);
    const rpc = new RpcTcpClient({ host: forwarder.host, port: forwarder.port, timeoutMs: options.timeoutMs, maxRecordBytes: MAX_REPLY_BYTES, logger: options.logger });
    return new ServerLink(options, forwarder, rpc, rootFh);
  }

  get rootFh(): Buffer {
    return this.known.get('') as Buffer;
  }

  noteProgress(): void {
    this.lastProgressAt = performance.now();
  }

  /** Records this server's handle of `path` (from a reply). */
  remember(path: string, fh: Buffer): void {
    if (this.known.size >= MAX_KNOWN_PATHS) {
      const root = this.rootFh;
      this.known.clear();
      this.known.set('', root);
    }
    this.known.set(path, fh);
  }

  /**
   * This server's handle of `path`, walking LOOKUPs from the nearest known ancestor.
   * RPC failures reject (the caller retries or fails over); a missing component is a status.
   */
  handleOf(path: string, credential: OpaqueAuth, timeoutMs: number): Promise<PathLookup> {
    const known = this.known.get(path);
    if (known !== undefined) return Promise.resolve({ status: Nfsstat3.NFS3_OK, fh: known });
    let walk = this.walks.get(path);
    if (walk === undefined) {
      walk = this.walk(path, credential, timeoutMs).finally(() => this.walks.delete(path));
      this.walks.set(path, walk);
    }
    return walk;
  }

  private async walk(path: string, credential: OpaqueAuth, timeoutMs: number): Promise<PathLookup> {
    const parent = await this.handleOf(parentOf(path), credential, timeoutMs);
    if (parent.status !== Nfsstat3.NFS3_OK) return parent;
    const found = await this.nfs.lookup({ what: { dir: parent.fh, name: baseName(path) } }, { credential, timeoutMs });
    this.noteProgress();
    if (found.status !== Nfsstat3.NFS3_OK) return { status: found.status };
    this.remember(path, found.object);
    return { status: Nfsstat3.NFS3_OK, fh: found.object };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.rpc.close();
    await this.forwarder.close();
  }
}

async function mountVersion(forwarder: OverlayForwarder, options: ServerLinkOptions, label: string): Promise<Buffer> {
  const rpc = new RpcTcpClient({ host: forwarder.host, port: forwarder.port, timeoutMs: options.timeoutMs, reconnect: false });
  try {
    const mounted = await new MountClient(rpc).mnt(options.mountPath);
    if (mounted.status !== Mountstat3.MNT3_OK) {
      throw new ImageServerError(`server ${label} refused MNT ${options.mountPath}: ${mountstatName(mounted.status)}`);
    }
    return Buffer.from(mounted.fhandle);
  } catch (error) {
    if (error instanceof ImageServerError) throw error;
    throw new ImageServerError(`cannot mount ${options.mountPath} from server ${label} over the overlay`, { cause: error });
  } finally {
    await rpc.close();
    await forwarder.close();
  }
}
