import { Nfsstat3 } from '../../nfs/index.js';
import type { LookupArgs, LookupResult } from '../../nfs/index.js';
import { sourceAttrs, virtualAttrs } from '../attributes.js';
import type { CallScope } from '../call-scope.js';
import { checkName, isDotName } from '../names.js';
import { lookupChild } from '../namespace.js';
import { requireDirectory } from './checks.js';

/**
 * LOOKUP (RFC 1813 section 3.3.3) in the merged view (namespace.ts lookupChild): one main
 * LOOKUP for a name seen the first time, one GETATTR for a known one. Directory attributes
 * are left out (post_op_attr is optional): fetching them would cost a second round trip.
 */
export async function lookup(scope: CallScope, args: LookupArgs): Promise<LookupResult> {
  const dir = scope.resolve(args.what.dir);
  requireDirectory(dir);
  const name = args.what.name;
  if (!isDotName(name)) checkName(name);
  const found = await lookupChild(scope, dir, name);
  if (found === undefined) return { status: Nfsstat3.NFS3ERR_NOENT, dirAttributes: undefined };
  const attrs = found.attrs ?? (await sourceAttrs(scope, found.node));
  return {
    status: Nfsstat3.NFS3_OK,
    object: scope.handleOf(found.node),
    objAttributes: virtualAttrs(scope.ctx, found.node, attrs),
    dirAttributes: undefined,
  };
}
