import type { InodeNumbering } from './inode-identity.js';
import type { NfsdLogger } from './logger.js';
import type { NodeTable } from './node-table.js';
import { scanTree } from './tree-scan.js';

/** A fileid a full walk did not find answers STALE without another walk for this long. */
const MISS_MEMORY_MS = 30_000;
const MISS_MEMORY_LIMIT = 65536;
/** Walks are at least this far apart, and at least 5 walk durations. */
const MIN_SCAN_INTERVAL_MS = 2_000;
const SCAN_SPACING_FACTOR = 5;

/**
 * Decides when an authentic handle naming an inode we have not seen (after a restart, or
 * after a change made behind our back) is worth walking the export for. Concurrent misses
 * share one walk; a fileid a walk just failed to find is not searched again for a while,
 * and walks are spaced out, so clients holding many stale handles cannot keep the server
 * walking the tree.
 */
export class Rescanner {
  private scanning: Promise<void> | undefined;
  private lastScanEndMs = -Infinity;
  private lastScanDurationMs = 0;
  private readonly missedAt = new Map<bigint, number>();

  constructor(
    private readonly table: NodeTable,
    private readonly numbering: InodeNumbering,
    private readonly maxEntries: number,
    private readonly logger: NfsdLogger,
  ) {}

  /** Resolves once the table holds `fileid` if a walk could find it now; the caller looks again. */
  async lookFor(fileid: bigint): Promise<void> {
    if (this.scanning !== undefined) {
      await this.scanning;
      return;
    }
    const now = Date.now();
    const missed = this.missedAt.get(fileid);
    if (missed !== undefined && now - missed < MISS_MEMORY_MS) return;
    const spacing = Math.max(MIN_SCAN_INTERVAL_MS, SCAN_SPACING_FACTOR * this.lastScanDurationMs);
    if (now - this.lastScanEndMs < spacing) {
      this.rememberMiss(fileid, now);
      return;
    }
    this.scanning = this.scan().finally(() => {
      this.scanning = undefined;
    });
    await this.scanning;
    if (this.table.entryOf(fileid) === undefined) this.rememberMiss(fileid, Date.now());
  }

  private async scan(): Promise<void> {
    const started = Date.now();
    const seen = await scanTree(this.table, this.numbering, this.maxEntries);
    this.lastScanEndMs = Date.now();
    this.lastScanDurationMs = this.lastScanEndMs - started;
    this.logger.debug('nfsd: walked the export for unknown file handles', { objects: seen, ms: this.lastScanDurationMs });
  }

  private rememberMiss(fileid: bigint, now: number): void {
    if (this.missedAt.size >= MISS_MEMORY_LIMIT) this.missedAt.clear();
    this.missedAt.set(fileid, now);
  }
}
