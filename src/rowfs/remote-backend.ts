import { Nfs3Client } from '../nfs/index.js';
import type {
  AccessArgs,
  AccessResult,
  CommitArgs,
  CommitResult,
  CreateArgs,
  CreateResult,
  FsinfoArgs,
  FsinfoResult,
  FsstatArgs,
  FsstatResult,
  GetattrArgs,
  GetattrResult,
  LinkArgs,
  LinkResult,
  LookupArgs,
  LookupResult,
  MkdirArgs,
  MkdirResult,
  MknodArgs,
  MknodResult,
  PathconfArgs,
  PathconfResult,
  ReadArgs,
  ReaddirArgs,
  ReaddirplusArgs,
  ReaddirplusResult,
  ReaddirResult,
  ReadlinkArgs,
  ReadlinkResult,
  ReadResult,
  RemoveArgs,
  RemoveResult,
  RenameArgs,
  RenameResult,
  RmdirArgs,
  RmdirResult,
  SetattrArgs,
  SetattrResult,
  SymlinkArgs,
  SymlinkResult,
  WriteArgs,
  WriteResult,
} from '../nfs/index.js';
import { authSysCredential, RpcConnectionError, RpcTimeoutError, silentRpcLogger } from '../rpc/index.js';
import type { OpaqueAuth, RpcCallOptions, RpcCaller, RpcLogger } from '../rpc/index.js';
import type { BackendCaller, Nfs3Backend } from './backend.js';
import { ROOT_BACKEND_CALLER } from './backend.js';
import { UpstreamReplyError, UpstreamUnavailableError } from './errors.js';

export interface RemoteBackendOptions {
  /** How the server is named in logs and errors ("main 10.0.0.1:2049"). */
  name: string;
  /** One attempt's deadline; a stalled call is re-sent after it. Default 5 s. */
  callTimeoutMs?: number;
  /** Give up (UpstreamUnavailableError -> NFS3ERR_JUKEBOX) after retrying this long. Default 60 s. */
  deadlineMs?: number;
  logger?: RpcLogger;
}

/** Credentials are encoded once per identity; a client uses a handful of them. */
const MAX_CACHED_CREDENTIALS = 256;
/** A retry that failed faster than this waits a little, so a refused connection does not spin. */
const FAST_FAILURE_MS = 50;
const RETRY_PAUSE_MS = 100;

function isRetryable(error: unknown): boolean {
  return error instanceof RpcTimeoutError || error instanceof RpcConnectionError;
}

/**
 * An NFSv3 server reached over RPC (usually an RpcTcpClient, which reconnects on its own).
 * Each call carries the caller's AUTH_SYS credential. A call that times out or loses its
 * connection is re-sent until `deadlineMs` has passed, so a short upstream stall looks like
 * slowness to the client; past the deadline the call rejects with UpstreamUnavailableError
 * and one log line names the server. Every main-server call the proxy makes is a read, so
 * re-sending is safe there; shadow writes are idempotent at the offsets they target.
 */
export class RemoteNfs3Backend implements Nfs3Backend {
  readonly name: string;
  private readonly client: Nfs3Client;
  private readonly callTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly logger: RpcLogger;
  private readonly credentials = new Map<string, OpaqueAuth>();
  private closed = false;

  constructor(caller: RpcCaller, options: RemoteBackendOptions) {
    this.client = new Nfs3Client(caller);
    this.name = options.name;
    this.callTimeoutMs = options.callTimeoutMs ?? 5000;
    this.deadlineMs = options.deadlineMs ?? 60_000;
    this.logger = options.logger ?? silentRpcLogger;
  }

  /** Later calls fail at once instead of retrying (the proxy is shutting down). */
  markClosed(): void {
    this.closed = true;
  }

  private credentialFor(caller: BackendCaller): OpaqueAuth {
    const key = `${caller.uid}:${caller.gid}:${caller.gids.join(',')}`;
    let credential = this.credentials.get(key);
    if (credential === undefined) {
      if (this.credentials.size >= MAX_CACHED_CREDENTIALS) this.credentials.clear();
      credential = authSysCredential({ uid: caller.uid, gid: caller.gid, gids: [...caller.gids] });
      this.credentials.set(key, credential);
    }
    return credential;
  }

