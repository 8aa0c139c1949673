import { Ftype3, NfsStatusError, Nfs3Proc, Nfsstat3 } from '../../nfs/index.js';
import type { MknodArgs, MknodResult } from '../../nfs/index.js';
import type { CallScope } from '../call-scope.js';
import { createNamed } from './new-object.js';

/** MKNOD (RFC 1813 section 3.3.11): a device, FIFO or socket in the shadow; other types are BADTYPE. */
export function mknod(scope: CallScope, args: MknodArgs): Promise<MknodResult> {
  const type = args.what.type;
  if (type === Ftype3.NF3REG || type === Ftype3.NF3DIR || type === Ftype3.NF3LNK) {
    return Promise.reject(new NfsStatusError(Nfsstat3.NFS3ERR_BADTYPE));
  }
  return createNamed(scope, args.where, {
    type,
    make: (dirFh) => scope.shadow(Nfs3Proc.MKNOD, { where: { dir: dirFh, name: args.where.name }, what: args.what }),
  });
}
