import { createHash, randomBytes } from 'node:crypto';
import type { FsinfoResOk } from '../nfs/index.js';
import type { RpcCallContext, RpcLogger } from '../rpc/index.js';
import { XdrReader } from '../xdr/index.js';
import type { BackendCaller } from './backend.js';
import { CallScope } from './call-scope.js';
import type { UpstreamExport } from './connect-upstream.js';
import { DirListingCache } from './dir-listing.js';
import { loadHandleKey } from './handle-key.js';
import { KeyedLock } from './keyed-lock.js';
import { MainAttrCache } from './main-attr-cache.js';
import { MainReadAhead } from './read-ahead.js';
import { ProxyMetrics } from './metrics.js';
import { NodeTable } from './node-table.js';
import { SessionRegistry } from './session-registry.js';
import { StateStore } from './state-store.js';
import { VirtualHandleCodec } from './virtual-handle.js';

export interface ProxyContextOptions {
  main: UpstreamExport;
  shadow: UpstreamExport;
  stateDir: string;
  blockSize: number;
  logger: RpcLogger;
  sessionKeyOf: (call: RpcCallContext) => string;
  maxCachedNodes: number;
  /** How long main's attributes of a main-only object are reused (0 = ask main every time). */
  mainAttrTtlMs: number;
  /** READs fetched ahead of a sequential reader of an unmodified file (0 = none). */
  readAheadDepth: number;
  callerOf: (call: RpcCallContext) => BackendCaller;
}

const VERIFIER_BYTES = 8;
/** About 200 bytes each: a working set of recently used files, not a copy of the tree. */
const MAIN_ATTR_CACHE_ENTRIES = 8192;
/** Files read ahead at once: a booting client reads a handful of files at a time. */
const READ_AHEAD_STREAMS = 32;
const FSID_KEY = 'fsid';
/** fsid3 is a uint64; keep it below 2^63 so signed readers agree on it. */
const FSID_MASK = (1n << 63n) - 1n;

function loadFsid(store: StateStore): bigint {
  let bytes = store.metaValue(FSID_KEY);
  if (bytes === undefined || bytes.length !== VERIFIER_BYTES) {
    bytes = randomBytes(VERIFIER_BYTES);
    store.setMetaValue(FSID_KEY, bytes);
  }
  return new XdrReader(bytes).uint64() & FSID_MASK;
}

/**
 * Everything the procedures share: state store, handle table, sessions, the two
 * upstreams, locks, listing cache, metrics. One per running proxy.
 */
export class ProxyContext {
  readonly store: StateStore;
  readonly nodes: NodeTable;
  readonly sessions: SessionRegistry;
  readonly codec: VirtualHandleCodec;
  /** One fsid for every object the proxy serves, kept across restarts (clients compare it). */
  readonly fsid: bigint;
  /** Random per proxy boot (RFC 1813 section 3.3.7): after a restart clients resend uncommitted writes. */
  readonly bootVerifier: Buffer = randomBytes(VERIFIER_BYTES);
  readonly main: UpstreamExport;
  readonly shadow: UpstreamExport;
  readonly logger: RpcLogger;
  readonly metrics = new ProxyMetrics();
  readonly listings = new DirListingCache();
  readonly mainAttrs: MainAttrCache;
  readonly readAhead: MainReadAhead;
  /** Serializes block fills and size changes of one file. */
  readonly fileLocks = new KeyedLock();
  /** Serializes name changes in one directory. */
  readonly dirLocks = new KeyedLock();
  /** Shadow directories being regenerated and files being copied up, by vid: concurrent callers share the work. */
  readonly shadowing = new Map<number, Promise<Buffer>>();
  readonly sessionKeyOf: (call: RpcCallContext) => string;
  readonly callerOf: (call: RpcCallContext) => BackendCaller;
  /** The shadow export's "sessions" directory, once made. */
  sessionsDir: Promise<Buffer> | undefined;
  /** Merged FSINFO of both servers (static), once asked. */
  fsinfo: Promise<FsinfoResOk> | undefined;
  /** The shadow's last write verifier, for COMMITs answered without asking it. */
  lastShadowVerifier: Buffer = Buffer.alloc(VERIFIER_BYTES);
  private inFlight = 0;

  constructor(options: ProxyContextOptions) {
    this.main = options.main;
    this.shadow = options.shadow;
    this.logger = options.logger;
    this.sessionKeyOf = options.sessionKeyOf;
    this.callerOf = options.callerOf;
    this.codec = new VirtualHandleCodec(loadHandleKey(options.stateDir));
    this.store = new StateStore(options.stateDir);
    this.fsid = loadFsid(this.store);
    this.nodes = new NodeTable(this.store, options.maxCachedNodes);
    this.mainAttrs = new MainAttrCache(options.mainAttrTtlMs, MAIN_ATTR_CACHE_ENTRIES);
    this.readAhead = new MainReadAhead(options.readAheadDepth, READ_AHEAD_STREAMS);
    this.sessions = new SessionRegistry(this.store, options.blockSize, options.main.rootFh);
  }

  beginCall(call: RpcCallContext): CallScope {
    this.inFlight++;
    return new CallScope(this, this.sessions.find(this.sessionKeyOf(call)), this.callerOf(call), call.transport);
  }

  endCall(scope: CallScope, proc: number, localBytes = 0): void {
    this.metrics.record(proc, scope, localBytes);
    this.inFlight--;
    if (this.inFlight === 0) this.nodes.trimIfIdle();
  }

  /** Ends a call that is no NFS procedure (MNT's path walk): left out of the per-procedure metrics. */
  endUncountedCall(): void {
    this.inFlight--;
    if (this.inFlight === 0) this.nodes.trimIfIdle();
  }

  /** The verifier clients see: ours (per boot) mixed with the shadow's, so a restart of either changes it. */
  writeVerifier(shadowVerifier: Buffer): Buffer {
    this.lastShadowVerifier = Buffer.from(shadowVerifier);
    const mixed = Buffer.alloc(VERIFIER_BYTES);
    for (let index = 0; index < VERIFIER_BYTES; index++) {
      mixed[index] = (this.bootVerifier[index] as number) ^ ((shadowVerifier[index] ?? 0) as number);
    }
    return mixed;
  }

  /** READDIR's cookie verifier of a directory: constant (cookies are vids and stay valid), distinct per directory. */
  cookieVerifier(session: number, dirVid: number): Buffer {
    return createHash('sha256').update(`rowfs-cookieverf:${session}:${dirVid}`).digest().subarray(0, VERIFIER_BYTES);
  }

  /** Calls still running (the state store must outlive them). */
  get callsInFlight(): number {
    return this.inFlight;
  }

  close(): void {
    this.store.close();
  }
}
