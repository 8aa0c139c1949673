import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { Entry3, ReaddirArgs, ReaddirResult } from '../../nfs/index.js';
import { nodeAttrsIfAny } from '../attributes.js';
import type { CallScope } from '../call-scope.js';
import { DIRLIST_FIXED_BYTES, entry3Bytes, openPage } from './dir-page.js';

/**
 * READDIR (RFC 1813 section 3.3.16) over the merged view (main minus whiteouts, plus
 * overlay and shadow names): fileid and cookie are vids; the reply stays within `count`.
 */
export async function readdir(scope: CallScope, args: ReaddirArgs): Promise<ReaddirResult> {
  const page = await openPage(scope, args.dir, args.cookie, args.cookieverf);
  const entries: Entry3[] = [];
  let size = DIRLIST_FIXED_BYTES;
  let next = page.entries.next();
  for (; next.done !== true; next = page.entries.next()) {
    const entry = next.value;
    const bytes = entry3Bytes(entry.name);
    if (size + bytes > args.count) break;
    entries.push({ fileid: BigInt(entry.node.vid), name: entry.name, cookie: entry.cookie });
    size += bytes;
  }
  const eof = next.done === true;
  if (entries.length === 0 && !eof) throw new NfsStatusError(Nfsstat3.NFS3ERR_TOOSMALL);
  // A client that read to the end rarely comes back: the listing's memory goes (cookies stay valid).
  if (eof) scope.ctx.listings.invalidate(page.dir.session, page.dir.vid);
  return { status: Nfsstat3.NFS3_OK, dirAttributes: await nodeAttrsIfAny(scope, page.dir), cookieverf: page.verifier, entries, eof };
}
