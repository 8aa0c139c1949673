import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { EntryPlus3, ReaddirplusArgs, ReaddirplusResult } from '../../nfs/index.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { DIRLIST_FIXED_BYTES, entry3Bytes, entryPlus3Bytes, listedNode, namesAfter } from './dir-page.js';

/**
 * READDIRPLUS (RFC 1813 section 3.3.17): entries with attributes and handles. The reply
 * stays within `maxcount` bytes and the entries' directory information (fileid, name,
 * cookie) within `dircount`; at least one entry goes out if it fits maxcount, else
 * NFS3ERR_TOOSMALL. Every handle returned is recorded, so the client can use it at once.
 */
export async function readdirplus(core: ExportCore, args: ReaddirplusArgs): Promise<ReaddirplusResult> {
  let dir: ResolvedNode | undefined;
  try {
    dir = await core.resolve(args.dir);
    core.requireDirectory(dir);
    const { names, start, verifier } = namesAfter(core, dir, args.cookie, args.cookieverf);
    const entries: EntryPlus3[] = [];
    let size = DIRLIST_FIXED_BYTES;
    let dirInfo = 0;
    let index = start;
    for (; index < names.length; index++) {
      const listed = names[index];
      if (listed === undefined) break;
      const node = listedNode(core, dir, listed.name);
      if (node === undefined) continue;
      const bytes = entryPlus3Bytes(listed.name, node.entry.handle.length);
      const infoBytes = entry3Bytes(listed.name);
      if (size + bytes > args.maxcount) break;
      if (entries.length > 0 && dirInfo + infoBytes > args.dircount) break;
      entries.push({
        fileid: node.entry.identity.fileid,
        name: listed.name,
        cookie: listed.cookie,
        nameAttributes: core.fattr(node),
        nameHandle: node.entry.handle,
      });
      size += bytes;
      dirInfo += infoBytes;
    }
    if (entries.length === 0 && index < names.length) throw new NfsStatusError(Nfsstat3.NFS3ERR_TOOSMALL);
    return { status: Nfsstat3.NFS3_OK, dirAttributes: core.fattr(dir), cookieverf: verifier, entries, eof: index >= names.length };
  } catch (error) {
    return { status: core.statusOf(error), dirAttributes: dir === undefined ? undefined : core.fattr(dir) };
  }
}
