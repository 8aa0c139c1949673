import type { Ftype3 } from '../nfs/index.js';
import { PresenceBitmap } from './presence-bitmap.js';
import type { HandleRow } from './state-store.js';

/**
 * One entry of the handle table in memory: a virtual object of one session and where its
 * contents live. `mainFh` set = the object exists on the main server; `shadowFh` set = it
 * has a copy (or is new) on the shadow server. (parentVid, name) is its primary name,
 * which the shadow path mirrors.
 */
export interface VNode {
  readonly vid: number;
  readonly session: number;
  parentVid: number;
  name: string;
  readonly type: Ftype3;
  mainFh: Buffer | undefined;
  shadowFh: Buffer | undefined;
  dead: boolean;
  /** Bytes below this offset come from main unless their block's bit is set (see presence bitmap). */
  mainLimit: number;
  /** Blocks durably in the shadow. */
  present: PresenceBitmap;
  /** Blocks written UNSTABLE and not yet committed: reads see them, a crash forgets them. */
  pending: PresenceBitmap | undefined;
  /** main's nlink of a directory, cached (main is read-only): merged into the virtual nlink. */
  mainNlink: number | undefined;
}

export function nodeFromRow(row: HandleRow): VNode {
  return {
    vid: row.vid,
    session: row.session,
    parentVid: row.parentVid,
    name: row.name,
    type: row.type as Ftype3,
    mainFh: row.mainFh ?? undefined,
    shadowFh: row.shadowFh ?? undefined,
    dead: row.dead,
    mainLimit: row.mainLimit,
    present: new PresenceBitmap(row.bitmap ?? undefined),
    pending: undefined,
    mainNlink: undefined,
  };
}

/** Is block `block` of the file in the shadow (durably or pending)? */
export function blockInShadow(node: VNode, block: number): boolean {
  return node.present.has(block) || (node.pending?.has(block) ?? false);
}
