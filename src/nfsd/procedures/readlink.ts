import { readlinkSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { ReadlinkArgs, ReadlinkResult } from '../../nfs/index.js';
import { isSymlinkMode } from '../attributes.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';

/** READLINK (RFC 1813 section 3.3.5): the target text as stored; the server never interprets it. */
export async function readlink(core: ExportCore, args: ReadlinkArgs): Promise<ReadlinkResult> {
  let node: ResolvedNode | undefined;
  try {
    node = await core.resolve(args.symlink);
    if (!isSymlinkMode(node.stats.mode)) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL, 'not a symbolic link');
    const data = readlinkSync(node.path, 'utf8');
    return { status: Nfsstat3.NFS3_OK, symlinkAttributes: core.fattr(node), data };
  } catch (error) {
    return { status: core.statusOf(error), symlinkAttributes: node === undefined ? undefined : core.fattr(node) };
  }
}
