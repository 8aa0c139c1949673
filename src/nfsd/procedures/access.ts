import { Nfsstat3 } from '../../nfs/index.js';
import type { AccessArgs, AccessResOk, AccessResult } from '../../nfs/index.js';
import { grantedAccess } from '../access.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { answerAbout } from './object-query.js';
import type { OkResult } from './procedure.js';

function accessOf(core: ExportCore, node: ResolvedNode, args: AccessArgs, caller: NfsCaller): OkResult<AccessResOk> {
  return {
    status: Nfsstat3.NFS3_OK,
    objAttributes: core.fattr(node),
    access: grantedAccess(node.stats, caller, args.access, core.readOnly),
  };
}

/** ACCESS (RFC 1813 section 3.3.4): the rights the caller's AUTH_SYS identity has by the mode bits. */
export function access(core: ExportCore, args: AccessArgs, caller: NfsCaller): Promise<AccessResult> {
  return answerAbout(core, args.object, args, caller, accessOf);
}
