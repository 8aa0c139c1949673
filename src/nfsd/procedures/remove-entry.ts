import { rmdirSync, unlinkSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { DirOpArgs3, DirWccResFail, Nfs3Result } from '../../nfs/index.js';
import { isDirectoryMode } from '../attributes.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { checkName } from '../names.js';

/**
 * What REMOVE and RMDIR share (RFC 1813 sections 3.3.12 and 3.3.13): find the name,
 * refuse the other kind of object (REMOVE on a directory: ISDIR; RMDIR on anything else:
 * NOTDIR), unlink it and forget it. Success and failure both carry the directory's wcc.
 */
export async function removeEntry(
  core: ExportCore,
  object: DirOpArgs3,
  kind: 'directory' | 'non-directory',
): Promise<Nfs3Result<DirWccResFail, DirWccResFail>> {
  let dir: ResolvedNode | undefined;
  try {
    dir = await core.resolve(object.dir);
    core.requireDirectory(dir);
    const name = object.name;
    checkName(name, 'remove');
    core.assertWritable();
    const target = core.child(dir, name);
    if (target === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOENT);
    if (kind === 'directory') {
      if (!isDirectoryMode(target.stats.mode)) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOTDIR);
      rmdirSync(target.path);
    } else {
      if (isDirectoryMode(target.stats.mode)) throw new NfsStatusError(Nfsstat3.NFS3ERR_ISDIR);
      unlinkSync(target.path);
    }
    core.unlinked(target);
    core.directoryChanged(dir);
    return { status: Nfsstat3.NFS3_OK, dirWcc: core.wcc(dir) };
  } catch (error) {
    return { status: core.statusOf(error), dirWcc: core.wcc(dir) };
  }
}
