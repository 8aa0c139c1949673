import { Ftype3, Nfs3Proc, Nfsstat3 } from '../../nfs/index.js';
import type { CreateArgs, CreateResult } from '../../nfs/index.js';
import { NO_WCC, nodeAttrs } from '../attributes.js';
import type { CallScope } from '../call-scope.js';
import type { Resolved } from '../namespace.js';
import type { VNode } from '../node.js';
import { createNamed } from './new-object.js';
import { setattr } from './setattr.js';

/**
 * An existing name (RFC 1813 section 3.3.8): GUARDED fails; UNCHECKED on a regular file
 * opens it, applying only a size (O_TRUNC), as the Linux server does; EXCLUSIVE succeeds
 * only as the retransmission of our own create, i.e. when the shadow copy under that name
 * carries the same verifier (the shadow server checks it).
 */
async function onExisting(scope: CallScope, args: CreateArgs, existing: Resolved, dir: VNode): Promise<CreateResult> {
  const node = existing.node;
  const how = args.how;
  if (how.mode === 'unchecked' && node.type === Ftype3.NF3REG) {
    const size = how.attributes.size;
    if (size !== undefined) {
      const truncated = await setattr(scope, {
        object: scope.handleOf(node),
        newAttributes: { size, atime: { how: 'dont-change' }, mtime: { how: 'dont-change' } },
        guard: undefined,
      });
      if (truncated.status !== Nfsstat3.NFS3_OK) return { status: truncated.status, dirWcc: NO_WCC };
    }
    return { status: Nfsstat3.NFS3_OK, obj: scope.handleOf(node), objAttributes: await nodeAttrs(scope, node), dirWcc: NO_WCC };
  }
  if (how.mode === 'exclusive' && node.shadowFh !== undefined && node.mainFh === undefined && dir.shadowFh !== undefined) {
    const again = await scope.shadow(Nfs3Proc.CREATE, { where: { dir: dir.shadowFh, name: args.where.name }, how });
    if (again.status === Nfsstat3.NFS3_OK && again.obj?.equals(node.shadowFh) === true) {
      return { status: Nfsstat3.NFS3_OK, obj: scope.handleOf(node), objAttributes: await nodeAttrs(scope, node), dirWcc: NO_WCC };
    }
  }
  return { status: Nfsstat3.NFS3ERR_EXIST, dirWcc: NO_WCC };
}

/** CREATE (RFC 1813 section 3.3.8): a new regular file in the shadow (see new-object.ts). */
export function create(scope: CallScope, args: CreateArgs): Promise<CreateResult> {
  return createNamed(scope, args.where, {
    type: Ftype3.NF3REG,
    make: (dirFh) => scope.shadow(Nfs3Proc.CREATE, { where: { dir: dirFh, name: args.where.name }, how: args.how }),
    onExisting: (existing, dir) => onExisting(scope, args, existing, dir),
  });
}
