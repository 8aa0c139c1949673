import type { FileHandleCodec } from './file-handle.js';
import type { InodeIdentity } from './inode-identity.js';

/** One file system object we handed out a handle for, and where we last saw it. */
export interface NodeEntry {
  readonly identity: InodeIdentity;
  readonly handle: Buffer;
  /** The handle bytes as a latin1 string: the key of the handle map. */
  readonly handleKey: string;
  /** The directory holding `name`; undefined for the export root. */
  parent: NodeEntry | undefined;
  name: string;
  isDirectory: boolean;
  cachedPath: string | undefined;
  cachedPathEpoch: number;
}

/** How many removed inodes we remember, to answer STALE at once instead of rescanning. */
const GONE_LIMIT = 16384;

function identityKey(fileid: bigint, generation: bigint): string {
  return `${fileid}:${generation}`;
}

/**
 * The map from handles to places in the export. Every entry names its parent, so a
 * directory rename moves its whole subtree by touching one entry; path strings are
 * cached per entry and invalidated by bumping `epoch` whenever a directory moves.
 */
export class NodeTable {
  readonly root: NodeEntry;
  private readonly byHandleKey = new Map<string, NodeEntry>();
  private readonly byFileid = new Map<bigint, NodeEntry>();
  private readonly gone = new Set<string>();
  private epoch = 0;

  constructor(
    private readonly codec: FileHandleCodec,
    private readonly exportDir: string,
    rootIdentity: InodeIdentity,
  ) {
    this.root = this.insert(rootIdentity, undefined, '', true);
  }

  get size(): number {
    return this.byFileid.size;
  }

  private insert(identity: InodeIdentity, parent: NodeEntry | undefined, name: string, isDirectory: boolean): NodeEntry {
    const handle = this.codec.encode(identity);
    const entry: NodeEntry = {
      identity,
      handle,
      handleKey: handle.toString('latin1'),
      parent,
      name,
      isDirectory,
      cachedPath: undefined,
      cachedPathEpoch: -1,
    };
    this.byHandleKey.set(entry.handleKey, entry);
    this.byFileid.set(identity.fileid, entry);
    return entry;
  }

  byHandle(handle: Buffer): NodeEntry | undefined {
    return this.byHandleKey.get(handle.toString('latin1'));
  }

  entryOf(fileid: bigint): NodeEntry | undefined {
    return this.byFileid.get(fileid);
  }

  isGone(fileid: bigint, generation: bigint): boolean {
    return this.gone.has(identityKey(fileid, generation));
  }

  /** The absolute host path of an entry (never sent to clients). */
  pathOf(entry: NodeEntry): string {
    if (entry.cachedPathEpoch === this.epoch && entry.cachedPath !== undefined) return entry.cachedPath;
    const path = entry.parent === undefined ? this.exportDir : `${this.pathOf(entry.parent)}/${entry.name}`;
    entry.cachedPath = path;
    entry.cachedPathEpoch = this.epoch;
    return path;
  }

  /**
   * Records that `name` in `parent` is the object `identity`, creating its entry or moving
   * an existing one there (a hard link seen under another name, or a rename by someone
   * else). An entry whose inode was reused by a new file is replaced.
   */
  record(parent: NodeEntry, name: string, identity: InodeIdentity, isDirectory: boolean): NodeEntry {
    const existing = this.byFileid.get(identity.fileid);
    if (existing !== undefined) {
      if (existing.identity.generation === identity.generation && existing.identity.dev === identity.dev && existing.identity.ino === identity.ino) {
        if (existing.parent !== parent || existing.name !== name) this.move(existing, parent, name);
        return existing;
      }
      this.forget(existing, true);
    }
    return this.insert(identity, parent, name, isDirectory);
  }

  move(entry: NodeEntry, parent: NodeEntry, name: string): void {
    if (entry === this.root) return;
    entry.parent = parent;
    entry.name = name;
    entry.cachedPath = undefined;
    // Every cached path below a moved directory is now wrong; files have no descendants.
    if (entry.isDirectory) this.epoch++;
  }

  /** Drops an entry; `gone` says its inode was deleted, so its handle is stale for good. */
  forget(entry: NodeEntry, gone: boolean): void {
    if (entry === this.root) return;
    if (this.byHandleKey.get(entry.handleKey) === entry) this.byHandleKey.delete(entry.handleKey);
    if (this.byFileid.get(entry.identity.fileid) === entry) this.byFileid.delete(entry.identity.fileid);
    if (gone) {
      if (this.gone.size >= GONE_LIMIT) {
        const oldest = this.gone.values().next();
        if (oldest.done !== true) this.gone.delete(oldest.value);
      }
      this.gone.add(identityKey(entry.identity.fileid, entry.identity.generation));
    }
  }
}
