/**
 * The ROW-FS proxy's main server when main is an image from the DHT (issue 5): an Nfs3Backend
 * over whichever image server holds A@vN, that keeps working when that server dies.
 *
 * - Handles: the proxy only ever sees image handles (image-handles.ts, named by path), so its
 *   session tables stay valid on any holder of the version; each call maps them to the handles
 *   of the server in use (ServerLink) and maps handles in replies back.
 * - Failover: a call that times out or loses its connection is re-sent (reads only: main is
 *   read-only). When the server in use has answered nothing for `failoverAfterMs`, it is given
 *   up and the call goes to another holder (ServerSelector), so the client sees a pause. Past
 *   `deadlineMs` the call fails with UpstreamUnavailableError and the proxy answers
 *   NFS3ERR_JUKEBOX, as with a plain-TCP main (rowfs RemoteNfs3Backend).
 * - A server answering STALE or BADHANDLE to a handle it gave out lost its state (restarted
 *   without it): it is given up at once and the walk is redone elsewhere.
 * - Main is never written to (002 Figure 2): modifying procedures answer NFS3ERR_ROFS here.
 */
import { Nfsstat3 } from '../nfs/index.js';
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
  Nfsstat3Error,
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
  WccData,
  WriteArgs,
  WriteResult,
} from '../nfs/index.js';
import { authSysCredential, RpcConnectionError, RpcTimeoutError } from '../rpc/index.js';
import type { OpaqueAuth, RpcCallOptions } from '../rpc/index.js';
import { ROOT_BACKEND_CALLER, UpstreamReplyError, UpstreamUnavailableError } from '../rowfs/index.js';
import type { BackendCaller, Nfs3Backend } from '../rowfs/index.js';
import { ImageServerError, ImageUnavailableError } from './errors.js';
import { childPath, ImageHandles } from './image-handles.js';
import type { GatewayLogger } from './logger.js';
import type { ServerLink } from './server-link.js';
import type { ServerSelector } from './server-selector.js';

export interface ImageMainBackendOptions {
  name: string;
  handles: ImageHandles;
  selector: Pick<ServerSelector, 'current' | 'abandon'>;
  /** Silence of the server in use after which it is given up; also one attempt's deadline. */
  failoverAfterMs: number;
  /** Give up a call (JUKEBOX) after this. Default 60 s. */
  deadlineMs?: number;
  /** Every path of the version (its manifest), read through `link`: finds handles minted by an earlier run. */
  loadPaths: (link: ServerLink, options: RpcCallOptions) => Promise<Iterable<string>>;
  logger: GatewayLogger;
}

export interface ImageMainBackendStats {
  /** Attempts re-sent after a timeout or a lost connection. */
  retries: number;
  /** Calls that ran out of time (answered JUKEBOX by the proxy). */
  unavailable: number;
}

interface Attempt {
  link: ServerLink;
  credential: OpaqueAuth;
  timeoutMs: number;
  options: RpcCallOptions;
}

type Target = { ok: true; fh: Buffer; path: string } | { ok: false; status: Nfsstat3Error };

/** Thrown inside an attempt when the server does not know a handle it gave out. */
class ServerForgotHandleError extends ImageServerError {}

const DEFAULT_DEADLINE_MS = 60_000;
const MAX_CACHED_CREDENTIALS = 256;
const FAST_FAILURE_MS = 50;
const RETRY_PAUSE_MS = 100;
const NO_SERVER_PAUSE_MS = 1000;
/** READDIR cookie verifiers remembered with the server that issued them. */
const MAX_VERIFIERS = 1024;
const ZERO_VERIFIER = Buffer.alloc(8);
const NO_WCC: WccData = Object.freeze({ before: undefined, after: undefined });

function isRetryable(error: unknown): boolean {
  return error instanceof RpcTimeoutError || error instanceof RpcConnectionError || error instanceof ImageServerError || error instanceof ImageUnavailableError;
}

function isDotName(name: string): boolean {
  return name === '.' || name === '..';
}

export class ImageMainBackend implements Nfs3Backend {
  readonly name: string;
  readonly stats: ImageMainBackendStats = { retries: 0, unavailable: 0 };
  private readonly handles: ImageHandles;
  private readonly deadlineMs: number;
  private readonly credentials = new Map<string, OpaqueAuth>();
  /** `${dir path}\0${verifier hex}` -> the link that issued it. */
  private readonly verifiers = new Map<string, ServerLink>();
  private manifestLoad: Promise<void> | undefined;
  private manifestLoaded = false;
  private closed = false;

