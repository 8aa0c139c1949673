import { symlinkSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { SymlinkArgs, SymlinkResult } from '../../nfs/index.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { checkName } from '../names.js';
import { initializeNewObject } from '../sattr.js';
import { newObjectResult } from './new-object.js';

/**
 * SYMLINK (RFC 1813 section 3.3.10). The target is stored verbatim, absolute or with
 * "..": it is only text to the server, which never follows a symlink.
 */
export async function symlink(core: ExportCore, args: SymlinkArgs, caller: NfsCaller): Promise<SymlinkResult> {
  let dir: ResolvedNode | undefined;
  try {
    dir = await core.resolve(args.where.dir);
    core.requireDirectory(dir);
    const name = args.where.name;
    checkName(name, 'create');
    core.assertWritable();
    // A C string cannot hold NUL: such a target could not be stored as sent.
    if (args.symlink.symlinkData.includes('\0')) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL, 'NUL in symlink target');
    const path = `${dir.path}/${name}`;
    symlinkSync(args.symlink.symlinkData, path);
    const created = core.child(dir, name);
    if (created === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_IO, `${name} vanished right after symlink`);
    // Linux symlinks have no mode of their own (always 0777): only owner and times apply.
    initializeNewObject(path, created.stats, dir.stats, { mode: undefined, attrs: args.symlink.symlinkAttributes, caller, setOwner: core.setOwner });
    return newObjectResult(core, dir, name);
  } catch (error) {
    return { status: core.statusOf(error), dirWcc: core.wcc(dir) };
  }
}
