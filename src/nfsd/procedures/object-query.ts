import type { Nfs3Result, PostOpAttr } from '../../nfs/index.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import type { OkResult } from './procedure.js';

/** The success result about an object that resolved; a throw becomes the failure result. */
export type ObjectAnswer<Args, Ok> = (core: ExportCore, node: ResolvedNode, args: Args, caller: NfsCaller) => OkResult<Ok>;

/**
 * What ACCESS, FSSTAT, FSINFO and PATHCONF share (RFC 1813 sections 3.3.4 and 3.3.18 to
 * 3.3.20): they look at one object and fail with obj_attributes only, present when the
 * object was found.
 */
export async function answerAbout<Args, Ok>(
  core: ExportCore,
  handle: Buffer,
  args: Args,
  caller: NfsCaller,
  answer: ObjectAnswer<Args, Ok>,
): Promise<Nfs3Result<Ok, { objAttributes: PostOpAttr }>> {
  let node: ResolvedNode | undefined;
  try {
    node = await core.resolve(handle);
    return answer(core, node, args, caller);
  } catch (error) {
    return { status: core.statusOf(error), objAttributes: node === undefined ? undefined : core.fattr(node) };
  }
}
