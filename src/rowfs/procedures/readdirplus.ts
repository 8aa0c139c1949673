import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { EntryPlus3, Fattr3, ReaddirplusArgs, ReaddirplusResult } from '../../nfs/index.js';
import { nodeAttrsIfAny, virtualAttrs } from '../attributes.js';
import type { CallScope } from '../call-scope.js';
import type { PageEntry } from './dir-page.js';
import { DIRLIST_FIXED_BYTES, entry3Bytes, entryPlus3Bytes, openPage } from './dir-page.js';

/** Attributes of one entry: main's from the listing for main-only objects, else asked fresh. */
function entryAttrs(scope: CallScope, entry: PageEntry): Promise<Fattr3 | undefined> {
  const main = entry.listed?.mainAttrs;
  if (main !== undefined && entry.node.shadowFh === undefined) return Promise.resolve(virtualAttrs(scope.ctx, entry.node, main));
  return nodeAttrsIfAny(scope, entry.node);
}

/**
 * READDIRPLUS (RFC 1813 section 3.3.17) over the merged view, with virtual handles and
 * virtual attributes. The reply stays within `maxcount` and the entries' directory
 * information within `dircount`; at least one entry, or NFS3ERR_TOOSMALL.
 */
export async function readdirplus(scope: CallScope, args: ReaddirplusArgs): Promise<ReaddirplusResult> {
  const page = await openPage(scope, args.dir, args.cookie, args.cookieverf);
  const chosen: PageEntry[] = [];
  let size = DIRLIST_FIXED_BYTES;
  let dirInfo = 0;
  let next = page.entries.next();
  for (; next.done !== true; next = page.entries.next()) {
    const entry = next.value;
    const bytes = entryPlus3Bytes(entry.name);
    const infoBytes = entry3Bytes(entry.name);
    if (size + bytes > args.maxcount) break;
    if (chosen.length > 0 && dirInfo + infoBytes > args.dircount) break;
    chosen.push(entry);
    size += bytes;
    dirInfo += infoBytes;
  }
  const eof = next.done === true;
  if (chosen.length === 0 && !eof) throw new NfsStatusError(Nfsstat3.NFS3ERR_TOOSMALL);
  const [dirAttributes, ...attrs] = await Promise.all([nodeAttrsIfAny(scope, page.dir), ...chosen.map((entry) => entryAttrs(scope, entry))]);
  const entries: EntryPlus3[] = chosen.map((entry, index) => ({
    fileid: BigInt(entry.node.vid),
    name: entry.name,
    cookie: entry.cookie,
    nameAttributes: attrs[index],
    nameHandle: scope.handleOf(entry.node),
  }));
  // A client that read to the end rarely comes back: the listing's memory goes (cookies stay valid).
  if (eof) scope.ctx.listings.invalidate(page.dir.session, page.dir.vid);
  return { status: Nfsstat3.NFS3_OK, dirAttributes, cookieverf: page.verifier, entries, eof };
}
