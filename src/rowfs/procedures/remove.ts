import { Nfsstat3 } from '../../nfs/index.js';
import type { RemoveArgs, RemoveResult } from '../../nfs/index.js';
import type { CallScope } from '../call-scope.js';
import { removeName } from './remove-name.js';

/** REMOVE (RFC 1813 section 3.3.12): see remove-name.ts. */
export async function remove(scope: CallScope, args: RemoveArgs): Promise<RemoveResult> {
  const { dirWcc } = await removeName(scope, args.object.dir, args.object.name, false);
  return { status: Nfsstat3.NFS3_OK, dirWcc };
}
