import { Nfs3Proc, Nfsstat3 } from '../../nfs/index.js';
import type { FsstatArgs, FsstatResult } from '../../nfs/index.js';
import { nodeAttrs } from '../attributes.js';
import type { CallScope } from '../call-scope.js';
import { expectOk } from './checks.js';

/**
 * FSSTAT (RFC 1813 section 3.3.18), merged: free space and free files are the shadow's
 * (where every change goes); totals add what main uses, so used = main's + the shadow's.
 */
export async function fsstat(scope: CallScope, args: FsstatArgs): Promise<FsstatResult> {
  const node = scope.resolve(args.fsroot);
  const [attrs, main, shadow] = await Promise.all([
    nodeAttrs(scope, node),
    scope.main(Nfs3Proc.FSSTAT, { fsroot: scope.ctx.main.rootFh }),
    scope.shadow(Nfs3Proc.FSSTAT, { fsroot: scope.ctx.shadow.rootFh }),
  ]);
  const m = expectOk(main);
  const s = expectOk(shadow);
  return {
    status: Nfsstat3.NFS3_OK,
    objAttributes: attrs,
    tbytes: Math.min(Number.MAX_SAFE_INTEGER, s.tbytes + Math.max(0, m.tbytes - m.fbytes)),
    fbytes: s.fbytes,
    abytes: s.abytes,
    tfiles: Math.min(Number.MAX_SAFE_INTEGER, s.tfiles + Math.max(0, m.tfiles - m.ffiles)),
    ffiles: s.ffiles,
    afiles: s.afiles,
    invarsec: 0,
  };
}
