import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { NewObjectResOk } from '../../nfs/index.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';

/**
 * The success body CREATE, MKDIR, SYMLINK and MKNOD share: the new object's handle and
 * attributes, looked up afresh (recording it in the node table), and the directory's wcc.
 */
export function newObjectResult(core: ExportCore, dir: ResolvedNode, name: string): { status: typeof Nfsstat3.NFS3_OK } & NewObjectResOk {
  core.directoryChanged(dir);
  const created = core.child(dir, name);
  if (created === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_IO, `${name} vanished right after its creation`);
  return { status: Nfsstat3.NFS3_OK, obj: created.entry.handle, objAttributes: core.fattr(created), dirWcc: core.wcc(dir) };
}
