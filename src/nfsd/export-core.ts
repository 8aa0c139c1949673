import { createHash, randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { lstatSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { errnoToNfsstat3, NfsStatusError, Nfsstat3 } from '../nfs/index.js';
import type { Fattr3, Nfsstat3Error, PostOpAttr, WccAttr, WccData } from '../nfs/index.js';
import { isDirectoryMode, isRegularMode, toFattr3, toWccAttr } from './attributes.js';
import { DirListingCache } from './dir-listing.js';
import { ExportDirError } from './errors.js';
import { FdCache } from './fd-cache.js';
import type { OpenFile } from './fd-cache.js';
import { FileHandleCodec } from './file-handle.js';
import { loadHandleKey } from './handle-key.js';
import { InodeNumbering } from './inode-identity.js';
import type { NfsdLogger } from './logger.js';
import { silentLogger } from './logger.js';
import { NodeTable } from './node-table.js';
import type { NodeEntry } from './node-table.js';
import { Rescanner } from './rescanner.js';

export interface ExportFsOptions {
  /** The directory to export; its real absolute path is the MOUNT path. */
  exportDir: string;
  /** Where the handle key lives (created 0600 on first start). */
  stateDir: string;
  /** Answer NFS3ERR_ROFS to every modifying call. */
  readOnly?: boolean;
  logger?: NfsdLogger;
  /** Open file descriptors kept for READ/WRITE/COMMIT (default 256). */
  maxOpenFiles?: number;
  /** Directory listings kept for READDIR paging (default 64). */
  maxCachedListings?: number;
  /** Objects a rescan records at most (default 4,000,000). */
  maxScanEntries?: number;
  /** chown created objects to the caller (default: when this process runs as root). */
  setOwner?: boolean;
}

/** A handle resolved to the object it names, with fresh lstat attributes. */
export interface ResolvedNode {
  entry: NodeEntry;
  path: string;
  stats: BigIntStats;
}

const DEFAULT_MAX_OPEN_FILES = 256;
const DEFAULT_MAX_CACHED_LISTINGS = 64;
const DEFAULT_MAX_SCAN_ENTRIES = 4_000_000;
/** The errno name of a failed system call ("ENOENT"); Node's own argument errors ("ERR_...") are not errnos. */
function errnoCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return code !== undefined && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * The machinery every procedure shares: handle resolution, attributes, the node table,
 * open files and directory listings of one exported directory. File system metadata calls
 * are synchronous on purpose: they cost microseconds on a local disk (a thread-pool round
 * trip costs ten times more), and a handler's path lookups and node-table updates then
 * run without interleaving with another call's rename, so paths cannot be swapped under
 * them. Data transfers (READ, WRITE, fsync) stay asynchronous.
 */
export class ExportCore {
  /** The export as the operator named it, made absolute: the MOUNT path (as knfsd and nfs-ganesha use it). */
  readonly exportPath: string;
  /** The same directory with symlinks resolved: every file system call starts here, and MNT accepts it too. */
  readonly realPath: string;
  readonly fsid: bigint;
  readonly readOnly: boolean;
  readonly setOwner: boolean;
  /** writeverf3 of this boot (RFC 1813 section 3.3.7): a restart changes it, so clients resend uncommitted data. */
  readonly writeVerifier: Buffer = randomBytes(8);
  readonly logger: NfsdLogger;
  readonly table: NodeTable;
  readonly numbering: InodeNumbering;
  readonly fds: FdCache;
  readonly listings: DirListingCache;
  private readonly codec: FileHandleCodec;
  private readonly rescanner: Rescanner;

  private constructor(options: ExportFsOptions, realPath: string, rootStats: BigIntStats, key: Buffer) {
    this.exportPath = resolve(options.exportDir);
    this.realPath = realPath;
    this.readOnly = options.readOnly ?? false;
    this.setOwner = options.setOwner ?? process.getuid?.() === 0;
    this.logger = options.logger ?? silentLogger;
    // fsid from the export's real path, not st_dev: device numbers can change across host reboots.
    this.fsid = createHash('sha256').update(realPath).digest().readBigUInt64BE(0);
    this.codec = new FileHandleCodec(key, realPath);
    this.numbering = new InodeNumbering(rootStats.dev);
    this.table = new NodeTable(this.codec, realPath, this.numbering.identityOf(rootStats));
    this.rescanner = new Rescanner(this.table, this.numbering, options.maxScanEntries ?? DEFAULT_MAX_SCAN_ENTRIES, this.logger);
    this.fds = new FdCache(options.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES, this.readOnly);
    this.listings = new DirListingCache(options.maxCachedListings ?? DEFAULT_MAX_CACHED_LISTINGS);
  }

  static async create(options: ExportFsOptions): Promise<ExportCore> {
    let realPath: string;
    let rootStats: BigIntStats;
    try {
      realPath = realpathSync(options.exportDir);
      rootStats = lstatSync(realPath, { bigint: true });
    } catch (error) {
      throw new ExportDirError(`cannot export ${options.exportDir}`, { cause: error });
    }
    if (!isDirectoryMode(rootStats.mode)) throw new ExportDirError(`cannot export ${options.exportDir}: not a directory`);
    const key = await loadHandleKey(options.stateDir);
    return new ExportCore(options, realPath, rootStats, key);
  }

  get rootHandle(): Buffer {
    return this.table.root.handle;
  }

  close(): void {
    this.fds.closeAll();
  }

  // ---- handles

  /** The node a handle names, or BADHANDLE (not one of ours) / STALE (no longer exists). */
  async resolve(handle: Buffer): Promise<ResolvedNode> {
    const known = this.table.byHandle(handle);
    if (known !== undefined) {
      const found = this.verify(known);
      if (found !== undefined) return found;
    }
    const identity = this.codec.decode(handle);
    if (identity === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_BADHANDLE);
    if (this.table.isGone(identity.fileid, identity.generation)) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE);
    await this.rescanner.lookFor(identity.fileid);
    const entry = this.table.entryOf(identity.fileid);
    if (entry !== undefined && entry.identity.generation === identity.generation) {
      const found = this.verify(entry);
      if (found !== undefined) return found;
    }
    throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE);
  }

  /**
   * `node` again, checked now. Resolving another handle may await a rescan, during which
   * other calls run and may rename things: a procedure holding several nodes revalidates
   * the earlier ones after its last await, so every path it uses is current.
   */
  revalidate(node: ResolvedNode): ResolvedNode {
    const found = this.verify(node.entry);
    if (found === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE, 'object moved or removed meanwhile');
    return found;
  }

  /** The export root with fresh attributes; undefined if the directory was removed or replaced. */
  root(): ResolvedNode | undefined {
    return this.verify(this.table.root);
  }

  requireDirectory(node: ResolvedNode): void {
    if (!isDirectoryMode(node.stats.mode)) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOTDIR);
  }

  /** The entry's recorded path still holds its inode: one lstat. */
  private verify(entry: NodeEntry): ResolvedNode | undefined {
    const path = this.table.pathOf(entry);
    const stats = lstatSync(path, { bigint: true, throwIfNoEntry: false });
    if (stats === undefined || !this.numbering.matches(stats, entry.identity)) return undefined;
    return { entry, path, stats };
  }

  // ---- names inside a directory

  /** lstat of `name` in `dir`, recorded in the node table; undefined if there is no such name. */
  child(dir: ResolvedNode, name: string): ResolvedNode | undefined {
    const path = `${dir.path}/${name}`;
    const stats = lstatSync(path, { bigint: true, throwIfNoEntry: false });
    if (stats === undefined) return undefined;
    const entry = this.table.record(dir.entry, name, this.numbering.identityOf(stats), isDirectoryMode(stats.mode));
    return { entry, path, stats };
  }

  /** The parent of a resolved directory; the export root is its own parent (no escape by ".."). */
  parentOf(dir: ResolvedNode): ResolvedNode {
    const parent = dir.entry.parent;
    if (parent === undefined) return dir;
    const found = this.verify(parent);
    if (found === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE, 'parent directory moved');
    return found;
  }

  /** Something in `dir` was created, removed or renamed: its cached listing is out of date. */
  directoryChanged(dir: ResolvedNode): void {
    this.listings.invalidate(dir.entry.identity.fileid);
  }

  /**
   * `node` lost a name. With no name left (or a directory) its handle is stale for good
   * and its descriptor closes, so the space is freed; a file still linked elsewhere is
   * only forgotten, and a rescan finds its other name when a client asks.
   */
  unlinked(node: ResolvedNode): void {
    const key = node.entry.identity.fileid;
    const lastName = node.stats.nlink <= 1n || isDirectoryMode(node.stats.mode);
    if (lastName) {
      this.table.forget(node.entry, true);
      this.fds.evict(key);
      this.listings.invalidate(key);
    } else if (this.table.pathOf(node.entry) === node.path) {
      this.table.forget(node.entry, false);
    }
  }

  // ---- open files

  /**
   * An open descriptor for the regular file a handle names. A file with a cached
   * descriptor skips the path lookup altogether (the hot path of sequential READ/WRITE);
   * callers fstat the descriptor for attributes and release it when done.
   */
  async openFile(handle: Buffer, wantWrite: boolean): Promise<{ entry: NodeEntry; file: OpenFile }> {
    const known = this.table.byHandle(handle);
    if (known !== undefined && this.fds.has(known.identity.fileid, wantWrite)) {
      return { entry: known, file: this.fds.acquire(known.identity.fileid, () => this.table.pathOf(known), wantWrite, () => true) };
    }
    const node = await this.resolve(handle);
    if (isDirectoryMode(node.stats.mode)) throw new NfsStatusError(Nfsstat3.NFS3ERR_ISDIR);
    if (!isRegularMode(node.stats.mode)) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL, 'not a regular file');
    const file = this.fds.acquire(node.entry.identity.fileid, () => node.path, wantWrite, (stats) => this.numbering.matches(stats, node.entry.identity));
    return { entry: node.entry, file };
  }

  /** READDIR's cookieverf3 for a directory: derived from its handle, so stable across restarts. */
  cookieVerifier(dir: ResolvedNode): Buffer {
    return createHash('sha256').update(dir.entry.handle).digest().subarray(0, 8);
  }

  // ---- attributes

  fattr(node: ResolvedNode): Fattr3 {
    return toFattr3(node.stats, this.fsid, node.entry.identity.fileid);
  }

  fattrOf(entry: NodeEntry, stats: BigIntStats): Fattr3 {
    return toFattr3(stats, this.fsid, entry.identity.fileid);
  }

  /** Fresh attributes after an operation, or none if the object is gone or replaced. */
  postOpAttr(node: ResolvedNode | undefined): PostOpAttr {
    if (node === undefined) return undefined;
    const fresh = this.refresh(node);
    return fresh === undefined ? undefined : this.fattr(fresh);
  }

  refresh(node: ResolvedNode): ResolvedNode | undefined {
    let stats: BigIntStats | undefined;
    try {
      stats = lstatSync(node.path, { bigint: true, throwIfNoEntry: false });
    } catch {
      return undefined;
    }
    if (stats === undefined || !this.numbering.matches(stats, node.entry.identity)) return undefined;
    return { entry: node.entry, path: node.path, stats };
  }

  preOpAttr(node: ResolvedNode | undefined): WccAttr | undefined {
    return node === undefined ? undefined : toWccAttr(node.stats);
  }

  /** wcc_data for `node` given the attributes it had before the call. */
  wcc(node: ResolvedNode | undefined): WccData {
    return { before: this.preOpAttr(node), after: this.postOpAttr(node) };
  }

  // ---- errors

  assertWritable(): void {
    if (this.readOnly) throw new NfsStatusError(Nfsstat3.NFS3ERR_ROFS);
  }

  /**
   * The status for an operation failure: our own NfsStatusError, or a file system error
   * mapped by errno. Anything else is a bug and propagates (the RPC layer answers
   * SYSTEM_ERR and logs it).
   */
  statusOf(error: unknown): Nfsstat3Error {
    if (error instanceof NfsStatusError) return error.status;
    const code = errnoCode(error);
    if (code !== undefined) return errnoToNfsstat3(code);
    throw error;
  }
}
