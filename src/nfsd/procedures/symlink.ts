import { symlinkSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { NewObjectResOk, SymlinkArgs, SymlinkResult } from '../../nfs/index.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { initializeNewObject } from '../sattr.js';
import { createdChild, createInDirectory, newObjectResult } from './new-object.js';
import type { OkResult } from './procedure.js';

function makeSymlink(core: ExportCore, dir: ResolvedNode, name: string, args: SymlinkArgs, caller: NfsCaller): OkResult<NewObjectResOk> {
  // A C string cannot hold NUL: such a target could not be stored as sent.
  if (args.symlink.symlinkData.includes('\0')) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL, 'NUL in symlink target');
  const path = `${dir.path}/${name}`;
  symlinkSync(args.symlink.symlinkData, path);
  const created = createdChild(core, dir, name, 'symlink');
  // Linux symlinks have no mode of their own (always 0777): only owner and times apply.
  initializeNewObject(path, created.stats, dir.stats, { mode: undefined, attrs: args.symlink.symlinkAttributes, caller, setOwner: core.setOwner });
  return newObjectResult(core, dir, name);
}

/**
 * SYMLINK (RFC 1813 section 3.3.10). The target is stored verbatim, absolute or with
 * "..": it is only text to the server, which never follows a symlink.
 */
export function symlink(core: ExportCore, args: SymlinkArgs, caller: NfsCaller): Promise<SymlinkResult> {
  return createInDirectory(core, args, caller, makeSymlink);
}
