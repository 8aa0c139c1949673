import { Ftype3, NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { Nfs3Result, Nfsstat3Error } from '../../nfs/index.js';
import type { VNode } from '../node.js';

export function requireDirectory(node: VNode): void {
  if (node.type !== Ftype3.NF3DIR) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOTDIR);
}

/** READ, WRITE and COMMIT work on regular files: ISDIR for a directory, INVAL for the rest (as knfsd). */
export function requireRegularFile(node: VNode): void {
  if (node.type === Ftype3.NF3DIR) throw new NfsStatusError(Nfsstat3.NFS3ERR_ISDIR);
  if (node.type !== Ftype3.NF3REG) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL);
}

/** Narrows an upstream result to its success arm, or throws its status. */
export function expectOk<Ok, Fail>(result: Nfs3Result<Ok, Fail>): { status: typeof Nfsstat3.NFS3_OK } & Ok {
  if (result.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(result.status as Nfsstat3Error);
  return result as { status: typeof Nfsstat3.NFS3_OK } & Ok;
}
