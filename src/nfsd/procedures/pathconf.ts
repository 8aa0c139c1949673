import { Nfsstat3 } from '../../nfs/index.js';
import type { PathconfArgs, PathconfResult } from '../../nfs/index.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { LINK_MAX } from '../limits.js';
import { NAME_MAX_BYTES } from '../names.js';

/**
 * PATHCONF (RFC 1813 section 3.3.20): Linux semantics. Long names are refused, not
 * truncated (no_trunc); only root may chown (chown_restricted); names are case-sensitive.
 */
export async function pathconf(core: ExportCore, args: PathconfArgs): Promise<PathconfResult> {
  let node: ResolvedNode | undefined;
  try {
    node = await core.resolve(args.object);
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
  } catch (error) {
    return { status: core.statusOf(error), objAttributes: node === undefined ? undefined : core.fattr(node) };
  }
}