  constructor(private readonly options: ImageMainBackendOptions) {
    this.name = options.name;
    this.handles = options.handles;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  }

  /** Later calls fail at once instead of retrying (shutting down). */
  markClosed(): void {
    this.closed = true;
  }

  getattr(args: GetattrArgs, caller?: BackendCaller): Promise<GetattrResult> {
    return this.onObject(caller, args.object, (status) => ({ status }), (fh, a) => a.link.nfs.getattr({ object: fh }, a.options));
  }

  lookup(args: LookupArgs, caller?: BackendCaller): Promise<LookupResult> {
    const { dir, name } = args.what;
    return this.onObject(caller, dir, (status) => ({ status, dirAttributes: undefined }), async (fh, a, dirPath) => {
      const path = childPath(dirPath, name);
      if (isDotName(name)) {
        // The version's root is a subdirectory of the server's export: its ".." must stay the root.
        const target = await this.target(a, path);
        if (!target.ok) return { status: target.status, dirAttributes: undefined };
        const attrs = await a.link.nfs.getattr({ object: target.fh }, a.options);
        if (attrs.status !== Nfsstat3.NFS3_OK) return { status: attrs.status, dirAttributes: undefined };
        return { status: Nfsstat3.NFS3_OK, object: this.handles.handleOf(path), objAttributes: attrs.objAttributes, dirAttributes: undefined };
      }
      const found = await a.link.nfs.lookup({ what: { dir: fh, name } }, a.options);
      if (found.status !== Nfsstat3.NFS3_OK) return found;
      a.link.remember(path, found.object);
      return { ...found, object: this.handles.handleOf(path) };
    });
  }

  access(args: AccessArgs, caller?: BackendCaller): Promise<AccessResult> {
    return this.onObject(caller, args.object, (status) => ({ status, objAttributes: undefined }), (fh, a) => a.link.nfs.access({ ...args, object: fh }, a.options));
  }

  readlink(args: ReadlinkArgs, caller?: BackendCaller): Promise<ReadlinkResult> {
    return this.onObject(caller, args.symlink, (status) => ({ status, symlinkAttributes: undefined }), (fh, a) => a.link.nfs.readlink({ symlink: fh }, a.options));
  }

  read(args: ReadArgs, caller?: BackendCaller): Promise<ReadResult> {
    return this.onObject(caller, args.file, (status) => ({ status, fileAttributes: undefined }), (fh, a) => a.link.nfs.read({ ...args, file: fh }, a.options));
  }

  readdir(args: ReaddirArgs, caller?: BackendCaller): Promise<ReaddirResult> {
    return this.onObject(caller, args.dir, (status) => ({ status, dirAttributes: undefined }), async (fh, a, path) => {
      const page = await a.link.nfs.readdir({ ...args, dir: fh, cookieverf: this.verifierFor(a.link, path, args.cookieverf) }, a.options);
      if (page.status === Nfsstat3.NFS3_OK) this.noteVerifier(a.link, path, page.cookieverf);
      return page;
    });
  }

  readdirplus(args: ReaddirplusArgs, caller?: BackendCaller): Promise<ReaddirplusResult> {
    return this.onObject(caller, args.dir, (status) => ({ status, dirAttributes: undefined }), async (fh, a, dirPath) => {
      const page = await a.link.nfs.readdirplus({ ...args, dir: fh, cookieverf: this.verifierFor(a.link, dirPath, args.cookieverf) }, a.options);
      if (page.status !== Nfsstat3.NFS3_OK) return page;
      this.noteVerifier(a.link, dirPath, page.cookieverf);
      const entries = page.entries.map((entry) => {
        if (entry.nameHandle === undefined) return entry;
        const path = childPath(dirPath, entry.name);
        // Dot entries of the version's root name directories outside the image on the server.
        if (!isDotName(entry.name)) a.link.remember(path, entry.nameHandle);
        return { ...entry, nameHandle: this.handles.handleOf(path) };
      });
      return { ...page, entries };
    });
  }

