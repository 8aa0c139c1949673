import { NfsStatusError, Nfs3Proc, Nfsstat3, Ftype3 } from '../../nfs/index.js';
import type { WccData } from '../../nfs/index.js';
import { NO_WCC, virtualWcc } from '../attributes.js';
import { ROOT_BACKEND_CALLER } from '../backend.js';
import type { CallScope } from '../call-scope.js';
import { checkName, isDotName } from '../names.js';
import { ensureShadowDir, lookupChild, makeRoom, unlinkName } from '../namespace.js';
import type { VNode } from '../node.js';
import { mergedListing } from '../dir-listing.js';
import { requireDirectory } from './checks.js';

/** Does a directory hold anything in the merged view? (RMDIR and RENAME over a directory.) */
export async function isEmptyDirectory(scope: CallScope, dir: VNode): Promise<boolean> {
  const listing = await mergedListing(scope, dir);
  return listing.entries.length === 0;
}

/**
 * Removes the shadow entry `name` of shadow directory `dirFh` after the view no longer has
 * it. The view is already right (the handle table is authoritative), so a failure only
 * leaves an invisible object: it is moved aside, or logged.
 */
export async function dropShadowEntry(scope: CallScope, dirFh: Buffer, name: string, type: number): Promise<WccData> {
  const args = { object: { dir: dirFh, name } };
  const result = type === Ftype3.NF3DIR ? await scope.shadow(Nfs3Proc.RMDIR, args, ROOT_BACKEND_CALLER) : await scope.shadow(Nfs3Proc.REMOVE, args, ROOT_BACKEND_CALLER);
  if (result.status === Nfsstat3.NFS3_OK || result.status === Nfsstat3.NFS3ERR_NOENT) return result.dirWcc;
  try {
    await makeRoom(scope, dirFh, name);
  } catch (error) {
    scope.ctx.logger.warn('rowfs: cannot remove a shadow entry; it stays, invisible', { name, error });
  }
  return result.dirWcc;
}

/**
 * REMOVE and RMDIR (RFC 1813 sections 3.3.12 and 3.3.13): under the directory's lock,
 * the name leaves the view first (whiteout for main names, the object dies unless it has
 * other names; one SQLite transaction), then its shadow entry, if any, is removed.
 * RMDIR checks emptiness of the merged view.
 */
export async function removeName(scope: CallScope, dirHandle: Buffer, name: string, wantDirectory: boolean): Promise<{ dirWcc: WccData }> {
  const dir = scope.resolve(dirHandle);
  requireDirectory(dir);
  if (name === '.') throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL);
  if (name === '..') throw new NfsStatusError(wantDirectory ? Nfsstat3.NFS3ERR_NOTEMPTY : Nfsstat3.NFS3ERR_INVAL);
  if (!isDotName(name)) checkName(name);
  return scope.ctx.dirLocks.run(dir.vid, async () => {
    const found = await lookupChild(scope, dir, name);
    if (found === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOENT);
    const target = found.node;
    const isDir = target.type === Ftype3.NF3DIR;
    if (wantDirectory && !isDir) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOTDIR);
    if (!wantDirectory && isDir) throw new NfsStatusError(Nfsstat3.NFS3ERR_ISDIR);
    if (isDir && !(await isEmptyDirectory(scope, target))) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOTEMPTY);
    // The directory gets a shadow copy so its mtime moves and clients drop cached listings.
    const dirFh = await ensureShadowDir(scope, dir);
    const hadShadow = target.shadowFh !== undefined;
    scope.ctx.store.transaction(() => unlinkName(scope, dir, name, target));
    scope.ctx.listings.invalidate(dir.session, dir.vid);
    const wcc = hadShadow ? await dropShadowEntry(scope, dirFh, name, target.type) : await touchDirectory(scope, dirFh);
    return { dirWcc: virtualWcc(scope.ctx, dir, wcc) };
  });
}

/**
 * A whiteout changes the merged directory without any shadow entry changing: bump the
 * shadow directory's mtime so clients see the directory changed (RFC 1813 section 2.6 wcc).
 */
export async function touchDirectory(scope: CallScope, dirFh: Buffer): Promise<WccData> {
  const result = await scope.shadow(
    Nfs3Proc.SETATTR,
    { object: dirFh, newAttributes: { atime: { how: 'dont-change' }, mtime: { how: 'server' } }, guard: undefined },
    ROOT_BACKEND_CALLER,
  );
  return result.status === Nfsstat3.NFS3_OK ? result.objWcc : NO_WCC;
}
