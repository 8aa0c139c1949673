import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { DirOpArgs3, DirWccResFail, Nfs3Result, NewObjectResOk } from '../../nfs/index.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { checkName } from '../names.js';
import type { OkResult } from './procedure.js';

/**
 * Makes the object `name` in `dir` (already checked: a directory, a valid name, a
 * writable export) and answers with newObjectResult. A throw becomes the failure result.
 */
export type ObjectMaker<Args> = (
  core: ExportCore,
  dir: ResolvedNode,
  name: string,
  args: Args,
  caller: NfsCaller,
) => OkResult<NewObjectResOk> | Promise<OkResult<NewObjectResOk>>;

/**
 * What CREATE, MKDIR, SYMLINK and MKNOD share (RFC 1813 sections 3.3.8 to 3.3.11): the
 * checks on `where` before anything is made, and the failure body, the directory's
 * wcc_data (no post-op attributes if the directory was never found).
 */
export async function createInDirectory<Args extends { where: DirOpArgs3 }>(
  core: ExportCore,
  args: Args,
  caller: NfsCaller,
  make: ObjectMaker<Args>,
): Promise<Nfs3Result<NewObjectResOk, DirWccResFail>> {
  let dir: ResolvedNode | undefined;
  try {
    dir = await core.resolve(args.where.dir);
    core.requireDirectory(dir);
    const name = args.where.name;
    checkName(name, 'create');
    core.assertWritable();
    return await make(core, dir, name, args, caller);
  } catch (error) {
    return { status: core.statusOf(error), dirWcc: core.wcc(dir) };
  }
}

/** The object just made as `name` in `dir`, looked up afresh (recording it in the node table). */
export function createdChild(core: ExportCore, dir: ResolvedNode, name: string, how: string): ResolvedNode {
  const created = core.child(dir, name);
  if (created === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_IO, `${name} vanished right after ${how}`);
  return created;
}

/** The success body CREATE, MKDIR, SYMLINK and MKNOD share: the new object's handle and attributes, and the directory's wcc. */
export function newObjectResult(core: ExportCore, dir: ResolvedNode, name: string): OkResult<NewObjectResOk> {
  core.directoryChanged(dir);
  const created = createdChild(core, dir, name, 'its creation');
  return { status: Nfsstat3.NFS3_OK, obj: created.entry.handle, objAttributes: core.fattr(created), dirWcc: core.wcc(dir) };
}
