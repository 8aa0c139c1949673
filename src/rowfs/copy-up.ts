import { Ftype3, NfsStatusError, Nfs3Proc, Nfsstat3 } from '../nfs/index.js';
import type { Fattr3, NewObjectResOk, Nfs3Result, DirWccResFail } from '../nfs/index.js';
import { noteMainAttrs } from './attributes.js';
import { ROOT_BACKEND_CALLER } from './backend.js';
import type { CallScope } from './call-scope.js';
import { copiedAttributes, ensureShadowDir, makeRoom } from './namespace.js';
import type { VNode } from './node.js';

type NewObjectResult = Nfs3Result<NewObjectResOk, DirWccResFail>;

function requireParent(scope: CallScope, node: VNode): VNode {
  const parent = scope.ctx.nodes.get(node.parentVid);
  if (parent === undefined || parent.dead) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE, `parent of ${node.vid} is gone`);
  return parent;
}

/**
 * Creates a shadow object with `make`; a stray object under that name (invisible: see
 * makeRoom) is moved aside once. Returns the new shadow handle.
 */
export async function createShadowObject(
  scope: CallScope,
  dirFh: Buffer,
  name: string,
  make: () => Promise<NewObjectResult>,
): Promise<{ fh: Buffer; result: NewObjectResOk }> {
  for (let attempt = 0; ; attempt++) {
    const made = await make();
    if (made.status === Nfsstat3.NFS3_OK) {
      let fh = made.obj;
      if (fh === undefined) {
        const found = await scope.shadow(Nfs3Proc.LOOKUP, { what: { dir: dirFh, name } }, ROOT_BACKEND_CALLER);
        if (found.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(found.status);
        fh = found.object;
      }
      return { fh: Buffer.from(fh), result: made };
    }
    if (made.status !== Nfsstat3.NFS3ERR_EXIST || attempt > 0) throw new NfsStatusError(made.status);
    await makeRoom(scope, dirFh, name);
  }
}

/** main's view of a symlink/device/FIFO/socket, recreated in the shadow under the same name. */
async function makeSpecialCopy(scope: CallScope, node: VNode, dirFh: Buffer, attrs: Fattr3): Promise<NewObjectResult> {
  const where = { dir: dirFh, name: node.name };
  const attributes = copiedAttributes(attrs);
  switch (node.type) {
    case Ftype3.NF3LNK: {
      const link = await scope.main(Nfs3Proc.READLINK, { symlink: node.mainFh ?? Buffer.alloc(0) }, ROOT_BACKEND_CALLER);
      if (link.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(link.status);
      return scope.shadow(Nfs3Proc.SYMLINK, { where, symlink: { symlinkAttributes: attributes, symlinkData: link.data } }, ROOT_BACKEND_CALLER);
    }
    case Ftype3.NF3CHR:
    case Ftype3.NF3BLK:
      return scope.shadow(Nfs3Proc.MKNOD, { where, what: { type: node.type, devAttributes: attributes, spec: attrs.rdev } }, ROOT_BACKEND_CALLER);
    case Ftype3.NF3SOCK:
    case Ftype3.NF3FIFO:
      return scope.shadow(Nfs3Proc.MKNOD, { where, what: { type: node.type, pipeAttributes: attributes } }, ROOT_BACKEND_CALLER);
    default:
      throw new NfsStatusError(Nfsstat3.NFS3ERR_BADTYPE);
  }
}

/**
 * First modification of a main-only object (the paper's copy-on-write, block-granular):
 * regenerate its parent in the shadow, create the shadow object with main's mode, owner
 * and times, and for a regular file make it sparse at main's size (no data is copied:
 * every block still reads from main until its bit is set). `truncateTo` below main's size
 * starts the copy at that size instead (an O_TRUNC open costs nothing).
 */
async function copyUp(scope: CallScope, node: VNode, truncateTo: number | undefined): Promise<Buffer> {
  const mainFh = node.mainFh;
  if (mainFh === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE, `object ${node.vid} has no data anywhere`);
  const got = await scope.main(Nfs3Proc.GETATTR, { object: mainFh }, ROOT_BACKEND_CALLER);
  if (got.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(got.status);
  const attrs = got.objAttributes;
  noteMainAttrs(node, attrs);
  const dirFh = await ensureShadowDir(scope, requireParent(scope, node));
  if (node.shadowFh !== undefined) return node.shadowFh;
  const limit = node.type === Ftype3.NF3REG ? Math.min(attrs.size, truncateTo ?? attrs.size) : 0;
  const { fh } = await createShadowObject(scope, dirFh, node.name, () =>
    node.type === Ftype3.NF3REG
      ? scope.shadow(
          Nfs3Proc.CREATE,
          { where: { dir: dirFh, name: node.name }, how: { mode: 'guarded', attributes: copiedAttributes(attrs) } },
          ROOT_BACKEND_CALLER,
        )
      : makeSpecialCopy(scope, node, dirFh, attrs),
  );
  const sized = await scope.shadow(
    Nfs3Proc.SETATTR,
    {
      object: fh,
      newAttributes: {
        ...(node.type === Ftype3.NF3REG ? { size: limit } : {}),
        atime: { how: 'client', time: attrs.atime },
        mtime: { how: 'client', time: attrs.mtime },
      },
      guard: undefined,
    },
    ROOT_BACKEND_CALLER,
  );
  if (sized.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(sized.status);
  // An ordinary commit: a stable write to the copy syncs it first (StateStore.syncIfDirty).
  scope.ctx.store.transaction(() => scope.ctx.nodes.setShadow(node, fh, limit));
  return fh;
}

/** The object's shadow copy, made on first need (see copyUp); concurrent callers share one copy-up. */
export function ensureShadowCopy(scope: CallScope, node: VNode, truncateTo?: number): Promise<Buffer> {
  if (node.shadowFh !== undefined) return Promise.resolve(node.shadowFh);
  if (node.type === Ftype3.NF3DIR) return ensureShadowDir(scope, node);
  const ctx = scope.ctx;
  let pending = ctx.shadowing.get(node.vid);
  if (pending === undefined) {
    pending = copyUp(scope, node, truncateTo).finally(() => ctx.shadowing.delete(node.vid));
    ctx.shadowing.set(node.vid, pending);
  }
  return pending;
}
