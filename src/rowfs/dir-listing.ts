import { NfsStatusError, Nfs3Proc, Nfsstat3 } from '../nfs/index.js';
import type { EntryPlus3, Fattr3 } from '../nfs/index.js';
import { noteMainAttrs } from './attributes.js';
import type { CallScope } from './call-scope.js';
import { isDotName } from './names.js';
import { lookupChild } from './namespace.js';
import type { VNode } from './node.js';

/**
 * One name of a merged directory listing. The object is kept by vid, not by node: a
 * listing outlives calls, and the handle table may drop and reload a node meanwhile.
 */
export interface ListedEntry {
  name: string;
  vid: number;
  /** main's attributes from the listing, for objects that lived only on main when it was built. */
  mainAttrs: Fattr3 | undefined;
}

export interface DirListing {
  /** Ascending vid: a cookie (= vid) always means "after this object", whatever changed since. */
  entries: ListedEntry[];
  built: number;
}

/** How long a merged listing serves READDIR pages before it is rebuilt (the proxy's own changes drop it at once). */
const LISTING_TTL_MS = 30_000;
const MAX_LISTINGS = 16;
/** READDIRPLUS sizes for reading main's directories: large pages, few round trips. */
const MAIN_DIRCOUNT = 64 * 1024;
const MAIN_MAXCOUNT = 512 * 1024;
const ZERO_VERIFIER = Buffer.alloc(8);

function listingKey(session: number, dirVid: number): string {
  return `${session}/${dirVid}`;
}

/** Merged listings of directories being paged through, by (session, directory). */
export class DirListingCache {
  private readonly listings = new Map<string, DirListing>();

  get(session: number, dirVid: number): DirListing | undefined {
    const key = listingKey(session, dirVid);
    const listing = this.listings.get(key);
    if (listing === undefined) return undefined;
    if (performance.now() - listing.built > LISTING_TTL_MS) {
      this.listings.delete(key);
      return undefined;
    }
    return listing;
  }

  set(session: number, dirVid: number, listing: DirListing): void {
    const key = listingKey(session, dirVid);
    this.listings.delete(key);
    this.listings.set(key, listing);
    if (this.listings.size > MAX_LISTINGS) {
      const oldest = this.listings.keys().next().value;
      if (oldest !== undefined) this.listings.delete(oldest);
    }
  }

  /** A name in the directory changed: the next page rebuilds (cookies stay valid). */
  invalidate(session: number, dirVid: number): void {
    this.listings.delete(listingKey(session, dirVid));
  }
}

/** Every entry of a main directory (all pages), "." and ".." left out. */
async function mainEntries(scope: CallScope, mainFh: Buffer): Promise<EntryPlus3[]> {
  const entries: EntryPlus3[] = [];
  let cookie = 0n;
  let cookieverf: Buffer = ZERO_VERIFIER;
  for (;;) {
    const page = await scope.main(Nfs3Proc.READDIRPLUS, { dir: mainFh, cookie, cookieverf, dircount: MAIN_DIRCOUNT, maxcount: MAIN_MAXCOUNT });
    if (page.status !== Nfsstat3.NFS3_OK) throw new NfsStatusError(page.status);
    for (const entry of page.entries) if (!isDotName(entry.name)) entries.push(entry);
    const last = page.entries[page.entries.length - 1];
    if (page.eof || last === undefined) return entries;
    cookie = last.cookie;
    cookieverf = page.cookieverf;
  }
}

/**
 * The session's view of a directory: overlay names, then objects whose primary name is
 * here (created, copied up, renamed in, or looked up before), then main's entries that
 * are not whited out. Main entries seen for the first time get handle-table rows (one
 * transaction), so each has a vid: its fileid and cookie.
 */
async function buildListing(scope: CallScope, dir: VNode): Promise<DirListing> {
  const fromMain = dir.mainFh === undefined ? [] : await mainEntries(scope, dir.mainFh);
  // Everything below runs in one tick: no other call can change the view meanwhile.
  const { nodes, store } = scope.ctx;
  const session = scope.session;
  const byName = new Map<string, ListedEntry>();
  const mainByName = new Map<string, EntryPlus3>();
  for (const entry of fromMain) {
    if (!session.hasWhiteout(dir.vid, entry.name)) mainByName.set(entry.name, entry);
  }
  for (const [name, vid] of session.overlayIn(dir.vid) ?? []) {
    const node = nodes.get(vid);
    if (node !== undefined && !node.dead) byName.set(name, { name, vid, mainAttrs: undefined });
  }
  for (const node of nodes.childrenOf(session.id, dir.vid)) {
    if (node.vid === dir.vid || byName.has(node.name)) continue;
    const main = node.shadowFh === undefined ? mainByName.get(node.name)?.nameAttributes : undefined;
    byName.set(node.name, { name: node.name, vid: node.vid, mainAttrs: main });
  }
  const unseen = [...mainByName.values()].filter((entry) => !byName.has(entry.name));
  const needLookup: string[] = [];
  store.transaction(() => {
    for (const entry of unseen) {
      if (entry.nameHandle === undefined || entry.nameAttributes === undefined) {
        needLookup.push(entry.name);
        continue;
      }
      const node = nodes.insert({
        session: session.id,
        parentVid: dir.vid,
        name: entry.name,
        type: entry.nameAttributes.type,
        mainFh: Buffer.from(entry.nameHandle),
        shadowFh: undefined,
        mainLimit: 0,
      });
      noteMainAttrs(node, entry.nameAttributes);
      byName.set(entry.name, { name: entry.name, vid: node.vid, mainAttrs: entry.nameAttributes });
    }
  });
  // A server may leave out handles or attributes in READDIRPLUS (RFC 1813 section 3.3.17): LOOKUP those.
  for (const name of needLookup) {
    const found = await lookupChild(scope, dir, name);
    if (found !== undefined && !byName.has(name)) byName.set(name, { name, vid: found.node.vid, mainAttrs: found.attrs });
  }
  const entries = [...byName.values()].sort((a, b) => a.vid - b.vid);
  return { entries, built: performance.now() };
}

/** The merged listing of `dir`, cached while a client pages through it. */
export async function mergedListing(scope: CallScope, dir: VNode): Promise<DirListing> {
  const cached = scope.ctx.listings.get(dir.session, dir.vid);
  if (cached !== undefined) return cached;
  const listing = await buildListing(scope, dir);
  scope.ctx.listings.set(dir.session, dir.vid, listing);
  return listing;
}

/** Index of the first entry after cookie `cookie` (a vid), by binary search. */
export function indexAfter(entries: readonly ListedEntry[], cookie: bigint): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (BigInt((entries[middle] as ListedEntry).vid) <= cookie) low = middle + 1;
    else high = middle;
  }
  return low;
}
