import { NFS3_MAX_NAME_BYTES, NfsStatusError, Nfsstat3 } from '../nfs/index.js';

export function isDotName(name: string): boolean {
  return name === '.' || name === '..';
}

/**
 * A name that may be created or removed in a directory: one path component (no "/" or
 * NUL, RFC 1813 section 2.5 leaves it to the server; we act as the Linux server), not
 * empty, within NAME_MAX bytes. "." and ".." are checked by each procedure, since the RFC
 * gives them procedure-specific errors.
 */
export function checkName(name: string): void {
  if (name.length === 0 || name.includes('/') || name.includes('\0')) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL);
  if (Buffer.byteLength(name, 'utf8') > NFS3_MAX_NAME_BYTES) throw new NfsStatusError(Nfsstat3.NFS3ERR_NAMETOOLONG);
}

/** Prefix of the names the proxy moves stray shadow objects to (never visible to clients). */
export const LEFTOVER_PREFIX = '.rowfs-leftover-';
