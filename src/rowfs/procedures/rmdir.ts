import { Nfsstat3 } from '../../nfs/index.js';
import type { RmdirArgs, RmdirResult } from '../../nfs/index.js';
import type { CallScope } from '../call-scope.js';
import { removeName } from './remove-name.js';

/** RMDIR (RFC 1813 section 3.3.13): see remove-name.ts. */
export async function rmdir(scope: CallScope, args: RmdirArgs): Promise<RmdirResult> {
  const { dirWcc } = await removeName(scope, args.object.dir, args.object.name, true);
  return { status: Nfsstat3.NFS3_OK, dirWcc };
}
