import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { LookupArgs, LookupResult } from '../../nfs/index.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { checkName } from '../names.js';

/**
 * LOOKUP (RFC 1813 section 3.3.3). "." is the directory, ".." its parent and the root's
 * ".." the root itself, so no name leads out of the export. A symlink is returned as the
 * symlink: the server never follows one (the client does, in its own namespace).
 */
export async function lookup(core: ExportCore, args: LookupArgs): Promise<LookupResult> {
  let dir: ResolvedNode | undefined;
  try {
    dir = await core.resolve(args.what.dir);
    core.requireDirectory(dir);
    const name = args.what.name;
    checkName(name, 'lookup');
    const found = name === '.' ? dir : name === '..' ? core.parentOf(dir) : core.child(dir, name);
    if (found === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOENT);
    return { status: Nfsstat3.NFS3_OK, object: found.entry.handle, objAttributes: core.fattr(found), dirAttributes: core.fattr(dir) };
  } catch (error) {
    return { status: core.statusOf(error), dirAttributes: dir === undefined ? undefined : core.fattr(dir) };
  }
}
