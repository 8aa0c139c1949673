import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { ListedName } from '../dir-listing.js';
import { indexAfterCookie } from '../dir-listing.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';

/** XDR sizes (RFC 4506: 4-byte units) used to keep a reply within the client's count. */
const UNIT = 4;
const FATTR3_BYTES = 84;
const POST_OP_ATTR_BYTES = UNIT + FATTR3_BYTES;
const COOKIEVERF_BYTES = 8;

function paddedLength(text: string): number {
  const length = Buffer.byteLength(text, 'utf8');
  return (length + UNIT - 1) & ~(UNIT - 1);
}

/**
 * READDIR3resok / READDIRPLUS3resok without entries: status, dir_attributes, cookieverf,
 * the final "no more entries" bool and eof (RFC 1813 sections 3.3.16 and 3.3.17).
 */
export const DIRLIST_FIXED_BYTES = UNIT + POST_OP_ATTR_BYTES + COOKIEVERF_BYTES + UNIT + UNIT;

/** entry3: value-follows bool, fileid, name, cookie. Also READDIRPLUS's "directory information" per entry. */
export function entry3Bytes(name: string): number {
  return UNIT + 8 + UNIT + paddedLength(name) + 8;
}

/** entryplus3: entry3 plus post_op_attr and post_op_fh3. */
export function entryPlus3Bytes(name: string, handleBytes: number): number {
  return entry3Bytes(name) + POST_OP_ATTR_BYTES + UNIT + UNIT + ((handleBytes + UNIT - 1) & ~(UNIT - 1));
}

const ZERO_VERIFIER = Buffer.alloc(COOKIEVERF_BYTES);

/**
 * The names to list after `cookie`. Cookies are name hashes (see dir-listing.ts), so any
 * cookie we issued stays resumable; the verifier, derived from the directory's handle,
 * catches a cookie meant for another directory or made up: NFS3ERR_BAD_COOKIE. An all-zero
 * verifier is accepted with any cookie, as clients that keep no verifier send it.
 */
export function namesAfter(core: ExportCore, dir: ResolvedNode, cookie: bigint, cookieverf: Buffer): { names: readonly ListedName[]; start: number; verifier: Buffer } {
  const verifier = core.cookieVerifier(dir);
  if (cookie !== 0n && !cookieverf.equals(ZERO_VERIFIER) && !cookieverf.equals(verifier)) {
    throw new NfsStatusError(Nfsstat3.NFS3ERR_BAD_COOKIE);
  }
  const names = core.listings.listing(dir.entry.identity.fileid, dir.path, dir.stats);
  return { names, start: cookie === 0n ? 0 : indexAfterCookie(names, cookie), verifier };
}

/** The object a listed name stands for: "." and ".." within the export, others by lstat. */
export function listedNode(core: ExportCore, dir: ResolvedNode, name: string): ResolvedNode | undefined {
  if (name === '.') return dir;
  if (name === '..') return core.parentOf(dir);
  return core.child(dir, name);
}

