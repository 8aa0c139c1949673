import { Ftype3, NfsStatusError, Nfs3Proc, Nfsstat3 } from '../nfs/index.js';
import type { Fattr3, PostOpAttr, WccAttr, WccData } from '../nfs/index.js';
import type { CallScope } from './call-scope.js';
import type { VNode } from './node.js';
import type { ProxyContext } from './proxy-context.js';

/** The smallest nlink of a directory ("." and its name in the parent). */
const DIR_BASE_NLINK = 2;

/**
 * What the client sees of an object: the attributes of the server the object lives on
 * (its shadow copy if any, so size, mode, owner and times follow writes and SETATTR),
 * with fileid = vid and one fsid for the whole proxy, so ids are unique across main and
 * shadow and never change when an object is copied up. `attrs` must come from the
 * node's source (shadow if it has a copy, else main).
 *
 * A directory present on both servers reports main's subdirectories plus the shadow's in
 * nlink (an over-count, never an under-count: `find` skips a directory's remaining entries
 * once it has seen nlink - 2 subdirectories).
 */
export function virtualAttrs(ctx: ProxyContext, node: VNode, attrs: Fattr3): Fattr3 {
  let nlink = attrs.nlink;
  if (node.type === Ftype3.NF3DIR && node.shadowFh !== undefined && node.mainFh !== undefined) {
    nlink = Math.max(DIR_BASE_NLINK, attrs.nlink + (node.mainNlink ?? DIR_BASE_NLINK) - DIR_BASE_NLINK);
  }
  return { ...attrs, nlink, fileid: BigInt(node.vid), fsid: ctx.fsid };
}

export function virtualPostOp(ctx: ProxyContext, node: VNode, attrs: PostOpAttr): PostOpAttr {
  return attrs === undefined ? undefined : virtualAttrs(ctx, node, attrs);
}

export function virtualWcc(ctx: ProxyContext, node: VNode, wcc: WccData): WccData {
  return { before: wcc.before, after: virtualPostOp(ctx, node, wcc.after) };
}

export function wccAttrOf(attrs: Fattr3): WccAttr {
  return { size: attrs.size, mtime: attrs.mtime, ctime: attrs.ctime };
}

export const NO_WCC: WccData = Object.freeze({ before: undefined, after: undefined });

/** Remembers main's nlink of a directory seen with main's attributes. */
export function noteMainAttrs(node: VNode, mainAttrs: Fattr3 | undefined): void {
  if (mainAttrs !== undefined && node.type === Ftype3.NF3DIR) node.mainNlink = mainAttrs.nlink;
}

/** The object's current attributes from its source, not yet virtualized; failures throw. */
export async function sourceAttrs(scope: CallScope, node: VNode): Promise<Fattr3> {
  if (node.type === Ftype3.NF3DIR && node.shadowFh !== undefined && node.mainFh !== undefined && node.mainNlink === undefined) {
    const main = await scope.main(Nfs3Proc.GETATTR, { object: node.mainFh });
    if (main.status === Nfsstat3.NFS3_OK) noteMainAttrs(node, main.objAttributes);
  }
  if (node.shadowFh === undefined) {
    const cached = scope.ctx.mainAttrs.get(node.vid);
    if (cached !== undefined) return cached;
  }
  const result = await scope.onSource(node, Nfs3Proc.GETATTR, { object: node.shadowFh ?? node.mainFh ?? Buffer.alloc(0) });
  if (result.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(result.status);
  if (node.shadowFh === undefined) {
    noteMainAttrs(node, result.objAttributes);
    scope.ctx.mainAttrs.set(node.vid, result.objAttributes);
  }
  return result.objAttributes;
}

/** The object's current virtual attributes. */
export async function nodeAttrs(scope: CallScope, node: VNode): Promise<Fattr3> {
  return virtualAttrs(scope.ctx, node, await sourceAttrs(scope, node));
}

/** Like nodeAttrs, but a failure gives undefined (for the optional attributes of failure bodies). */
export async function nodeAttrsIfAny(scope: CallScope, node: VNode): Promise<Fattr3 | undefined> {
  try {
    return await nodeAttrs(scope, node);
  } catch {
    return undefined;
  }
}
