import { closeSync, constants as fsConstants, fstatSync, lstatSync, openSync } from 'node:fs';
import { Ftype3, NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { MknodArgs, MknodResult, NewObjectResOk, Sattr3, Specdata3 } from '../../nfs/index.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { initializeNewObject } from '../sattr.js';
import { createSpecialFile } from '../special-files.js';
import { createInDirectory, newObjectResult } from './new-object.js';
import type { OkResult } from './procedure.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = fsConstants;
const DEFAULT_SPECIAL_MODE = 0o644;

async function makeSpecialFile(core: ExportCore, dir: ResolvedNode, name: string, args: MknodArgs, caller: NfsCaller): Promise<OkResult<NewObjectResOk>> {
  const what = args.what;
  let attrs: Sattr3;
  let spec: Specdata3 = { specdata1: 0, specdata2: 0 };
  switch (what.type) {
    case Ftype3.NF3CHR:
    case Ftype3.NF3BLK:
      attrs = what.devAttributes;
      spec = what.spec;
      break;
    case Ftype3.NF3SOCK:
    case Ftype3.NF3FIFO:
      attrs = what.pipeAttributes;
      break;
    default:
      throw new NfsStatusError(Nfsstat3.NFS3ERR_BADTYPE);
  }
  if (core.child(dir, name) !== undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_EXIST);
  // Pin the directory: creating the node is asynchronous, a rename may happen meanwhile.
  const dirFd = openSync(dir.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  try {
    if (!core.numbering.matches(fstatSync(dirFd, { bigint: true }), dir.entry.identity)) {
      throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE, 'directory replaced');
    }
    // /proc/<pid>, not /proc/self: mknod(1) runs in a child process and must see our descriptor.
    const pinned = `/proc/${process.pid}/fd/${dirFd}`;
    await createSpecialFile(pinned, name, what.type, spec);
    const path = `${pinned}/${name}`;
    const created = lstatSync(path, { bigint: true });
    initializeNewObject(path, created, dir.stats, { mode: attrs.mode ?? DEFAULT_SPECIAL_MODE, attrs, caller, setOwner: core.setOwner });
  } finally {
    closeSync(dirFd);
  }
  // The directory may have moved while mknod ran: find it again, keep its pre-op attributes.
  const current = await core.resolve(dir.entry.handle);
  return newObjectResult(core, { ...current, stats: dir.stats }, name);
}

/**
 * MKNOD (RFC 1813 section 3.3.11): character and block devices, FIFOs and sockets.
 * Regular files, directories and symlinks have their own procedures: NFS3ERR_BADTYPE.
 */
export function mknod(core: ExportCore, args: MknodArgs, caller: NfsCaller): Promise<MknodResult> {
  return createInDirectory(core, args, caller, makeSpecialFile);
}
