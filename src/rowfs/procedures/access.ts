import { Nfsstat3 } from '../../nfs/index.js';
import type { AccessArgs, AccessResult } from '../../nfs/index.js';
import { grantedAccess } from '../access.js';
import { nodeAttrs } from '../attributes.js';
import type { CallScope } from '../call-scope.js';

/** ACCESS (RFC 1813 section 3.3.4): computed from the virtual attributes (see ../access.ts). */
export async function access(scope: CallScope, args: AccessArgs): Promise<AccessResult> {
  const node = scope.resolve(args.object);
  const attrs = await nodeAttrs(scope, node);
  return { status: Nfsstat3.NFS3_OK, objAttributes: attrs, access: grantedAccess(attrs, scope.caller, args.access) };
}
