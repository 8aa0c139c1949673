import { Ftype3, NfsStatusError, Nfs3Proc, Nfsstat3 } from '../../nfs/index.js';
import type { Nfstime3, Sattr3, SetattrArgs, SetattrResult } from '../../nfs/index.js';
import { sourceAttrs, virtualAttrs, virtualPostOp, wccAttrOf } from '../attributes.js';
import type { CallScope } from '../call-scope.js';
import { ensureShadowCopy } from '../copy-up.js';
import type { VNode } from '../node.js';

function changesSomething(attrs: Sattr3): boolean {
  return (
    attrs.mode !== undefined ||
    attrs.uid !== undefined ||
    attrs.gid !== undefined ||
    attrs.size !== undefined ||
    attrs.atime.how !== 'dont-change' ||
    attrs.mtime.how !== 'dont-change'
  );
}

function sameTime(a: Nfstime3, b: Nfstime3): boolean {
  return a.seconds === b.seconds && a.nseconds === b.nseconds;
}

/**
 * A shrink below the main limit moves the limit down first (durably), so bytes past the
 * new size can never read main's old data again, even if the file is extended later or
 * the proxy dies before the shadow truncates: truncate then extend gives zeros.
 */
function lowerMainLimit(scope: CallScope, node: VNode, size: number): void {
  if (size >= node.mainLimit) return;
  const firstDropped = Math.ceil(size / scope.session.blockSize);
  scope.ctx.store.durably(() => {
    node.mainLimit = size;
    node.present.truncate(firstDropped);
    scope.ctx.nodes.saveMainLimit(node);
  });
  node.pending?.truncate(firstDropped);
}

/**
 * SETATTR (RFC 1813 section 3.3.2). Changing a main-only object copies it up first (for
 * a truncation, straight at the new size); the change is then made on the shadow copy.
 * The guard is checked here against the attributes the client saw, since a fresh copy's
 * ctime differs from main's.
 */
export async function setattr(scope: CallScope, args: SetattrArgs): Promise<SetattrResult> {
  const node = scope.resolve(args.object);
  const wanted = args.newAttributes;
  const current = await sourceAttrs(scope, node);
  const before = wccAttrOf(current);
  if (args.guard !== undefined && !sameTime(args.guard, current.ctime)) {
    return { status: Nfsstat3.NFS3ERR_NOT_SYNC, objWcc: { before, after: virtualAttrs(scope.ctx, node, current) } };
  }
  if (!changesSomething(wanted)) {
    return { status: Nfsstat3.NFS3_OK, objWcc: { before, after: virtualAttrs(scope.ctx, node, current) } };
  }
  if (wanted.size !== undefined && node.type !== Ftype3.NF3REG) {
    throw new NfsStatusError(node.type === Ftype3.NF3DIR ? Nfsstat3.NFS3ERR_ISDIR : Nfsstat3.NFS3ERR_INVAL);
  }
  const shadowFh = node.shadowFh ?? (await ensureShadowCopy(scope, node, wanted.size));
  const apply = (): Promise<SetattrResult> => scope.shadow(Nfs3Proc.SETATTR, { object: shadowFh, newAttributes: wanted, guard: undefined });
  const size = wanted.size;
  const result =
    size === undefined
      ? await apply()
      : await scope.ctx.fileLocks.run(node.vid, () => {
          lowerMainLimit(scope, node, size);
          return apply();
        });
  return { ...result, objWcc: { before, after: virtualPostOp(scope.ctx, node, result.objWcc.after) } };
}
