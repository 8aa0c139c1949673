import { Nfsstat3 } from './constants.js';
import type { Nfsstat3Error } from './constants.js';

/**
 * Node fs error codes (`err.code`) to NFSv3 statuses, for servers over a local directory.
 * Transient resource shortages become NFS3ERR_JUKEBOX ("try again later", RFC 1813
 * section 2.6), as the Linux server does, so clients retry instead of failing the call.
 */
const errnoTable: ReadonlyMap<string, Nfsstat3Error> = new Map(Object.entries({
  EPERM: Nfsstat3.NFS3ERR_PERM,
  ENOENT: Nfsstat3.NFS3ERR_NOENT,
  EIO: Nfsstat3.NFS3ERR_IO,
  ENXIO: Nfsstat3.NFS3ERR_NXIO,
  EACCES: Nfsstat3.NFS3ERR_ACCES,
  EEXIST: Nfsstat3.NFS3ERR_EXIST,
  EXDEV: Nfsstat3.NFS3ERR_XDEV,
  ENODEV: Nfsstat3.NFS3ERR_NODEV,
  ENOTDIR: Nfsstat3.NFS3ERR_NOTDIR,
  EISDIR: Nfsstat3.NFS3ERR_ISDIR,
  EINVAL: Nfsstat3.NFS3ERR_INVAL,
  EFBIG: Nfsstat3.NFS3ERR_FBIG,
  ENOSPC: Nfsstat3.NFS3ERR_NOSPC,
  EROFS: Nfsstat3.NFS3ERR_ROFS,
  EMLINK: Nfsstat3.NFS3ERR_MLINK,
  ENAMETOOLONG: Nfsstat3.NFS3ERR_NAMETOOLONG,
  ENOTEMPTY: Nfsstat3.NFS3ERR_NOTEMPTY,
  EDQUOT: Nfsstat3.NFS3ERR_DQUOT,
  ESTALE: Nfsstat3.NFS3ERR_STALE,
  EREMOTE: Nfsstat3.NFS3ERR_REMOTE,
  // A symlink met where a file or directory was required (O_NOFOLLOW): NFSv3 has no
  // "is a symlink" status; INVAL is what READ/WRITE on a non-regular file return.
  ELOOP: Nfsstat3.NFS3ERR_INVAL,
  EOVERFLOW: Nfsstat3.NFS3ERR_INVAL,
  ENOTSUP: Nfsstat3.NFS3ERR_NOTSUPP,
  EOPNOTSUPP: Nfsstat3.NFS3ERR_NOTSUPP,
  ENOSYS: Nfsstat3.NFS3ERR_NOTSUPP,
  EAGAIN: Nfsstat3.NFS3ERR_JUKEBOX,
  EWOULDBLOCK: Nfsstat3.NFS3ERR_JUKEBOX,
  ETIMEDOUT: Nfsstat3.NFS3ERR_JUKEBOX,
  ENOMEM: Nfsstat3.NFS3ERR_JUKEBOX,
  EMFILE: Nfsstat3.NFS3ERR_JUKEBOX,
  ENFILE: Nfsstat3.NFS3ERR_JUKEBOX,
} satisfies Record<string, Nfsstat3Error>));

/** The NFSv3 status for a Node fs error code; anything unknown is NFS3ERR_IO. */
export function errnoToNfsstat3(code: string | undefined): Nfsstat3Error {
  return (code !== undefined ? errnoTable.get(code) : undefined) ?? Nfsstat3.NFS3ERR_IO;
}

const statusTable = new Map<number, string>([
  [Nfsstat3.NFS3ERR_PERM, 'EPERM'],
  [Nfsstat3.NFS3ERR_NOENT, 'ENOENT'],
  [Nfsstat3.NFS3ERR_IO, 'EIO'],
  [Nfsstat3.NFS3ERR_NXIO, 'ENXIO'],
  [Nfsstat3.NFS3ERR_ACCES, 'EACCES'],
  [Nfsstat3.NFS3ERR_EXIST, 'EEXIST'],
  [Nfsstat3.NFS3ERR_XDEV, 'EXDEV'],
  [Nfsstat3.NFS3ERR_NODEV, 'ENODEV'],
  [Nfsstat3.NFS3ERR_NOTDIR, 'ENOTDIR'],
  [Nfsstat3.NFS3ERR_ISDIR, 'EISDIR'],
  [Nfsstat3.NFS3ERR_INVAL, 'EINVAL'],
  [Nfsstat3.NFS3ERR_FBIG, 'EFBIG'],
  [Nfsstat3.NFS3ERR_NOSPC, 'ENOSPC'],
  [Nfsstat3.NFS3ERR_ROFS, 'EROFS'],
  [Nfsstat3.NFS3ERR_MLINK, 'EMLINK'],
  [Nfsstat3.NFS3ERR_NAMETOOLONG, 'ENAMETOOLONG'],
  [Nfsstat3.NFS3ERR_NOTEMPTY, 'ENOTEMPTY'],
  [Nfsstat3.NFS3ERR_DQUOT, 'EDQUOT'],
  [Nfsstat3.NFS3ERR_STALE, 'ESTALE'],
  [Nfsstat3.NFS3ERR_REMOTE, 'EREMOTE'],
  [Nfsstat3.NFS3ERR_BADHANDLE, 'ESTALE'],
  [Nfsstat3.NFS3ERR_NOTSUPP, 'ENOTSUP'],
  [Nfsstat3.NFS3ERR_JUKEBOX, 'EAGAIN'],
]);

/**
 * The errno name a local file system API would report for an NFSv3 status (client side,
 * e.g. a FUSE-like consumer). Statuses with no errno counterpart map to EIO.
 */
export function nfsstat3ToErrno(status: Nfsstat3Error): string {
  return statusTable.get(status) ?? 'EIO';
}
