/**
 * Which bytes of which files were read, to tell bytes fetched (every READ payload, repeats
 * included) from distinct bytes (the union of the ranges per file handle).
 */

export class ReadLedger {
  reads = 0;
  totalBytes = 0;
  /** Per file handle (hex): [start, end) ranges as read, merged on demand. */
  private readonly ranges = new Map<string, Array<[number, number]>>();

  add(file: string, offset: number, length: number): void {
    this.reads++;
    this.totalBytes += length;
    if (length <= 0) return;
    let list = this.ranges.get(file);
    if (list === undefined) {
      list = [];
      this.ranges.set(file, list);
    }
    list.push([offset, offset + length]);
  }

  files(): number {
    return this.ranges.size;
  }

  distinctBytes(): number {
    let total = 0;
    for (const list of this.ranges.values()) {
      const sorted = [...list].sort((a, b) => a[0] - b[0]);
      let [start, end] = sorted[0] ?? [0, 0];
      for (const [from, to] of sorted.slice(1)) {
        if (from <= end) {
          end = Math.max(end, to);
          continue;
        }
        total += end - start;
        [start, end] = [from, to];
      }
      total += end - start;
    }
    return total;
  }

  reset(): void {
    this.reads = 0;
    this.totalBytes = 0;
    this.ranges.clear();
  }
}