  fsstat(args: FsstatArgs, caller?: BackendCaller): Promise<FsstatResult> {
    return this.onObject(caller, args.fsroot, (status) => ({ status, objAttributes: undefined }), (fh, a) => a.link.nfs.fsstat({ fsroot: fh }, a.options));
  }

  fsinfo(args: FsinfoArgs, caller?: BackendCaller): Promise<FsinfoResult> {
    return this.onObject(caller, args.fsroot, (status) => ({ status, objAttributes: undefined }), (fh, a) => a.link.nfs.fsinfo({ fsroot: fh }, a.options));
  }

  pathconf(args: PathconfArgs, caller?: BackendCaller): Promise<PathconfResult> {
    return this.onObject(caller, args.object, (status) => ({ status, objAttributes: undefined }), (fh, a) => a.link.nfs.pathconf({ object: fh }, a.options));
  }

  // Main is read-only: the proxy never sends these to it; answered here without a round trip.
  setattr(_args: SetattrArgs): Promise<SetattrResult> {
    return Promise.resolve({ status: Nfsstat3.NFS3ERR_ROFS, objWcc: NO_WCC });
  }

  write(_args: WriteArgs): Promise<WriteResult> {
    return Promise.resolve({ status: Nfsstat3.NFS3ERR_ROFS, fileWcc: NO_WCC });
  }

  create(_args: CreateArgs): Promise<CreateResult> {
    return Promise.resolve({ status: Nfsstat3.NFS3ERR_ROFS, dirWcc: NO_WCC });
  }

  mkdir(_args: MkdirArgs): Promise<MkdirResult> {
    return Promise.resolve({ status: Nfsstat3.NFS3ERR_ROFS, dirWcc: NO_WCC });
  }

  symlink(_args: SymlinkArgs): Promise<SymlinkResult> {
    return Promise.resolve({ status: Nfsstat3.NFS3ERR_ROFS, dirWcc: NO_WCC });
  }

  mknod(_args: MknodArgs): Promise<MknodResult> {
    return Promise.resolve({ status: Nfsstat3.NFS3ERR_ROFS, dirWcc: NO_WCC });
  }

  remove(_args: RemoveArgs): Promise<RemoveResult> {
    return Promise.resolve({ status: Nfsstat3.NFS3ERR_ROFS, dirWcc: NO_WCC });
  }

  rmdir(_args: RmdirArgs): Promise<RmdirResult> {
    return Promise.resolve({ status: Nfsstat3.NFS3ERR_ROFS, dirWcc: NO_WCC });
  }

  rename(_args: RenameArgs): Promise<RenameResult> {
    return Promise.resolve({ status: Nfsstat3.NFS3ERR_ROFS, fromdirWcc: NO_WCC, todirWcc: NO_WCC });
  }

  link(_args: LinkArgs): Promise<LinkResult> {
    return Promise.resolve({ status: Nfsstat3.NFS3ERR_ROFS, fileAttributes: undefined, linkdirWcc: NO_WCC });
  }

  commit(_args: CommitArgs): Promise<CommitResult> {
    return Promise.resolve({ status: Nfsstat3.NFS3ERR_ROFS, fileWcc: NO_WCC });
  }

  /** Runs `call` on the server handle of the object `handle` names; `fail` builds the procedure's failure body. */
  private onObject<R extends { status: Nfsstat3 }>(
    caller: BackendCaller | undefined,
    handle: Buffer,
    fail: (status: Nfsstat3Error) => R,
    call: (fh: Buffer, attempt: Attempt, path: string) => Promise<R>,
  ): Promise<R> {
    return this.run(caller, async (a) => {
      const path = await this.pathOf(a, handle);
      if (typeof path !== 'string') return fail(path.status);
      const target = await this.target(a, path);
      if (!target.ok) return fail(target.status);
      const result = await call(target.fh, a, path);
      if (result.status === Nfsstat3.NFS3ERR_STALE || result.status === Nfsstat3.NFS3ERR_BADHANDLE) {
        throw new ServerForgotHandleError(`server ${a.link.label} no longer knows its handle of /${path}`);
      }
      return result;
    });
  }

