import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { SetattrArgs, SetattrResult } from '../../nfs/index.js';
import { nfstimeOfNs, sameNfstime } from '../attributes.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { applySattr } from '../sattr.js';

/**
 * SETATTR (RFC 1813 section 3.3.2). The guard compares the client's idea of ctime with
 * the object's: a mismatch means someone changed it meanwhile, NFS3ERR_NOT_SYNC.
 */
export async function setattr(core: ExportCore, args: SetattrArgs): Promise<SetattrResult> {
  let node: ResolvedNode | undefined;
  try {
    node = await core.resolve(args.object);
    core.assertWritable();
    if (args.guard !== undefined && !sameNfstime(args.guard, nfstimeOfNs(node.stats.ctimeNs))) {
      throw new NfsStatusError(Nfsstat3.NFS3ERR_NOT_SYNC);
    }
    applySattr(node.path, node.stats, args.newAttributes);
    return { status: Nfsstat3.NFS3_OK, objWcc: core.wcc(node) };
  } catch (error) {
    return { status: core.statusOf(error), objWcc: core.wcc(node) };
  }
}
