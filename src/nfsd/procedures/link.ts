import { linkSync } from 'node:fs';
import { Nfsstat3 } from '../../nfs/index.js';
import type { LinkArgs, LinkResult } from '../../nfs/index.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { checkName } from '../names.js';

/**
 * LINK (RFC 1813 section 3.3.15). link(2) does not follow a symlink source on Linux, and
 * refuses directories (EPERM, which the Linux server also reports as NFS3ERR_PERM).
 */
export async function link(core: ExportCore, args: LinkArgs): Promise<LinkResult> {
  let file: ResolvedNode | undefined;
  let dir: ResolvedNode | undefined;
  try {
    file = await core.resolve(args.file);
    dir = await core.resolve(args.link.dir);
    // Nothing below awaits: from here on paths cannot change under us.
    file = core.revalidate(file);
    core.requireDirectory(dir);
    checkName(args.link.name, 'create');
    core.assertWritable();
    linkSync(file.path, `${dir.path}/${args.link.name}`);
    core.directoryChanged(dir);
    return { status: Nfsstat3.NFS3_OK, fileAttributes: core.postOpAttr(file), linkdirWcc: core.wcc(dir) };
  } catch (error) {
    return { status: core.statusOf(error), fileAttributes: core.postOpAttr(file), linkdirWcc: core.wcc(dir) };
  }
}
