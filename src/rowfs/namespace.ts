import { randomBytes } from 'node:crypto';
import { Ftype3, NfsStatusError, Nfs3Proc, Nfsstat3 } from '../nfs/index.js';
import type { Fattr3, LookupResOk, Sattr3 } from '../nfs/index.js';
import { noteMainAttrs } from './attributes.js';
import { ROOT_BACKEND_CALLER } from './backend.js';
import type { CallScope } from './call-scope.js';
import { LEFTOVER_PREFIX } from './names.js';
import type { VNode } from './node.js';

/** The shadow export's directory holding one subdirectory per session. */
const SESSIONS_DIR = 'sessions';
const SESSIONS_DIR_MODE = 0o755;
const PERMISSION_BITS = 0o7777;

/** A name resolved in the merged view, with attributes when the resolution fetched them. */
export interface Resolved {
  node: VNode;
  /** Source attributes (not virtualized) if the lookup already has them. */
  attrs: Fattr3 | undefined;
}

function requireLive(scope: CallScope, vid: number): VNode {
  const node = scope.ctx.nodes.get(vid);
  if (node === undefined || node.dead) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE, `object ${vid} is gone`);
  return node;
}

/** A directory's parent in the virtual tree (the root is its own parent). */
export function parentOf(scope: CallScope, dir: VNode): VNode {
  return dir.vid === scope.session.rootVid ? dir : requireLive(scope, dir.parentVid);
}

/**
 * What `name` in directory `dir` is in the session's merged view, or undefined (NOENT):
 * an overlay name (a renamed or linked main object) wins, then the handle table's live
 * object with that primary name, then main's entry unless whited out. The handle table is
 * authoritative for the shadow: every shadow object is created by the proxy and recorded
 * at once, so the shadow is never searched by name.
 */
