import { Nfsstat3 } from '../../nfs/index.js';
import type { PathconfArgs, PathconfResOk, PathconfResult } from '../../nfs/index.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { LINK_MAX } from '../limits.js';
import { NAME_MAX_BYTES } from '../names.js';
import { answerAbout } from './object-query.js';
import type { OkResult } from './procedure.js';

function pathconfOf(core: ExportCore, node: ResolvedNode): OkResult<PathconfResOk> {
  return {
    status: Nfsstat3.NFS3_OK,
    objAttributes: core.fattr(node),
    linkmax: LINK_MAX,
    nameMax: NAME_MAX_BYTES,
    noTrunc: true,
    chownRestricted: true,
    caseInsensitive: false,
    casePreserving: true,
  };
}

/**
 * PATHCONF (RFC 1813 section 3.3.20): Linux semantics. Long names are refused, not
 * truncated (no_trunc); only root may chown (chown_restricted); names are case-sensitive.
 */
export function pathconf(core: ExportCore, args: PathconfArgs, caller: NfsCaller): Promise<PathconfResult> {
  return answerAbout(core, args.object, args, caller, pathconfOf);
}