  /** The image path of a handle the proxy holds; handles of an earlier run are found in the manifest. */
  private async pathOf(a: Attempt, handle: Buffer): Promise<string | { status: Nfsstat3Error }> {
    const known = this.handles.pathOf(handle);
    if (known !== undefined) return known;
    if (!ImageHandles.looksLikeImageHandle(handle)) return { status: Nfsstat3.NFS3ERR_BADHANDLE };
    if (!this.manifestLoaded) {
      this.manifestLoad ??= this.options.loadPaths(a.link, a.options).then(
        (paths) => {
          for (const path of paths) this.handles.handleOf(path);
          this.manifestLoaded = true;
          this.options.logger.info(`found the handles of an earlier run in the manifest (${this.handles.size} paths)`);
        },
        (error: unknown) => {
          this.manifestLoad = undefined;
          throw error;
        },
      );
      await this.manifestLoad;
    }
    return this.handles.pathOf(handle) ?? { status: Nfsstat3.NFS3ERR_STALE };
  }

  private async target(a: Attempt, path: string): Promise<Target> {
    const found = await a.link.handleOf(path, a.credential, a.timeoutMs);
    if (found.status === Nfsstat3.NFS3_OK) return { ok: true, fh: found.fh, path };
    if (found.status === Nfsstat3.NFS3ERR_STALE || found.status === Nfsstat3.NFS3ERR_BADHANDLE) {
      throw new ServerForgotHandleError(`server ${a.link.label} no longer knows its handles on the way to /${path}`);
    }
    // The manifest says the path exists; this server's copy disagrees.
    this.options.logger.warn(`server ${a.link.label} has no /${path} (status ${found.status}); answering STALE`);
    return { ok: false, status: Nfsstat3.NFS3ERR_STALE };
  }

  /** A cookie verifier goes back only to the server that issued it; another one gets zero (RFC 1813 3.3.16: "no verifier"). */
  private verifierFor(link: ServerLink, path: string, verifier: Buffer): Buffer {
    if (verifier.equals(ZERO_VERIFIER)) return verifier;
    return this.verifiers.get(`${path}\0${verifier.toString('hex')}`) === link ? verifier : ZERO_VERIFIER;
  }

  private noteVerifier(link: ServerLink, path: string, verifier: Buffer): void {
    if (this.verifiers.size >= MAX_VERIFIERS) this.verifiers.clear();
    this.verifiers.set(`${path}\0${verifier.toString('hex')}`, link);
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

  private async run<T>(caller: BackendCaller | undefined, attempt: (a: Attempt) => Promise<T>): Promise<T> {
    const credential = this.credentialFor(caller ?? ROOT_BACKEND_CALLER);
    const started = performance.now();
    const deadline = started + this.deadlineMs;
    const { failoverAfterMs, logger, selector } = this.options;
    for (let attempts = 1; ; attempts++) {
      const attemptStarted = performance.now();
      const timeoutMs = Math.max(1, Math.min(failoverAfterMs, deadline - attemptStarted));
      let link: ServerLink | undefined;
      try {
        link = await selector.current();
        const result = await attempt({ link, credential, timeoutMs, options: { credential, timeoutMs } });
        link.noteProgress();
        return result;
      } catch (error) {
        if (!isRetryable(error)) throw new UpstreamReplyError(`${this.name}: unusable reply`, { cause: error });
        const now = performance.now();
        if (link !== undefined) {
          if (error instanceof ServerForgotHandleError) selector.abandon(link, error.message);
          else if (now - link.lastProgressAt >= failoverAfterMs) selector.abandon(link, `no reply for ${Math.round(now - link.lastProgressAt)} ms`);
        }
        if (this.closed || now >= deadline) {
          this.stats.unavailable++;
          logger.warn(`${this.name} did not answer; replying NFS3ERR_JUKEBOX`, { waitedMs: Math.round(now - started), attempts, error });
          throw new UpstreamUnavailableError(this.name, now - started, { cause: error });
        }
        this.stats.retries++;
        if (attempts === 1) logger.debug(`${this.name}: ${(error as Error).message}; retrying`);
        // No holder reachable: ask the DHT again after a pause, not in a tight loop.
        const pauseMs = error instanceof ImageUnavailableError ? NO_SERVER_PAUSE_MS : now - attemptStarted < FAST_FAILURE_MS ? RETRY_PAUSE_MS : 0;
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(pauseMs, deadline - now)));
      }
    }
  }
}
