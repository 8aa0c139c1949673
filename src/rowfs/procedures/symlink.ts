import { Ftype3, Nfs3Proc } from '../../nfs/index.js';
import type { SymlinkArgs, SymlinkResult } from '../../nfs/index.js';
import type { CallScope } from '../call-scope.js';
import { createNamed } from './new-object.js';

/** SYMLINK (RFC 1813 section 3.3.10): a new symbolic link in the shadow (see new-object.ts). */
export function symlink(scope: CallScope, args: SymlinkArgs): Promise<SymlinkResult> {
  return createNamed(scope, args.where, {
    type: Ftype3.NF3LNK,
    make: (dirFh) => scope.shadow(Nfs3Proc.SYMLINK, { where: { dir: dirFh, name: args.where.name }, symlink: args.symlink }),
  });
}
