import { Nfsstat3 } from '../../nfs/index.js';
import type { GetattrArgs, GetattrResult } from '../../nfs/index.js';
import { nodeAttrs } from '../attributes.js';
import type { CallScope } from '../call-scope.js';

/** GETATTR (RFC 1813 section 3.3.1): forwarded to the object's server, fileid and fsid virtualized. */
export async function getattr(scope: CallScope, args: GetattrArgs): Promise<GetattrResult> {
  const node = scope.resolve(args.object);
  return { status: Nfsstat3.NFS3_OK, objAttributes: await nodeAttrs(scope, node) };
}
