import { Ftype3, NfsStatusError, Nfs3Proc, Nfsstat3 } from '../../nfs/index.js';
import type { RenameArgs, RenameResult, WccData } from '../../nfs/index.js';
import { NO_WCC, virtualWcc } from '../attributes.js';
import { ROOT_BACKEND_CALLER } from '../backend.js';
import type { CallScope } from '../call-scope.js';
import { checkName, isDotName } from '../names.js';
import { ensureShadowDir, isWithin, lookupChild, makeRoom, unlinkName } from '../namespace.js';
import type { VNode } from '../node.js';
import { requireDirectory } from './checks.js';
import { dropShadowEntry, isEmptyDirectory, touchDirectory } from './remove-name.js';

function checkRenameName(name: string): void {
  if (isDotName(name)) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL);
  checkName(name);
}

/** RFC 1813 section 3.3.14: what may replace what. */
async function checkTarget(scope: CallScope, source: VNode, target: VNode): Promise<void> {
  const sourceIsDir = source.type === Ftype3.NF3DIR;
  const targetIsDir = target.type === Ftype3.NF3DIR;
  if (sourceIsDir && !targetIsDir) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOTDIR);
  if (!sourceIsDir && targetIsDir) throw new NfsStatusError(Nfsstat3.NFS3ERR_ISDIR);
  if (targetIsDir && !(await isEmptyDirectory(scope, target))) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOTEMPTY);
}

/** Moves the source's shadow entry along (best effort: the view is already right, see makeRoom). */
async function moveShadowEntry(scope: CallScope, fromFh: Buffer, fromName: string, toFh: Buffer, toName: string): Promise<{ from: WccData; to: WccData }> {
  for (let attempt = 0; ; attempt++) {
    const moved = await scope.shadow(Nfs3Proc.RENAME, { from: { dir: fromFh, name: fromName }, to: { dir: toFh, name: toName } }, ROOT_BACKEND_CALLER);
    if (moved.status === Nfsstat3.NFS3_OK) return { from: moved.fromdirWcc, to: moved.todirWcc };
    const occupied = moved.status === Nfsstat3.NFS3ERR_EXIST || moved.status === Nfsstat3.NFS3ERR_NOTEMPTY || moved.status === Nfsstat3.NFS3ERR_ISDIR || moved.status === Nfsstat3.NFS3ERR_NOTDIR;
    if (occupied && attempt === 0) {
      await makeRoom(scope, toFh, toName);
      continue;
    }
    scope.ctx.logger.warn('rowfs: shadow rename failed; the shadow path of the object stays stale', { fromName, toName, status: moved.status });
    return { from: await touchDirectory(scope, fromFh), to: await touchDirectory(scope, toFh) };
  }
}

/**
 * RENAME (RFC 1813 section 3.3.14) in the merged view, under both directories' locks.
 * The view changes first, in one transaction: a replaced target is removed as by REMOVE,
 * the old name is whited out (main may hold it), and the object's primary name moves (an
 * extra hard-link name moves as an overlay name). A renamed main directory keeps its vid,
 * so its children (whose parent is that vid) stay reachable under the new name. Then the
 * shadow follows: the object's shadow entry is renamed, or the replaced target's dropped.
 */
export async function rename(scope: CallScope, args: RenameArgs): Promise<RenameResult> {
  const fromDir = scope.resolve(args.from.dir);
  const toDir = scope.resolve(args.to.dir);
  requireDirectory(fromDir);
  requireDirectory(toDir);
  checkRenameName(args.from.name);
  checkRenameName(args.to.name);
  return scope.ctx.dirLocks.runAll([fromDir.vid, toDir.vid], async () => {
    const found = await lookupChild(scope, fromDir, args.from.name);
    if (found === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOENT);
    const source = found.node;
    const target = (await lookupChild(scope, toDir, args.to.name))?.node;
    if (target?.vid === source.vid) {
      return { status: Nfsstat3.NFS3_OK, fromdirWcc: NO_WCC, todirWcc: NO_WCC };
    }
    if (source.type === Ftype3.NF3DIR && isWithin(scope, toDir, source)) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL);
    if (target !== undefined) await checkTarget(scope, source, target);
    const fromFh = await ensureShadowDir(scope, fromDir);
    const toFh = await ensureShadowDir(scope, toDir);
    const sourceHasShadow = source.shadowFh !== undefined;
    const targetHasShadow = target?.shadowFh !== undefined;
    const { store, nodes, listings } = scope.ctx;
    const session = scope.session;
    store.transaction(() => {
      if (target !== undefined) unlinkName(scope, toDir, args.to.name, target);
      const isPrimary = source.parentVid === fromDir.vid && source.name === args.from.name;
      session.deleteOverlay(store, fromDir.vid, args.from.name);
      if (fromDir.mainFh !== undefined) session.addWhiteout(store, fromDir.vid, args.from.name);
      if (isPrimary) nodes.move(source, toDir.vid, args.to.name);
      else session.setOverlay(store, toDir.vid, args.to.name, source.vid);
    });
    listings.invalidate(session.id, fromDir.vid);
    listings.invalidate(session.id, toDir.vid);
    let wcc: { from: WccData; to: WccData };
    if (sourceHasShadow) {
      wcc = await moveShadowEntry(scope, fromFh, args.from.name, toFh, args.to.name);
    } else {
      const to = targetHasShadow && target !== undefined ? await dropShadowEntry(scope, toFh, args.to.name, target.type) : await touchDirectory(scope, toFh);
      wcc = { from: await touchDirectory(scope, fromFh), to };
    }
    return {
      status: Nfsstat3.NFS3_OK,
      fromdirWcc: virtualWcc(scope.ctx, fromDir, wcc.from),
      todirWcc: virtualWcc(scope.ctx, toDir, wcc.to),
    };
  });
}
