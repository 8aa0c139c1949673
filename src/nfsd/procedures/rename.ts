import { lstatSync, renameSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { RenameArgs, RenameResult } from '../../nfs/index.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { checkName } from '../names.js';

/**
 * RENAME (RFC 1813 section 3.3.14), within or across directories, replacing an existing
 * target under rename(2)'s rules (a directory only over an empty directory: NOTEMPTY,
 * EXIST, ISDIR and NOTDIR come from the kernel). Renaming onto another name of the same
 * inode does nothing, as POSIX says.
 */
export async function rename(core: ExportCore, args: RenameArgs): Promise<RenameResult> {
  let fromDir: ResolvedNode | undefined;
  let toDir: ResolvedNode | undefined;
  try {
    fromDir = await core.resolve(args.from.dir);
    toDir = await core.resolve(args.to.dir);
    // Nothing below awaits: from here on paths cannot change under us.
    fromDir = core.revalidate(fromDir);
    core.requireDirectory(fromDir);
    core.requireDirectory(toDir);
    checkName(args.from.name, 'rename');
    checkName(args.to.name, 'rename');
    core.assertWritable();
    const source = core.child(fromDir, args.from.name);
    if (source === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_NOENT);
    const targetPath = `${toDir.path}/${args.to.name}`;
    const targetStats = lstatSync(targetPath, { bigint: true, throwIfNoEntry: false });
    const sameInode = targetStats !== undefined && targetStats.ino === source.stats.ino && targetStats.dev === source.stats.dev;
    if (!sameInode) {
      renameSync(source.path, targetPath);
      if (targetStats !== undefined) {
        const replaced = core.table.entryOf(core.numbering.identityOf(targetStats).fileid);
        if (replaced !== undefined) core.unlinked({ entry: replaced, path: targetPath, stats: targetStats });
      }
      core.table.move(source.entry, toDir.entry, args.to.name);
      core.directoryChanged(fromDir);
      core.directoryChanged(toDir);
    }
    return { status: Nfsstat3.NFS3_OK, fromdirWcc: core.wcc(fromDir), todirWcc: core.wcc(toDir) };
  } catch (error) {
    return { status: core.statusOf(error), fromdirWcc: core.wcc(fromDir), todirWcc: core.wcc(toDir) };
  }
}
