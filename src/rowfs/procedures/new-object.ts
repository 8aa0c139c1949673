import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { DirOpArgs3, DirWccResFail, Ftype3, NewObjectResOk, Nfs3Result } from '../../nfs/index.js';
import { NO_WCC, virtualPostOp, virtualWcc } from '../attributes.js';
import type { CallScope } from '../call-scope.js';
import { createShadowObject } from '../copy-up.js';
import { checkName, isDotName } from '../names.js';
import { ensureShadowDir, lookupChild } from '../namespace.js';
import type { Resolved } from '../namespace.js';
import type { VNode } from '../node.js';
import { requireDirectory } from './checks.js';

export type NewObjectResult = Nfs3Result<NewObjectResOk, DirWccResFail>;

export interface NewObjectPlan {
  type: Ftype3;
  /** Creates the object in the shadow directory `dirFh` (as the caller). */
  make: (dirFh: Buffer) => Promise<NewObjectResult>;
  /** What to answer when the name already exists in the view; default NFS3ERR_EXIST. */
  onExisting?: (existing: Resolved, dir: VNode) => Promise<NewObjectResult>;
}

/**
 * CREATE, MKDIR, SYMLINK and MKNOD (RFC 1813 sections 3.3.8-3.3.11): under the directory's
 * lock, the name must be free in the merged view; the directory is regenerated in the
 * shadow, the object made there, and recorded as a shadow-only row. A whiteout on the
 * name stays: main's old object under that name remains hidden.
 */
export async function createNamed(scope: CallScope, where: DirOpArgs3, plan: NewObjectPlan): Promise<NewObjectResult> {
  const dir = scope.resolve(where.dir);
  requireDirectory(dir);
  if (isDotName(where.name)) throw new NfsStatusError(Nfsstat3.NFS3ERR_EXIST);
  checkName(where.name);
  return scope.ctx.dirLocks.run(dir.vid, async () => {
    const existing = await lookupChild(scope, dir, where.name);
    if (existing !== undefined) {
      if (plan.onExisting !== undefined) return plan.onExisting(existing, dir);
      return { status: Nfsstat3.NFS3ERR_EXIST, dirWcc: NO_WCC };
    }
    const dirFh = await ensureShadowDir(scope, dir);
    const { fh, result } = await createShadowObject(scope, dirFh, where.name, () => plan.make(dirFh));
    const node = scope.ctx.store.transaction(() =>
      scope.ctx.nodes.insert({
        session: scope.session.id,
        parentVid: dir.vid,
        name: where.name,
        type: plan.type,
        mainFh: undefined,
        shadowFh: fh,
        mainLimit: 0,
      }),
    );
    scope.ctx.listings.invalidate(dir.session, dir.vid);
    return {
      status: Nfsstat3.NFS3_OK,
      obj: scope.handleOf(node),
      objAttributes: virtualPostOp(scope.ctx, node, result.objAttributes),
      dirWcc: virtualWcc(scope.ctx, dir, result.dirWcc),
    };
  });
}
