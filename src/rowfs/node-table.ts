import type { Ftype3 } from '../nfs/index.js';
import type { VNode } from './node.js';
import { nodeFromRow } from './node.js';
import type { StateStore } from './state-store.js';

export interface NewNode {
  session: number;
  parentVid: number;
  name: string;
  type: Ftype3;
  mainFh: Buffer | undefined;
  shadowFh: Buffer | undefined;
  mainLimit: number;
}

/**
 * The handle table: SQLite rows with an in-memory cache of the objects in use. Every
 * change goes to SQLite first (same tick, synchronously), then to the cached node, so
 * cache and store never disagree. The cache is trimmed only when no call is running
 * (`trimIfIdle`), so no call ever holds a node that another call reloads and changes
 * behind its back. Nodes with pending (uncommitted) blocks are never dropped: those bits
 * live only in memory.
 */
export class NodeTable {
  private readonly cache = new Map<number, VNode>();
  /** Primary name -> vid of live nodes seen lately; checked against the node on every hit, so never wrong. */
  private readonly names = new Map<string, number>();

  constructor(
    private readonly store: StateStore,
    private readonly maxCached: number,
  ) {}

  get size(): number {
    return this.cache.size;
  }

  private remember(node: VNode): VNode {
    this.cache.set(node.vid, node);
    return node;
  }

  /** The node of `vid` (dead ones included), or undefined if no such row exists. */
  get(vid: number): VNode | undefined {
    const cached = this.cache.get(vid);
    if (cached !== undefined) return cached;
    const row = this.store.handle(vid);
    return row === undefined ? undefined : this.remember(nodeFromRow(row));
  }

  /** The live node whose primary name is `name` in directory `parentVid`. */
  at(session: number, parentVid: number, name: string): VNode | undefined {
    const key = `${session}/${parentVid}/${name}`;
    const vid = this.names.get(key);
    if (vid !== undefined) {
      const node = this.get(vid);
      if (node !== undefined && !node.dead && node.session === session && node.parentVid === parentVid && node.name === name) return node;
      this.names.delete(key);
    }
    const row = this.store.handleAt(session, parentVid, name);
    if (row === undefined) return undefined;
    if (this.names.size >= this.maxCached) this.names.clear();
    this.names.set(key, row.vid);
    return this.cache.get(row.vid) ?? this.remember(nodeFromRow(row));
  }

  /** Live nodes whose primary name is in directory `parentVid`. */
  childrenOf(session: number, parentVid: number): VNode[] {
    return this.store.handlesIn(session, parentVid).map((row) => this.cache.get(row.vid) ?? this.remember(nodeFromRow(row)));
  }

  /** Stores a new row and caches its node, built from the same fields (no read back: a walk inserts thousands). */
  insert(fields: NewNode): VNode {
    const row = {
      session: fields.session,
      parentVid: fields.parentVid,
      name: fields.name,
      type: fields.type,
      mainFh: fields.mainFh ?? null,
      shadowFh: fields.shadowFh ?? null,
      mainLimit: fields.mainLimit,
    };
    const vid = this.store.insertHandle(row);
    return this.remember(nodeFromRow({ ...row, vid, dead: false, bitmap: null }));
  }

  setMainFh(node: VNode, mainFh: Buffer): void {
    this.store.setMainFh(node.vid, mainFh);
    node.mainFh = mainFh;
  }

  /** Records the node's shadow copy (a fresh copy: no block is in the shadow yet). */
  setShadow(node: VNode, shadowFh: Buffer, mainLimit: number): void {
    this.store.setShadow(node.vid, shadowFh, mainLimit, null);
    node.shadowFh = shadowFh;
    node.mainLimit = mainLimit;
    node.present.truncate(0);
  }

  move(node: VNode, parentVid: number, name: string): void {
    this.store.moveHandle(node.vid, parentVid, name);
    node.parentVid = parentVid;
    node.name = name;
  }

  kill(node: VNode): void {
    this.store.killHandle(node.vid);
    node.dead = true;
  }

  /** Persists the node's present bitmap as it is now (call inside a durable transaction for stable writes). */
  saveBitmap(node: VNode): void {
    const bytes = node.present.toBuffer();
    this.store.setBitmap(node.vid, bytes.length === 0 ? null : bytes);
  }

  saveMainLimit(node: VNode): void {
    const bytes = node.present.toBuffer();
    this.store.setMainLimit(node.vid, node.mainLimit, bytes.length === 0 ? null : bytes);
  }

  /** Drops least recently inserted clean nodes until the cache is within its bound. Call only when no call runs. */
  trimIfIdle(): void {
    if (this.cache.size <= this.maxCached) return;
    const target = Math.floor(this.maxCached * 0.9);
    for (const [vid, node] of this.cache) {
      if (this.cache.size <= target) break;
      if (node.pending !== undefined && !node.pending.isEmpty()) continue;
      this.cache.delete(vid);
    }
  }
}
