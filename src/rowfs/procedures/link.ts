import { Ftype3, NfsStatusError, Nfs3Proc, Nfsstat3 } from '../../nfs/index.js';
import type { LinkArgs, LinkResult } from '../../nfs/index.js';
import { NO_WCC, virtualPostOp, virtualWcc } from '../attributes.js';
import type { CallScope } from '../call-scope.js';
import { ensureShadowCopy } from '../copy-up.js';
import { checkName, isDotName } from '../names.js';
import { ensureShadowDir, lookupChild, makeRoom } from '../namespace.js';
import { requireDirectory } from './checks.js';

/**
 * LINK (RFC 1813 section 3.3.15): the file is copied up (cheap: sparse, no data) so the
 * shadow holds a real hard link and link counts are right; the new name is recorded as
 * an overlay name of the same vid, so both names show one object.
 */
export async function link(scope: CallScope, args: LinkArgs): Promise<LinkResult> {
  const file = scope.resolve(args.file);
  const dir = scope.resolve(args.link.dir);
  requireDirectory(dir);
  if (file.type === Ftype3.NF3DIR) throw new NfsStatusError(Nfsstat3.NFS3ERR_ISDIR);
  if (isDotName(args.link.name)) throw new NfsStatusError(Nfsstat3.NFS3ERR_EXIST);
  checkName(args.link.name);
  return scope.ctx.dirLocks.run(dir.vid, async () => {
    if ((await lookupChild(scope, dir, args.link.name)) !== undefined) {
      return { status: Nfsstat3.NFS3ERR_EXIST, fileAttributes: undefined, linkdirWcc: NO_WCC };
    }
    const fileFh = await ensureShadowCopy(scope, file);
    const dirFh = await ensureShadowDir(scope, dir);
    let linked = await scope.shadow(Nfs3Proc.LINK, { file: fileFh, link: { dir: dirFh, name: args.link.name } });
    if (linked.status === Nfsstat3.NFS3ERR_EXIST) {
      await makeRoom(scope, dirFh, args.link.name);
      linked = await scope.shadow(Nfs3Proc.LINK, { file: fileFh, link: { dir: dirFh, name: args.link.name } });
    }
    if (linked.status !== Nfsstat3.NFS3_OK) {
      return { status: linked.status, fileAttributes: virtualPostOp(scope.ctx, file, linked.fileAttributes), linkdirWcc: virtualWcc(scope.ctx, dir, linked.linkdirWcc) };
    }
    scope.ctx.store.transaction(() => scope.session.setOverlay(scope.ctx.store, dir.vid, args.link.name, file.vid));
    scope.ctx.listings.invalidate(dir.session, dir.vid);
    return {
      status: Nfsstat3.NFS3_OK,
      fileAttributes: virtualPostOp(scope.ctx, file, linked.fileAttributes),
      linkdirWcc: virtualWcc(scope.ctx, dir, linked.linkdirWcc),
    };
  });
}
