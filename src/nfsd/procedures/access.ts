import { Nfsstat3 } from '../../nfs/index.js';
import type { AccessArgs, AccessResult } from '../../nfs/index.js';
import { grantedAccess } from '../access.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';

/** ACCESS (RFC 1813 section 3.3.4): the rights the caller's AUTH_SYS identity has by the mode bits. */
export async function access(core: ExportCore, args: AccessArgs, caller: NfsCaller): Promise<AccessResult> {
  let node: ResolvedNode | undefined;
  try {
    node = await core.resolve(args.object);
    return {
      status: Nfsstat3.NFS3_OK,
      objAttributes: core.fattr(node),
      access: grantedAccess(node.stats, caller, args.access, core.readOnly),
    };
  } catch (error) {
    return { status: core.statusOf(error), objAttributes: node === undefined ? undefined : core.fattr(node) };
  }
}
