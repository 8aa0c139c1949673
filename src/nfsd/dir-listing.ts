import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { readdirSync } from 'node:fs';

/** One name of a directory and the READDIR cookie that resumes after it. */
export interface ListedName {
  readonly name: string;
  readonly cookie: bigint;
}

/**
 * Cookies 1 and 2 are "." and ".." (listed first, as the Linux server and nfs-ganesha do);
 * every other name's cookie is a 63-bit hash of the name, and a listing is sorted by
 * cookie. A cookie therefore means "resume after this name", whatever was created or
 * removed meanwhile: no entry is skipped or repeated when the directory changes between
 * pages, and cookies stay valid across server restarts.
 */
export const DOT_COOKIE = 1n;
export const DOTDOT_COOKIE = 2n;
const FIRST_NAME_COOKIE = 3n;

export function cookieOfName(name: string): bigint {
  const digest = createHash('sha256').update(name).digest();
  const cookie = digest.readBigUInt64BE(0) >> 1n;
  return cookie < FIRST_NAME_COOKIE ? cookie + FIRST_NAME_COOKIE : cookie;
}

interface CachedListing {
  names: readonly ListedName[];
  mtimeNs: bigint;
  ctimeNs: bigint;
  size: bigint;
}

/**
 * A listing modified this recently is not cached: file system timestamps tick coarsely
 * (a kernel jiffy), so a second change within the same tick would not change mtime and a
 * cached listing could miss it (the "racy timestamp" problem git's index also has).
 */
const RACY_WINDOW_NS = 2_000_000_000n;

/** Sorted listings of recently read directories, keyed by fileid, so paging is O(page). */
export class DirListingCache {
  private readonly listings = new Map<bigint, CachedListing>();

  constructor(private readonly limit: number) {}

  listing(key: bigint, path: string, stats: BigIntStats): readonly ListedName[] {
    const cached = this.listings.get(key);
    if (cached !== undefined && cached.mtimeNs === stats.mtimeNs && cached.ctimeNs === stats.ctimeNs && cached.size === stats.size) {
      this.listings.delete(key);
      this.listings.set(key, cached);
      return cached.names;
    }
    const names: ListedName[] = readdirSync(path).map((name) => ({ name, cookie: cookieOfName(name) }));
    names.sort((a, b) => (a.cookie < b.cookie ? -1 : a.cookie > b.cookie ? 1 : 0));
    names.unshift({ name: '.', cookie: DOT_COOKIE }, { name: '..', cookie: DOTDOT_COOKIE });
    this.listings.delete(key);
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    if (nowNs - stats.mtimeNs > RACY_WINDOW_NS && nowNs - stats.ctimeNs > RACY_WINDOW_NS) {
      this.listings.set(key, { names, mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs, size: stats.size });
      if (this.listings.size > this.limit) {
        const oldest = this.listings.keys().next();
        if (oldest.done !== true) this.listings.delete(oldest.value);
      }
    }
    return names;
  }

  invalidate(key: bigint): void {
    this.listings.delete(key);
  }
}

/** Index of the first name after `cookie` (binary search; cookie 0 starts at "."). */
export function indexAfterCookie(names: readonly ListedName[], cookie: bigint): number {
  let low = 0;
  let high = names.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const at = names[mid];
    if (at !== undefined && at.cookie <= cookie) low = mid + 1;
    else high = mid;
  }
  return low;
}
