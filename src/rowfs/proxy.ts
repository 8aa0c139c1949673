import { IpProto, MOUNT_PROGRAM, MOUNT_V3, NFS_PROGRAM, NFS_V3, PMAP_PROGRAM, PMAP_V2, createPortmapProgram } from '../nfs/index.js';
import type { Mapping } from '../nfs/index.js';
import { consoleRpcLogger, RpcServer } from '../rpc/index.js';
import type { RpcCallContext, RpcLogger, RpcServerOptions } from '../rpc/index.js';
import type { BackendCaller } from './backend.js';
import type { UpstreamExport } from './connect-upstream.js';
import { RowfsError } from './errors.js';
import type { RowProxyMetrics } from './metrics.js';
import { createRowMountProgram } from './mount-program.js';
import { createRowNfsProgram } from './nfs-program.js';
import { ProxyContext } from './proxy-context.js';

export const DEFAULT_BLOCK_SIZE = 32 * 1024;
const MIN_BLOCK_SIZE = 512;
const MAX_BLOCK_SIZE = 1024 * 1024;
const DEFAULT_MAX_CACHED_HANDLES = 65_536;
/** As the Linux client's acregmin: main is read-only, a few seconds of reuse is safe. */
export const DEFAULT_MAIN_ATTR_TTL_MS = 3000;
/** Requests fetched ahead of a sequential reader: as many as a client keeps in flight, again. */
export const DEFAULT_READ_AHEAD_DEPTH = 4;
/** Linux's nobody, for AUTH_NONE calls (as the Linux server's anonuid). */
const NOBODY = 65534;
/** How long close() lets running calls finish before closing the state store. */
const CLOSE_GRACE_MS = 2000;

export interface RowProxyOptions {
  listenHost: string;
  /** 0 picks a free port (the same number for TCP and UDP). */
  listenPort: number;
  /** The read-only image server; its export path is the MOUNT path clients use. */
  main: UpstreamExport;
  /** The writable server every change goes to (an in-process ExportFs or a remote server). */
  shadow: UpstreamExport;
  /** Where the session state (SQLite) and the handle key live. */
  stateDir: string;
  /** Presence-bitmap block size for new sessions (existing sessions keep theirs). Default 32 KiB. */
  blockSize?: number;
  /** Which session a call belongs to; default the client's IP address. */
  sessionKeyOf?: (call: RpcCallContext) => string;
  logger?: RpcLogger;
  /** Handle-table rows kept in memory (the rest stay in SQLite). Default 65,536. */
  maxCachedHandles?: number;
  /** How long main's attributes of an unmodified object are reused; 0 asks main every time. Default 3 s. */
  mainAttrTtlMs?: number;
  /** READs of a sequentially read unmodified file fetched from main ahead of the client; 0 turns it off. Default 4. */
  readAheadDepth?: number;
  rpc?: Omit<RpcServerOptions, 'logger'>;
}

export interface RowProxy {
  /** The port NFS, MOUNT and portmap answer on (TCP and UDP). */
  readonly port: number;
  /** Counts by procedure and destination (main / shadow / local), the paper's Figure 5. */
  metrics(): RowProxyMetrics;
  /** Stops listening and closes the state store; the upstreams belong to the caller. */
  close(): Promise<void>;
}

export function defaultSessionKey(call: RpcCallContext): string {
  return call.remoteAddress;
}

function callerOf(call: RpcCallContext): BackendCaller {
  const auth = call.authSys;
  if (auth === undefined) return { uid: NOBODY, gid: NOBODY, gids: [] };
  return { uid: auth.uid, gid: auth.gid, gids: auth.gids };
}

function proxyMappings(port: number): Mapping[] {
  return [IpProto.TCP, IpProto.UDP].flatMap((prot) => [
    { prog: NFS_PROGRAM, vers: NFS_V3, prot, port },
    { prog: MOUNT_PROGRAM, vers: MOUNT_V3, prot, port },
    { prog: PMAP_PROGRAM, vers: PMAP_V2, prot, port },
  ]);
}

/**
 * Starts the ROW-FS proxy: NFSv3, MOUNT and portmap on one port over TCP and UDP. Clients
 * mount the main export's path and see main's tree with their own changes (kept in the
 * shadow and in the session state under `stateDir`); main is never written to.
 */
export async function startRowProxy(options: RowProxyOptions): Promise<RowProxy> {
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (!Number.isInteger(blockSize) || blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || blockSize % MIN_BLOCK_SIZE !== 0) {
    throw new RowfsError(`block size must be a multiple of ${MIN_BLOCK_SIZE} between ${MIN_BLOCK_SIZE} and ${MAX_BLOCK_SIZE} bytes, got ${blockSize}`);
  }
  const logger = options.logger ?? consoleRpcLogger;
  const ctx = new ProxyContext({
    main: options.main,
    shadow: options.shadow,
    stateDir: options.stateDir,
    blockSize,
    logger,
    sessionKeyOf: options.sessionKeyOf ?? defaultSessionKey,
    maxCachedNodes: options.maxCachedHandles ?? DEFAULT_MAX_CACHED_HANDLES,
    mainAttrTtlMs: options.mainAttrTtlMs ?? DEFAULT_MAIN_ATTR_TTL_MS,
    readAheadDepth: options.readAheadDepth ?? DEFAULT_READ_AHEAD_DEPTH,
    callerOf,
  });
  const server = new RpcServer({ ...options.rpc, logger });
  server.addProgram(createRowNfsProgram(ctx));
  server.addProgram(createRowMountProgram(ctx));
  server.addProgram(createPortmapProgram(() => (server.port === undefined ? [] : proxyMappings(server.port))));
  let port: number;
  try {
    ({ port } = await server.listen({ host: options.listenHost, port: options.listenPort }));
  } catch (error) {
    ctx.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    port,
    metrics: () => ctx.metrics.snapshot({ sessions: ctx.sessions.count, cachedHandles: ctx.nodes.size, readAhead: ctx.readAhead.counters }),
    close: () =>
      (closing ??= (async () => {
        await server.close();
        // Calls waiting on an upstream finish (their replies are dropped) before the store closes.
        const waitUntil = performance.now() + CLOSE_GRACE_MS;
        while (ctx.callsInFlight > 0 && performance.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 10));
        ctx.close();
      })()),
  };
}
