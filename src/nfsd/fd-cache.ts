import { closeSync, constants as fsConstants, fstatSync, openSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../nfs/index.js';
import { isRegularMode } from './attributes.js';

/** An open descriptor shared by the READs, WRITEs and COMMITs of one file. */
export interface OpenFile {
  readonly fd: number;
  readonly writable: boolean;
  readonly key: bigint;
  users: number;
  evicted: boolean;
}

const { O_RDONLY, O_RDWR, O_NOFOLLOW, O_NONBLOCK } = fsConstants;
/** O_NOFOLLOW: never open through a symlink; O_NONBLOCK: a FIFO swapped in behind our back must not hang us. */
const SAFE_FLAGS = O_NOFOLLOW | O_NONBLOCK;

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}

/**
 * A bounded LRU of open regular files keyed by fileid, so sequential READs and WRITEs do
 * not pay an open/close each. Descriptors in use are never closed under a caller: an
 * evicted one closes when its last user releases it.
 */
export class FdCache {
  private readonly files = new Map<bigint, OpenFile>();

  constructor(
    private readonly limit: number,
    private readonly readOnly: boolean,
  ) {}

  get size(): number {
    return this.files.size;
  }

  /** A cached descriptor exists (and allows writing, if asked). */
  has(key: bigint, wantWrite: boolean): boolean {
    const file = this.files.get(key);
    return file !== undefined && (file.writable || !wantWrite);
  }

  /**
   * An open descriptor for the file `path()` names, which must be the inode `matches`
   * accepts (checked with fstat after opening, so a file swapped in meanwhile is refused).
   */
  acquire(key: bigint, path: () => string, wantWrite: boolean, matches: (stats: BigIntStats) => boolean): OpenFile {
    const cached = this.files.get(key);
    if (cached !== undefined && (cached.writable || !wantWrite)) {
      this.files.delete(key);
      this.files.set(key, cached);
      cached.users++;
      return cached;
    }
    if (cached !== undefined) this.evict(key);
    const file = this.open(key, path(), wantWrite, matches);
    this.files.set(key, file);
    file.users++;
    this.trim();
    return file;
  }

  private open(key: bigint, path: string, wantWrite: boolean, matches: (stats: BigIntStats) => boolean): OpenFile {
    let fd: number;
    let writable = !this.readOnly;
    try {
      fd = openSync(path, (writable ? O_RDWR : O_RDONLY) | SAFE_FLAGS);
    } catch (error) {
      const code = errnoCode(error);
      // An immutable file or a read-only mount still reads; only a WRITE must fail.
      if (!writable || wantWrite || (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS' && code !== 'ETXTBSY')) throw error;
      writable = false;
      fd = openSync(path, O_RDONLY | SAFE_FLAGS);
    }
    try {
      const stats = fstatSync(fd, { bigint: true });
      if (!isRegularMode(stats.mode) || !matches(stats)) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE, 'file replaced while opening');
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    return { fd, writable, key, users: 0, evicted: false };
  }

  /** Takes over a descriptor we just created the file with (CREATE), so the first WRITE needs no open. */
  adopt(key: bigint, fd: number, writable: boolean): void {
    this.evict(key);
    this.files.set(key, { fd, writable, key, users: 0, evicted: false });
    this.trim();
  }

  release(file: OpenFile): void {
    file.users--;
    if (file.users === 0 && file.evicted) closeSync(file.fd);
  }

  /** Closes (now or after its last user) the descriptor of a file that was removed or replaced. */
  evict(key: bigint): void {
    const file = this.files.get(key);
    if (file === undefined) return;
    this.files.delete(key);
    file.evicted = true;
    if (file.users === 0) closeSync(file.fd);
  }

  private trim(): void {
    if (this.files.size <= this.limit) return;
    for (const [key, file] of this.files) {
      if (this.files.size <= this.limit) break;
      if (file.users === 0) this.evict(key);
    }
  }

  closeAll(): void {
    for (const key of [...this.files.keys()]) this.evict(key);
  }
}
