import { lstatSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { Entry3, ReaddirArgs, ReaddirResult } from '../../nfs/index.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { DIRLIST_FIXED_BYTES, entry3Bytes, namesAfter } from './dir-page.js';

/**
 * READDIR (RFC 1813 section 3.3.16): as many entries as fit in `count` bytes of
 * READDIR3resok. Names that vanish between listing and lstat are skipped.
 */
export async function readdir(core: ExportCore, args: ReaddirArgs): Promise<ReaddirResult> {
  let dir: ResolvedNode | undefined;
  try {
    dir = await core.resolve(args.dir);
    core.requireDirectory(dir);
    const { names, start, verifier } = namesAfter(core, dir, args.cookie, args.cookieverf);
    const entries: Entry3[] = [];
    let size = DIRLIST_FIXED_BYTES;
    let index = start;
    for (; index < names.length; index++) {
      const listed = names[index];
      if (listed === undefined) break;
      const bytes = entry3Bytes(listed.name);
      if (size + bytes > args.count) break;
      let fileid: bigint;
      if (listed.name === '.') fileid = dir.entry.identity.fileid;
      else if (listed.name === '..') fileid = core.parentOf(dir).entry.identity.fileid;
      else {
        const stats = lstatSync(`${dir.path}/${listed.name}`, { bigint: true, throwIfNoEntry: false });
        if (stats === undefined) continue;
        fileid = core.numbering.identityOf(stats).fileid;
      }
      entries.push({ fileid, name: listed.name, cookie: listed.cookie });
      size += bytes;
    }
    if (entries.length === 0 && index < names.length) throw new NfsStatusError(Nfsstat3.NFS3ERR_TOOSMALL);
    return { status: Nfsstat3.NFS3_OK, dirAttributes: core.fattr(dir), cookieverf: verifier, entries, eof: index >= names.length };
  } catch (error) {
    return { status: core.statusOf(error), dirAttributes: dir === undefined ? undefined : core.fattr(dir) };
  }
}
