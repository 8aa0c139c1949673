/**
 * Where a transfer's DATA packets come from. A source hands out whole packet buffers: the
 * payload sits at offset 4 and the transfer writes the 4-byte header in place, so sending a
 * block needs no allocation. A file is read with readv straight into the packet buffers of
 * a chunk of many blocks (no copy at all), the next chunk prefetched while the current one
 * is sent; a generated file is copied block by block into a small ring of packet buffers.
 */
import type { FileHandle } from 'node:fs/promises';
import { DATA_HEADER_BYTES } from './constants.js';
import { TftpError } from './errors.js';

export interface BlockSource {
  readonly size: number;
  /**
   * The packet buffer for block `block` (1-based), payload at offset 4 and exactly as long
   * as the packet, or undefined if `load(block)` must complete first. A buffer stays valid
   * until at least `windowsize` later blocks have been asked for.
   */
  packet(block: number): Buffer | undefined;
  /** Makes `block` available; rejects with a TftpError if the file cannot be read. */
  load(block: number): Promise<void>;
  close(): Promise<void>;
}

export interface SourceGeometry {
  blksize: number;
  windowsize: number;
  /**
   * False while the socket still holds queued sends (EAGAIN). A source then allocates new
   * packet buffers instead of overwriting ones a queued send may still read.
   */
  sendQueueEmpty: () => boolean;
}

function payloadLength(size: number, blksize: number, block: number): number {
  return Math.max(0, Math.min(blksize, size - (block - 1) * blksize));
}

/** A generated file held in memory. */
export class MemoryBlockSource implements BlockSource {
  readonly size: number;
  private readonly ring: Buffer[];
  private readonly ringBlocks: number[];

  constructor(
    private readonly data: Buffer,
    private readonly geometry: SourceGeometry,
  ) {
    this.size = data.length;
    const lastBlock = Math.floor(this.size / geometry.blksize) + 1;
    const slots = Math.min(geometry.windowsize, lastBlock);
    this.ring = Array.from({ length: slots }, () => Buffer.allocUnsafe(DATA_HEADER_BYTES + geometry.blksize));
    this.ringBlocks = this.ring.map(() => 0);
  }

  packet(block: number): Buffer {
    const { blksize } = this.geometry;
    const index = block % this.ring.length;
    let buffer = this.ring[index] as Buffer;
    if (this.ringBlocks[index] !== block) {
      if (!this.geometry.sendQueueEmpty()) {
        buffer = Buffer.allocUnsafe(DATA_HEADER_BYTES + blksize);
        this.ring[index] = buffer;
      }
      const start = (block - 1) * blksize;
      this.data.copy(buffer, DATA_HEADER_BYTES, start, start + payloadLength(this.size, blksize, block));
      this.ringBlocks[index] = block;
    }
    const length = payloadLength(this.size, blksize, block);
    return length === blksize ? buffer : buffer.subarray(0, DATA_HEADER_BYTES + length);
  }

