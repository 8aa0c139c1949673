import type { Fattr3 } from '../nfs/index.js';

/**
 * Attributes of objects that live only on main, kept for a few seconds. Main is a
 * published, read-only image version (architecture.md: "mount it read-only"), so its
 * attributes only change if someone edits the image server's tree behind its back; a
 * short lifetime bounds how long such an edit stays unseen, as the Linux client's own
 * attribute cache does (acregmin 3 s). A repeated GETATTR then costs no main round trip:
 * the proxy answers it itself (counted as local in the metrics).
 *
 * Only main-only objects consult it: once an object has a shadow copy its attributes come
 * from the shadow. Bounded: the oldest entries go first once `capacity` is reached, so a
 * tree walk cannot grow it without limit.
 */
export class MainAttrCache {
  private readonly entries = new Map<number, { attrs: Fattr3; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0 && this.capacity > 0;
  }

  /** main's attributes of vid, if seen less than ttlMs ago. */
  get(vid: number): Fattr3 | undefined {
    const entry = this.entries.get(vid);
    if (entry === undefined) return undefined;
    if (performance.now() < entry.until) return entry.attrs;
    this.entries.delete(vid);
    return undefined;
  }

  set(vid: number, attrs: Fattr3): void {
    if (!this.enabled) return;
    this.entries.delete(vid);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(vid, { attrs, until: performance.now() + this.ttlMs });
  }
}