  private async retrying<T>(caller: BackendCaller | undefined, run: (options: RpcCallOptions) => Promise<T>): Promise<T> {
    const credential = this.credentialFor(caller ?? ROOT_BACKEND_CALLER);
    const started = performance.now();
    const deadline = started + this.deadlineMs;
    let attempts = 0;
    for (;;) {
      const attemptStarted = performance.now();
      const timeoutMs = Math.max(1, Math.min(this.callTimeoutMs, deadline - attemptStarted));
      try {
        return await run({ credential, timeoutMs });
      } catch (error) {
        attempts++;
        if (!isRetryable(error)) throw new UpstreamReplyError(`${this.name}: unusable reply`, { cause: error });
        const now = performance.now();
        if (this.closed || now >= deadline) {
          this.logger.warn(`rowfs: ${this.name} did not answer; replying NFS3ERR_JUKEBOX`, {
            waitedMs: Math.round(now - started),
            attempts,
            error,
          });
          throw new UpstreamUnavailableError(this.name, now - started, { cause: error });
        }
        if (attempts === 1) this.logger.debug(`rowfs: ${this.name} is slow, retrying`, { error });
        if (now - attemptStarted < FAST_FAILURE_MS) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_PAUSE_MS, deadline - now)));
        }
      }
    }
  }

  getattr(args: GetattrArgs, caller?: BackendCaller): Promise<GetattrResult> {
    return this.retrying(caller, (options) => this.client.getattr(args, options));
  }

  setattr(args: SetattrArgs, caller?: BackendCaller): Promise<SetattrResult> {
    return this.retrying(caller, (options) => this.client.setattr(args, options));
  }

  lookup(args: LookupArgs, caller?: BackendCaller): Promise<LookupResult> {
    return this.retrying(caller, (options) => this.client.lookup(args, options));
  }

  access(args: AccessArgs, caller?: BackendCaller): Promise<AccessResult> {
    return this.retrying(caller, (options) => this.client.access(args, options));
  }

  readlink(args: ReadlinkArgs, caller?: BackendCaller): Promise<ReadlinkResult> {
    return this.retrying(caller, (options) => this.client.readlink(args, options));
  }

  read(args: ReadArgs, caller?: BackendCaller): Promise<ReadResult> {
    return this.retrying(caller, (options) => this.client.read(args, options));
  }

  write(args: WriteArgs, caller?: BackendCaller): Promise<WriteResult> {
    return this.retrying(caller, (options) => this.client.write(args, options));
  }

  create(args: CreateArgs, caller?: BackendCaller): Promise<CreateResult> {
    return this.retrying(caller, (options) => this.client.create(args, options));
  }

  mkdir(args: MkdirArgs, caller?: BackendCaller): Promise<MkdirResult> {
    return this.retrying(caller, (options) => this.client.mkdir(args, options));
  }

  symlink(args: SymlinkArgs, caller?: BackendCaller): Promise<SymlinkResult> {
    return this.retrying(caller, (options) => this.client.symlink(args, options));
  }

  mknod(args: MknodArgs, caller?: BackendCaller): Promise<MknodResult> {
    return this.retrying(caller, (options) => this.client.mknod(args, options));
  }

  remove(args: RemoveArgs, caller?: BackendCaller): Promise<RemoveResult> {
    return this.retrying(caller, (options) => this.client.remove(args, options));
  }

  rmdir(args: RmdirArgs, caller?: BackendCaller): Promise<RmdirResult> {
    return this.retrying(caller, (options) => this.client.rmdir(args, options));
  }

  rename(args: RenameArgs, caller?: BackendCaller): Promise<RenameResult> {
    return this.retrying(caller, (options) => this.client.rename(args, options));
  }

  link(args: LinkArgs, caller?: BackendCaller): Promise<LinkResult> {
    return this.retrying(caller, (options) => this.client.link(args, options));
  }

  readdir(args: ReaddirArgs, caller?: BackendCaller): Promise<ReaddirResult> {
    return this.retrying(caller, (options) => this.client.readdir(args, options));
  }

  readdirplus(args: ReaddirplusArgs, caller?: BackendCaller): Promise<ReaddirplusResult> {
    return this.retrying(caller, (options) => this.client.readdirplus(args, options));
  }

  fsstat(args: FsstatArgs, caller?: BackendCaller): Promise<FsstatResult> {
    return this.retrying(caller, (options) => this.client.fsstat(args, options));
  }

  fsinfo(args: FsinfoArgs, caller?: BackendCaller): Promise<FsinfoResult> {
    return this.retrying(caller, (options) => this.client.fsinfo(args, options));
  }

  pathconf(args: PathconfArgs, caller?: BackendCaller): Promise<PathconfResult> {
    return this.retrying(caller, (options) => this.client.pathconf(args, options));
  }

  commit(args: CommitArgs, caller?: BackendCaller): Promise<CommitResult> {
    return this.retrying(caller, (options) => this.client.commit(args, options));
  }
}
