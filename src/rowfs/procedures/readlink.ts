import { Ftype3, NfsStatusError, Nfs3Proc, Nfsstat3 } from '../../nfs/index.js';
import type { ReadlinkArgs, ReadlinkResult } from '../../nfs/index.js';
import { virtualPostOp } from '../attributes.js';
import type { CallScope } from '../call-scope.js';

/** READLINK (RFC 1813 section 3.3.5): from the symlink's server. */
export async function readlink(scope: CallScope, args: ReadlinkArgs): Promise<ReadlinkResult> {
  const node = scope.resolve(args.symlink);
  if (node.type !== Ftype3.NF3LNK) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL);
  const result = await scope.onSource(node, Nfs3Proc.READLINK, { symlink: node.shadowFh ?? node.mainFh ?? Buffer.alloc(0) });
  return { ...result, symlinkAttributes: virtualPostOp(scope.ctx, node, result.symlinkAttributes) };
}
