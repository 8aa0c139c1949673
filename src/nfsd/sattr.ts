import { chmodSync, lchownSync, lutimesSync, truncateSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../nfs/index.js';
import type { Sattr3, SetTime } from '../nfs/index.js';
import { isDirectoryMode, isRegularMode, isSymlinkMode } from './attributes.js';
import type { NfsCaller } from './caller.js';

const PERMISSION_BITS = 0o7777;
/** POSIX set-group-ID bit (Node's fs.constants lacks it). */
const S_ISGID = 0o2000;

/**
 * Node's utimes takes seconds as a double: about 240 ns of precision today, so client
 * times are kept to well under a microsecond, not to the nanosecond.
 */
function secondsOf(time: SetTime, current: bigint): number {
  switch (time.how) {
    case 'dont-change':
      return Number(current) / 1e9;
    case 'server':
      return Date.now() / 1000;
    case 'client':
      return time.time.seconds + time.time.nseconds / 1e9;
  }
}

function applyTimes(path: string, stats: BigIntStats, attrs: Pick<Sattr3, 'atime' | 'mtime'>): void {
  if (attrs.atime.how === 'dont-change' && attrs.mtime.how === 'dont-change') return;
  // lutimes: never follow a symlink, its own times are what the client asked to set.
  lutimesSync(path, secondsOf(attrs.atime, stats.atimeNs), secondsOf(attrs.mtime, stats.mtimeNs));
}

/**
 * SETATTR's changes (RFC 1813 section 3.3.2) in the order the Linux server applies
 * them: size, owner (chown clears set-id bits), mode, then times (truncating moves mtime).
 * Symlinks are never followed: their mode cannot change on Linux and is left alone.
 */
export function applySattr(path: string, stats: BigIntStats, attrs: Sattr3): void {
  if (attrs.size !== undefined) {
    if (isDirectoryMode(stats.mode)) throw new NfsStatusError(Nfsstat3.NFS3ERR_ISDIR);
    if (!isRegularMode(stats.mode)) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL, 'size of a non-regular file');
    truncateSync(path, attrs.size);
  }
  const uid = attrs.uid !== undefined && BigInt(attrs.uid) !== stats.uid ? attrs.uid : -1;
  const gid = attrs.gid !== undefined && BigInt(attrs.gid) !== stats.gid ? attrs.gid : -1;
  if (uid !== -1 || gid !== -1) lchownSync(path, uid, gid);
  if (attrs.mode !== undefined && !isSymlinkMode(stats.mode)) chmodSync(path, attrs.mode & PERMISSION_BITS);
  applyTimes(path, stats, attrs);
}

export interface NewObjectSetup {
  /** The mode the object must end with (umask ignored); undefined leaves it as created (symlinks). */
  mode: number | undefined;
  attrs: Sattr3 | undefined;
  caller: NfsCaller;
  setOwner: boolean;
}

/**
 * Gives a just-created object the owner, mode and times the call asked for. The owner is
 * the sattr3's uid/gid, else the caller's, with the group inherited from a set-group-ID
 * parent as the kernel does; a directory inherits the parent's set-group-ID bit too.
 */
export function initializeNewObject(path: string, created: BigIntStats, parent: BigIntStats, setup: NewObjectSetup): void {
  const parentSetgid = (Number(parent.mode) & S_ISGID) !== 0;
  if (setup.setOwner) {
    const uid = setup.attrs?.uid ?? setup.caller.uid;
    const gid = setup.attrs?.gid ?? (parentSetgid ? Number(parent.gid) : setup.caller.gid);
    if (BigInt(uid) !== created.uid || BigInt(gid) !== created.gid) lchownSync(path, uid, gid);
  }
  if (setup.mode !== undefined) {
    let mode = setup.mode & PERMISSION_BITS;
    if (parentSetgid && isDirectoryMode(created.mode)) mode |= S_ISGID;
    // Always chmod: the process umask shaped the created mode, and chown may clear set-id bits.
    chmodSync(path, mode);
  }
  if (setup.attrs !== undefined) {
    if (setup.attrs.size !== undefined && setup.attrs.size > 0 && isRegularMode(created.mode)) truncateSync(path, setup.attrs.size);
    applyTimes(path, created, setup.attrs);
  }
}
