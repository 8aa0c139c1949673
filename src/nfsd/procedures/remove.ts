import { unlinkSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { RemoveArgs, RemoveResult } from '../../nfs/index.js';
import { isDirectoryMode } from '../attributes.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { checkName } from '../names.js';

/** REMOVE (RFC 1813 section 3.3.12): any non-directory; a directory is ISDIR (use RMDIR). */
export async function remove(core: ExportCore, args: RemoveArgs): Promise<RemoveResult> {
  let dir: ResolvedNode | undefined;
  try {
    dir = await core.resolve(args.object.dir);
    core.requireDirectory(dir);
    const name = args.object.name;
    checkName(name, 'remove');
    core.assertWritable();
    const target = core.child(dir, name);
    if (target === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOENT);
    if (isDirectoryMode(target.stats.mode)) throw new NfsStatusError(Nfsstat3.NFS3ERR_ISDIR);
    unlinkSync(target.path);
    core.unlinked(target);
    core.directoryChanged(dir);
    return { status: Nfsstat3.NFS3_OK, dirWcc: core.wcc(dir) };
  } catch (error) {
    return { status: core.statusOf(error), dirWcc: core.wcc(dir) };
  }
}
