import { Fsf3, Nfsstat3 } from '../../nfs/index.js';
import type { FsinfoArgs, FsinfoResOk, FsinfoResult } from '../../nfs/index.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import {
  IO_MULTIPLE_BYTES,
  MAX_FILE_SIZE,
  READ_MAX_BYTES,
  READ_PREF_BYTES,
  READDIR_PREF_BYTES,
  TIME_DELTA,
  WRITE_MAX_BYTES,
  WRITE_PREF_BYTES,
} from '../limits.js';
import { answerAbout } from './object-query.js';
import type { OkResult } from './procedure.js';

function fsinfoOf(core: ExportCore, node: ResolvedNode): OkResult<FsinfoResOk> {
  return {
    status: Nfsstat3.NFS3_OK,
    objAttributes: core.fattr(node),
    rtmax: READ_MAX_BYTES,
    rtpref: READ_PREF_BYTES,
    rtmult: IO_MULTIPLE_BYTES,
    wtmax: WRITE_MAX_BYTES,
    wtpref: WRITE_PREF_BYTES,
    wtmult: IO_MULTIPLE_BYTES,
    dtpref: READDIR_PREF_BYTES,
    maxfilesize: MAX_FILE_SIZE,
    timeDelta: { ...TIME_DELTA },
    properties: Fsf3.LINK | Fsf3.SYMLINK | Fsf3.HOMOGENEOUS | Fsf3.CANSETTIME,
  };
}

/**
 * FSINFO (RFC 1813 section 3.3.19). Hard links and symlinks work, every object shares
 * the same PATHCONF answers (HOMOGENEOUS), and SETATTR can set times (CANSETTIME).
 */
export function fsinfo(core: ExportCore, args: FsinfoArgs, caller: NfsCaller): Promise<FsinfoResult> {
  return answerAbout(core, args.fsroot, args, caller, fsinfoOf);
}
