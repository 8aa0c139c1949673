import { Ftype3, Mountstat3, NFS3_MAX_NAME_BYTES, NfsStatusError, Nfsstat3 } from '../nfs/index.js';
import type { Mountstat3Error, Nfsstat3Error } from '../nfs/index.js';
import type { CallScope } from './call-scope.js';
import { RowfsError, UpstreamUnavailableError } from './errors.js';
import { lookupChild } from './namespace.js';
import type { VNode } from './node.js';

/** A MNT dirpath that names no mountable directory, with the status the MNT reply carries. */
export class MountPathError extends RowfsError {
  constructor(
    readonly status: Mountstat3Error,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Path components, without empty ones ("//") and "." (both name the directory they are in). */
function componentsOf(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * The components of `dirpath` below the export `exportPath`, or a MountPathError: NOENT if
 * it is neither the export nor below it, ACCES for a ".." (knfsd resolves it against the
 * server's own tree; we never leave the export, so we refuse it rather than guess),
 * NAMETOOLONG for a component over NAME_MAX.
 */
export function componentsBelowExport(exportPath: string, dirpath: string): string[] {
  if (!dirpath.startsWith('/')) throw new MountPathError(Mountstat3.MNT3ERR_NOENT, `${dirpath} is not an absolute path`);
  const wanted = componentsOf(dirpath);
  if (wanted.includes('..')) throw new MountPathError(Mountstat3.MNT3ERR_ACCES, `${dirpath} has a ".." component`);
  const exported = componentsOf(exportPath);
  if (wanted.length < exported.length || exported.some((part, index) => wanted[index] !== part)) {
    throw new MountPathError(Mountstat3.MNT3ERR_NOENT, `${dirpath} is not ${exportPath} or below it`);
  }
  const below = wanted.slice(exported.length);
  for (const name of below) {
    if (name.includes('\0')) throw new MountPathError(Mountstat3.MNT3ERR_INVAL, `${dirpath} has a NUL byte`);
    if (Buffer.byteLength(name, 'utf8') > NFS3_MAX_NAME_BYTES) throw new MountPathError(Mountstat3.MNT3ERR_NAMETOOLONG, `${name} is too long`);
  }
  return below;
}

/** NFS statuses a LOOKUP during the walk may fail with that MOUNT v3 has a code for (same errno values, RFC 1813 Appendix I). */
const MOUNTSTAT_OF_NFSSTAT: Partial<Record<Nfsstat3Error, Mountstat3Error>> = {
  [Nfsstat3.NFS3ERR_PERM]: Mountstat3.MNT3ERR_PERM,
  [Nfsstat3.NFS3ERR_NOENT]: Mountstat3.MNT3ERR_NOENT,
  [Nfsstat3.NFS3ERR_IO]: Mountstat3.MNT3ERR_IO,
  [Nfsstat3.NFS3ERR_ACCES]: Mountstat3.MNT3ERR_ACCES,
  [Nfsstat3.NFS3ERR_NOTDIR]: Mountstat3.MNT3ERR_NOTDIR,
  [Nfsstat3.NFS3ERR_INVAL]: Mountstat3.MNT3ERR_INVAL,
  [Nfsstat3.NFS3ERR_NAMETOOLONG]: Mountstat3.MNT3ERR_NAMETOOLONG,
  [Nfsstat3.NFS3ERR_STALE]: Mountstat3.MNT3ERR_NOENT,
};

/**
 * The directory `names` leads to from the session's root, walked one name at a time
 * through the merged view (namespace.ts lookupChild), so whiteouts, renames and
 * directories that exist only in the shadow count exactly as they do for LOOKUP. Every
 * component must be a directory; a symbolic link is NOTDIR (not followed: its target could
 * lead outside the export).
 */
export async function resolveMountDirectory(scope: CallScope, root: VNode, names: readonly string[], dirpath: string): Promise<VNode> {
  let dir = root;
  for (const name of names) {
    let found;
    try {
      found = await lookupChild(scope, dir, name);
    } catch (error) {
      if (error instanceof NfsStatusError) {
        const status = MOUNTSTAT_OF_NFSSTAT[error.status];
        if (status !== undefined) throw new MountPathError(status, `${dirpath}: ${name}: ${error.message}`, { cause: error });
      }
      // An upstream that stalls: the client's mount retries (there is no JUKEBOX in MOUNT).
      if (error instanceof UpstreamUnavailableError) throw new MountPathError(Mountstat3.MNT3ERR_IO, `${dirpath}: ${error.message}`, { cause: error });
      throw error;
    }
    if (found === undefined) throw new MountPathError(Mountstat3.MNT3ERR_NOENT, `${dirpath}: no ${name}`);
    if (found.node.type !== Ftype3.NF3DIR) throw new MountPathError(Mountstat3.MNT3ERR_NOTDIR, `${dirpath}: ${name} is not a directory`);
    dir = found.node;
  }
  return dir;
}