  load(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Bytes a file chunk aims at: one thread-pool read per ~45 blocks of 1468 bytes. */
export const FILE_CHUNK_TARGET_BYTES = 64 * 1024;
/** Blocks per chunk for tiny blksizes: Linux takes at most 1024 iovecs (IOV_MAX) per readv. */
const MAX_CHUNK_BLOCKS = 1024;

interface ChunkSlot {
  chunk: number;
  /** Packet buffers of the chunk's blocks, and their payload views (readv's targets). */
  packets: Buffer[];
  payloads: Buffer[];
  loading: Promise<void> | undefined;
  error: Error | undefined;
}

/** A file in the root, read through two chunk slots: the one being sent and the next. */
export class FileBlockSource implements BlockSource {
  private readonly blksize: number;
  private readonly chunkBlocks: number;
  /** Position in a chunk whose block starts the prefetch of the next chunk. */
  private readonly prefetchAt: number;
  private readonly chunkCount: number;
  private readonly lastBlock: number;
  private readonly slots: [ChunkSlot, ChunkSlot];
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    private readonly geometry: SourceGeometry,
  ) {
    this.blksize = geometry.blksize;
    this.lastBlock = Math.floor(size / this.blksize) + 1;
    // Chunks hold at least two windows. The next chunk is read (evicting the previous one)
    // once a whole window lies in the current chunk, so resending a window never needs an
    // evicted chunk, and the read still has a window's worth of blocks to complete.
    const targetBlocks = Math.min(MAX_CHUNK_BLOCKS, Math.ceil(FILE_CHUNK_TARGET_BYTES / this.blksize));
    this.chunkBlocks = Math.min(this.lastBlock, Math.max(2 * geometry.windowsize, targetBlocks));
    this.prefetchAt = Math.min(geometry.windowsize - 1, this.chunkBlocks - 1);
    this.chunkCount = Math.ceil(this.lastBlock / this.chunkBlocks);
    const empty = (): ChunkSlot => ({ chunk: -1, packets: [], payloads: [], loading: undefined, error: undefined });
    this.slots = [empty(), empty()];
  }

  packet(block: number): Buffer | undefined {
    const chunk = Math.floor((block - 1) / this.chunkBlocks);
    const [first, second] = this.slots;
    const slot = first.chunk === chunk ? first : second.chunk === chunk ? second : undefined;
    if (!slot || slot.loading || slot.error) return undefined;
    if ((block - 1) % this.chunkBlocks === this.prefetchAt) this.prefetch(chunk + 1);
    const packet = slot.packets[(block - 1) % this.chunkBlocks] as Buffer;
    if (block !== this.lastBlock) return packet;
    return packet.subarray(0, DATA_HEADER_BYTES + payloadLength(this.size, this.blksize, block));
  }

  async load(block: number): Promise<void> {
    const chunk = Math.floor((block - 1) / this.chunkBlocks);
    for (;;) {
      if (this.closed) throw new TftpError('block source closed');
      const slot = this.slots.find((candidate) => candidate.chunk === chunk);
      if (slot?.loading) {
        await slot.loading;
        continue;
      }
      if (slot) {
        if (slot.error) throw slot.error;
        return;
      }
      const idle = this.slots.filter((candidate) => !candidate.loading);
      const victim = idle.find((candidate) => candidate.chunk !== chunk - 1) ?? idle[0];
      if (victim) {
        this.startLoad(victim, chunk);
        continue;
      }
      // Both slots are loading other chunks: wait for one, then look again.
      await Promise.race(this.slots.map((candidate) => candidate.loading));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.loading));
    await this.handle.close();
  }

  private prefetch(chunk: number): void {
    if (chunk >= this.chunkCount || this.closed) return;
    if (this.slots.some((slot) => slot.chunk === chunk)) return;
    // Never evict the chunk being sent from; if the other slot is busy, load() catches up.
    const victim = this.slots.find((slot) => !slot.loading && slot.chunk !== chunk - 1);
    if (victim) this.startLoad(victim, chunk);
  }

  private startLoad(slot: ChunkSlot, chunk: number): void {
    if (slot.packets.length === 0 || !this.geometry.sendQueueEmpty()) {
      slot.packets = Array.from({ length: this.chunkBlocks }, () => Buffer.allocUnsafe(DATA_HEADER_BYTES + this.blksize));
      slot.payloads = slot.packets.map((packet) => packet.subarray(DATA_HEADER_BYTES));
    }
    slot.chunk = chunk;
    slot.error = undefined;
    const firstBlock = chunk * this.chunkBlocks + 1;
    const position = (firstBlock - 1) * this.blksize;
    const length = Math.min(this.chunkBlocks * this.blksize, this.size - position);
    slot.loading = this.readFully(slot.payloads, length, position).then(
      () => {
        slot.loading = undefined;
      },
      (cause: unknown) => {
        slot.loading = undefined;
        slot.error = new TftpError(`cannot read ${length} bytes at ${position}`, { cause });
      },
    );
  }

  /** Scatter-reads `length` bytes at `position` into the payload views, in order. */
  private async readFully(payloads: Buffer[], length: number, position: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.readv(this.remaining(payloads, done, length), position + done);
      // The file shrank after its size went out in the OACK: the client would get short data.
      if (bytesRead === 0) throw new TftpError(`file ended at ${position + done}, expected ${position + length}`);
      done += bytesRead;
    }
  }

  /** The views still to fill after `done` of `length` bytes (all of them on the first call). */
  private remaining(payloads: Buffer[], done: number, length: number): Buffer[] {
    const views: Buffer[] = [];
    let offset = 0;
    for (const payload of payloads) {
      if (offset >= length) break;
      const end = Math.min(offset + payload.length, length);
      if (end > done) views.push(payload.subarray(Math.max(0, done - offset), end - offset));
      offset += payload.length;
    }
    return views;
  }
}
