import { Ftype3, Nfs3Proc } from '../../nfs/index.js';
import type { MkdirArgs, MkdirResult } from '../../nfs/index.js';
import type { CallScope } from '../call-scope.js';
import { createNamed } from './new-object.js';

/** MKDIR (RFC 1813 section 3.3.9): a new directory in the shadow (see new-object.ts). */
export function mkdir(scope: CallScope, args: MkdirArgs): Promise<MkdirResult> {
  return createNamed(scope, args.where, {
    type: Ftype3.NF3DIR,
    make: (dirFh) => scope.shadow(Nfs3Proc.MKDIR, { where: { dir: dirFh, name: args.where.name }, attributes: args.attributes }),
  });
}
