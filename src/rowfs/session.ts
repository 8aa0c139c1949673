import type { SessionRow, StateStore } from './state-store.js';

function nameKey(parentVid: number, name: string): string {
  return `${parentVid}/${name}`;
}

/**
 * One client's view: its root, block size, shadow directory, and its whiteouts (main
 * names it removed or renamed away) and overlay names (main objects renamed or linked to
 * a new name), kept in memory (they are few: one per such change) and in SQLite.
 */
export class Session {
  readonly id: number;
  readonly key: string;
  readonly rootVid: number;
  readonly blockSize: number;
  readonly shadowDir: string;
  private readonly whiteouts = new Set<string>();
  private readonly overlay = new Map<number, Map<string, number>>();

  constructor(row: SessionRow, store: StateStore) {
    this.id = row.id;
    this.key = row.key;
    this.rootVid = row.rootVid;
    this.blockSize = row.blockSize;
    this.shadowDir = row.shadowDir;
    for (const whiteout of store.whiteoutsOf(row.id)) this.whiteouts.add(nameKey(whiteout.parentVid, whiteout.name));
    for (const entry of store.overlaysOf(row.id)) this.overlayDir(entry.parentVid).set(entry.name, entry.vid);
  }

  private overlayDir(parentVid: number): Map<string, number> {
    let names = this.overlay.get(parentVid);
    if (names === undefined) {
      names = new Map();
      this.overlay.set(parentVid, names);
    }
    return names;
  }

  hasWhiteout(parentVid: number, name: string): boolean {
    return this.whiteouts.size > 0 && this.whiteouts.has(nameKey(parentVid, name));
  }

  addWhiteout(store: StateStore, parentVid: number, name: string): void {
    store.addWhiteout(this.id, parentVid, name);
    this.whiteouts.add(nameKey(parentVid, name));
  }

  overlayAt(parentVid: number, name: string): number | undefined {
    return this.overlay.get(parentVid)?.get(name);
  }

  /** Overlay names in a directory: name -> vid. */
  overlayIn(parentVid: number): ReadonlyMap<string, number> | undefined {
    return this.overlay.get(parentVid);
  }

  setOverlay(store: StateStore, parentVid: number, name: string, vid: number): void {
    store.setOverlay(this.id, parentVid, name, vid);
    this.overlayDir(parentVid).set(name, vid);
  }

  deleteOverlay(store: StateStore, parentVid: number, name: string): void {
    const names = this.overlay.get(parentVid);
    if (names?.has(name) !== true) return;
    store.deleteOverlay(this.id, parentVid, name);
    names.delete(name);
    if (names.size === 0) this.overlay.delete(parentVid);
  }

  /** Every overlay name of object `vid` (its extra hard links and new names). */
  overlayNamesOf(vid: number): { parentVid: number; name: string }[] {
    const found: { parentVid: number; name: string }[] = [];
    for (const [parentVid, names] of this.overlay) {
      for (const [name, target] of names) if (target === vid) found.push({ parentVid, name });
    }
    return found;
  }
}