export async function lookupChild(scope: CallScope, dir: VNode, name: string): Promise<Resolved | undefined> {
  if (name === '.') return { node: dir, attrs: undefined };
  if (name === '..') return { node: parentOf(scope, dir), attrs: undefined };
  const known = knownChild(scope, dir, name);
  if (known !== undefined) return { node: known, attrs: undefined };
  if (dir.mainFh === undefined || scope.session.hasWhiteout(dir.vid, name)) return undefined;
  const result = await scope.main(Nfs3Proc.LOOKUP, { what: { dir: dir.mainFh, name } });
  if (result.status === Nfsstat3.NFS3ERR_NOENT) return undefined;
  if (result.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(result.status);
  return adoptMainChild(scope, dir, name, result);
}

/** An object the session already knows by this name (no upstream call). */
export function knownChild(scope: CallScope, dir: VNode, name: string): VNode | undefined {
  const session = scope.session;
  const overlaid = session.overlayAt(dir.vid, name);
  if (overlaid !== undefined) {
    const node = scope.ctx.nodes.get(overlaid);
    if (node !== undefined && !node.dead) return node;
  }
  return scope.ctx.nodes.at(session.id, dir.vid, name);
}

/**
 * Records main's answer for `name` in `dir` as a handle-table row. Runs synchronously after
 * the await, so it re-checks what another call may have changed meanwhile (a REMOVE's
 * whiteout, a CREATE's new row).
 */
async function adoptMainChild(scope: CallScope, dir: VNode, name: string, found: LookupResOk): Promise<Resolved | undefined> {
  const again = knownChild(scope, dir, name);
  if (again !== undefined) return { node: again, attrs: undefined };
  if (scope.session.hasWhiteout(dir.vid, name) || dir.dead) return undefined;
  let attrs = found.objAttributes;
  if (attrs === undefined) {
    const fetched = await scope.main(Nfs3Proc.GETATTR, { object: found.object });
    if (fetched.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(fetched.status);
    attrs = fetched.objAttributes;
    const raced = knownChild(scope, dir, name);
    if (raced !== undefined) return { node: raced, attrs: undefined };
    if (scope.session.hasWhiteout(dir.vid, name) || dir.dead) return undefined;
  }
  const node = scope.ctx.nodes.insert({
    session: scope.session.id,
    parentVid: dir.vid,
    name,
    type: attrs.type,
    mainFh: Buffer.from(found.object),
    shadowFh: undefined,
    mainLimit: 0,
  });
  noteMainAttrs(node, attrs);
  scope.ctx.mainAttrs.set(node.vid, attrs);
  return { node, attrs };
}

/** Is `node` the directory `ancestor` or inside it? (RENAME must not move a directory into itself.) */
export function isWithin(scope: CallScope, node: VNode, ancestor: VNode): boolean {
  let current = node;
  for (;;) {
    if (current.vid === ancestor.vid) return true;
    if (current.vid === scope.session.rootVid) return false;
    current = requireLive(scope, current.parentVid);
  }
}

/**
 * Moves whatever occupies `name` in shadow directory `dirFh` out of the way (to a hidden
 * leftover name). Such an object is invisible already (the handle table does not name it
 * there): a crash between a shadow create and its row, or an object whose mirror path went
 * stale. Objects are addressed by handle, so moving one never breaks its row.
 */
export async function makeRoom(scope: CallScope, dirFh: Buffer, name: string): Promise<void> {
  const leftover = `${LEFTOVER_PREFIX}${randomBytes(8).toString('hex')}`;
  const result = await scope.shadow(Nfs3Proc.RENAME, { from: { dir: dirFh, name }, to: { dir: dirFh, name: leftover } }, ROOT_BACKEND_CALLER);
  if (result.status !== Nfsstat3.NFS3_OK && result.status !== Nfsstat3.NFS3ERR_NOENT) {
    throw new NfsStatusError(result.status, `cannot move shadow leftover ${name} aside`);
  }
  scope.ctx.logger.debug('rowfs: moved a stray shadow object aside', { name, leftover });
}

async function shadowMkdir(scope: CallScope, parentFh: Buffer, name: string, attributes: Sattr3): Promise<Buffer> {
  for (let attempt = 0; ; attempt++) {
    const made = await scope.shadow(Nfs3Proc.MKDIR, { where: { dir: parentFh, name }, attributes }, ROOT_BACKEND_CALLER);
    if (made.status === Nfsstat3.NFS3_OK) {
      if (made.obj !== undefined) return Buffer.from(made.obj);
      const found = await scope.shadow(Nfs3Proc.LOOKUP, { what: { dir: parentFh, name } }, ROOT_BACKEND_CALLER);
      if (found.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(found.status);
      return Buffer.from(found.object);
    }
    if (made.status !== Nfsstat3.NFS3ERR_EXIST || attempt > 0) throw new NfsStatusError(made.status);
    await makeRoom(scope, parentFh, name);
  }
}

/** The shadow export's "sessions" directory (shared by sessions; made once). */
function sessionsDir(scope: CallScope): Promise<Buffer> {
  const ctx = scope.ctx;
  ctx.sessionsDir ??= (async () => {
    const rootFh = ctx.shadow.rootFh;
    const made = await scope.shadow(
      Nfs3Proc.MKDIR,
      { where: { dir: rootFh, name: SESSIONS_DIR }, attributes: { mode: SESSIONS_DIR_MODE, atime: { how: 'dont-change' }, mtime: { how: 'dont-change' } } },
      ROOT_BACKEND_CALLER,
    );
    if (made.status === Nfsstat3.NFS3_OK && made.obj !== undefined) return Buffer.from(made.obj);
    if (made.status !== Nfsstat3.NFS3_OK && made.status !== Nfsstat3.NFS3ERR_EXIST) throw new NfsStatusError(made.status);
    const found = await scope.shadow(Nfs3Proc.LOOKUP, { what: { dir: rootFh, name: SESSIONS_DIR } }, ROOT_BACKEND_CALLER);
    if (found.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(found.status);
    return Buffer.from(found.object);
  })();
  const pending = ctx.sessionsDir;
  pending.catch(() => {
    if (ctx.sessionsDir === pending) ctx.sessionsDir = undefined;
  });
  return pending;
}

/** sattr3 that gives a shadow copy main's permission bits and owner. */
export function copiedAttributes(attrs: Fattr3 | undefined): Sattr3 {
  const sattr: Sattr3 = { atime: { how: 'dont-change' }, mtime: { how: 'dont-change' } };
  if (attrs === undefined) return sattr;
  sattr.mode = attrs.mode & PERMISSION_BITS;
  sattr.uid = attrs.uid;
  sattr.gid = attrs.gid;
  return sattr;
}

async function regenerate(scope: CallScope, dir: VNode): Promise<Buffer> {
  const isRoot = dir.vid === scope.session.rootVid;
  const parentFh = isRoot ? await sessionsDir(scope) : await ensureShadowDir(scope, requireLive(scope, dir.parentVid));
  const name = isRoot ? scope.session.shadowDir : dir.name;
  let mainAttrs: Fattr3 | undefined;
  if (dir.mainFh !== undefined) {
    const main = await scope.main(Nfs3Proc.GETATTR, { object: dir.mainFh }, ROOT_BACKEND_CALLER);
    if (main.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(main.status);
    mainAttrs = main.objAttributes;
    noteMainAttrs(dir, mainAttrs);
  }
  if (dir.shadowFh !== undefined) return dir.shadowFh;
  // main's times too: the directory looks unchanged until something in it changes.
  const attributes = copiedAttributes(mainAttrs);
  if (mainAttrs !== undefined) {
    attributes.atime = { how: 'client', time: mainAttrs.atime };
    attributes.mtime = { how: 'client', time: mainAttrs.mtime };
  }
  const fh = await shadowMkdir(scope, parentFh, name, attributes);
  if (dir.shadowFh !== undefined) return dir.shadowFh;
  scope.ctx.store.transaction(() => scope.ctx.nodes.setShadow(dir, fh, 0));
  return fh;
}

/**
 * The shadow directory of `dir`, made on first need: each missing ancestor is created in
 * the shadow under the session's directory (sessions/<session>/<virtual path>) with main's
 * mode and owner. Concurrent callers share one regeneration.
 */
export function ensureShadowDir(scope: CallScope, dir: VNode): Promise<Buffer> {
  if (dir.shadowFh !== undefined) return Promise.resolve(dir.shadowFh);
  if (dir.type !== Ftype3.NF3DIR) return Promise.reject(new NfsStatusError(Nfsstat3.NFS3ERR_NOTDIR));
  const ctx = scope.ctx;
  let pending = ctx.shadowing.get(dir.vid);
  if (pending === undefined) {
    pending = regenerate(scope, dir).finally(() => ctx.shadowing.delete(dir.vid));
    ctx.shadowing.set(dir.vid, pending);
  }
  return pending;
}

/**
 * Takes `name` in `dir` out of the view; it currently names `target`. Must run inside a
 * store transaction. A main name is whited out (it may exist on main: the whiteout is what
 * hides it); an overlay name is dropped; if it was the object's primary name the object
 * moves to one of its other names, or dies (its handles become STALE).
 */
export function unlinkName(scope: CallScope, dir: VNode, name: string, target: VNode): void {
  const { store, nodes } = scope.ctx;
  const session = scope.session;
  session.deleteOverlay(store, dir.vid, name);
  if (dir.mainFh !== undefined) session.addWhiteout(store, dir.vid, name);
  if (target.parentVid !== dir.vid || target.name !== name) return;
  const other = session.overlayNamesOf(target.vid)[0];
  if (other === undefined) {
    nodes.kill(target);
    return;
  }
  session.deleteOverlay(store, other.parentVid, other.name);
  nodes.move(target, other.parentVid, other.name);
}
