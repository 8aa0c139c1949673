import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { CallScope } from '../call-scope.js';
import { indexAfter, mergedListing } from '../dir-listing.js';
import type { ListedEntry } from '../dir-listing.js';
import { parentOf } from '../namespace.js';
import type { VNode } from '../node.js';
import { VIRTUAL_HANDLE_BYTES } from '../virtual-handle.js';
import { requireDirectory } from './checks.js';

/** XDR sizes (RFC 4506: 4-byte units) that keep a reply within the client's count. */
const UNIT = 4;
const HYPER = 8;
const POST_OP_ATTR_BYTES = UNIT + 84;
const VERIFIER_BYTES = 8;
/** Cookies of "." and ".."; every other entry's cookie is its vid (>= FIRST_VID). */
export const DOT_COOKIE = 1n;
export const DOTDOT_COOKIE = 2n;
const ZERO_VERIFIER = Buffer.alloc(VERIFIER_BYTES);

/** status, dir_attributes, cookieverf, the list's final "no more" bool, eof (RFC 1813 sections 3.3.16/17). */
export const DIRLIST_FIXED_BYTES = UNIT + POST_OP_ATTR_BYTES + VERIFIER_BYTES + UNIT + UNIT;

function padded(name: string): number {
  return (Buffer.byteLength(name, 'utf8') + UNIT - 1) & ~(UNIT - 1);
}

/** entry3: value-follows, fileid, name, cookie; also READDIRPLUS's per-entry "directory information". */
export function entry3Bytes(name: string): number {
  return UNIT + HYPER + UNIT + padded(name) + HYPER;
}

/** entryplus3: entry3 plus post_op_attr and a post_op_fh3 carrying a virtual handle. */
export function entryPlus3Bytes(name: string): number {
  return entry3Bytes(name) + POST_OP_ATTR_BYTES + UNIT + UNIT + ((VIRTUAL_HANDLE_BYTES + UNIT - 1) & ~(UNIT - 1));
}

/** One name to send: "." and ".." first (cookies 1 and 2), then the merged listing by vid. */
export interface PageEntry {
  name: string;
  node: VNode;
  cookie: bigint;
  listed: ListedEntry | undefined;
}

/**
 * The entries after `cookie` of directory `dirHandle`, checked and in cookie order (a
 * generator: the caller stops when the reply is full; eof = the generator is done). Cookies are vids, so one always
 * means "after this object" even if names came and went between pages. The verifier is
 * constant per directory; a non-zero one of another directory is BAD_COOKIE.
 */
export async function openPage(
  scope: CallScope,
  dirHandle: Buffer,
  cookie: bigint,
  cookieverf: Buffer,
): Promise<{ dir: VNode; verifier: Buffer; entries: Generator<PageEntry> }> {
  const dir = scope.resolve(dirHandle);
  requireDirectory(dir);
  const verifier = scope.ctx.cookieVerifier(dir.session, dir.vid);
  if (cookie !== 0n && !cookieverf.equals(ZERO_VERIFIER) && !cookieverf.equals(verifier)) {
    throw new NfsStatusError(Nfsstat3.NFS3ERR_BAD_COOKIE);
  }
  const listing = await mergedListing(scope, dir);
  const start = indexAfter(listing.entries, cookie);
  const parent = parentOf(scope, dir);
  function* entries(): Generator<PageEntry> {
    if (cookie < DOT_COOKIE) yield { name: '.', node: dir, cookie: DOT_COOKIE, listed: undefined };
    if (cookie < DOTDOT_COOKIE) yield { name: '..', node: parent, cookie: DOTDOT_COOKIE, listed: undefined };
    for (let index = start; index < listing.entries.length; index++) {
      const listed = listing.entries[index] as ListedEntry;
      const node = scope.ctx.nodes.get(listed.vid);
      if (node === undefined || node.dead) continue;
      yield { name: listed.name, node, cookie: BigInt(listed.vid), listed };
    }
  }
  return { dir, verifier, entries: entries() };
}
