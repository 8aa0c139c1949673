import { Nfsstat3 } from '../../nfs/index.js';
import type { GetattrArgs, GetattrResult } from '../../nfs/index.js';
import type { ExportCore } from '../export-core.js';

/** GETATTR (RFC 1813 section 3.3.1). */
export async function getattr(core: ExportCore, args: GetattrArgs): Promise<GetattrResult> {
  try {
    const node = await core.resolve(args.object);
    return { status: Nfsstat3.NFS3_OK, objAttributes: core.fattr(node) };
  } catch (error) {
    return { status: core.statusOf(error) };
  }
}
