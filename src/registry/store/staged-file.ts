import type { FileHandle } from 'node:fs/promises';
import { ImageStoreError } from '../errors.js';
import type { ChunkSink } from './file-digest.js';

/**
 * A file being copied into a staging tree (`row publish --store`): writes the non-zero blocks
 * of each chunk at their offsets (zero blocks stay holes), and pushes the written data towards
 * the disk while the copy goes on.
 *
 * Why the push: Linux starts writing dirty pages back only past dirty_background_ratio (10% of
 * RAM by default, gigabytes on a server), so a 1 GiB image used to sit in the page cache until
 * the commit's syncfs, which then wrote all of it (~0.6 s on the benchmark VM) while nothing
 * else ran. An fdatasync after every FLUSH_BEHIND_BYTES (at most one at a time, not awaited)
 * keeps the disk busy during the copy; the commit's syncfs stays the durability point and
 * finds little left to do.
 *
 * Tried and left out: O_DIRECT writes (from page-aligned buffers) spend far less CPU than
 * copying into the page cache, but each write then waits for the device; on the benchmark VM a
 * 1 GiB publish took 2.4-3.3 s that way against 1.5-2.6 s through the page cache.
 */
const FLUSH_BEHIND_BYTES = 64 * 1024 * 1024;

export class StagedFile {
  private unflushed = 0;
  private flushing: Promise<void> | null = null;
  private flushError: unknown = null;

  constructor(
    readonly handle: FileHandle,
    /** The file's path in the image, for messages. */
    private readonly path: string,
    private readonly blockSize: number,
  ) {}

  /** For digestFile: writes each run of data blocks of a chunk in one positional write. */
  readonly sink: ChunkSink = async ({ offset, data, zero }) => {
    let runStart = -1;
    for (let index = 0; index <= zero.length; index++) {
      const isData = index < zero.length && zero[index] === false;
      if (isData && runStart < 0) runStart = index;
      if (!isData && runStart >= 0) {
        const from = runStart * this.blockSize;
        const to = Math.min(index * this.blockSize, data.length);
        await writeFully(this.handle, data.subarray(from, to), offset + from);
        this.wrote(to - from);
        runStart = -1;
      }
    }
  };

  /** Waits for a flush still running (the handle must outlive it); rethrows its failure. */
  async settle(): Promise<void> {
    await this.flushing;
    if (this.flushError !== null) throw new ImageStoreError(`cannot write ${this.path}`, { cause: this.flushError });
  }

  private wrote(bytes: number): void {
    this.unflushed += bytes;
    if (this.unflushed < FLUSH_BEHIND_BYTES || this.flushing !== null || this.flushError !== null) return;
    this.unflushed = 0;
    this.flushing = this.handle.datasync().then(
      () => {
        this.flushing = null;
      },
      (error: unknown) => {
        this.flushing = null;
        this.flushError ??= error;
      },
    );
  }
}

export async function writeFully(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written, position + written);
    written += bytesWritten;
  }
}
