import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ImageStoreError } from '../errors.js';
import { blockCount, zeroBlockHash } from './manifest.js';

/**
 * One pass over a regular file: SHA-256 of each block, the runs of all-zero blocks, and the
 * data handed on in chunks (to copy into a store or send over the overlay) in the same read.
 *
 * The read, the hashing and the sink overlap: while chunk i is hashed on this thread, chunk
 * i+1 is being read and chunk i-1 is in the sink (a write, in libuv's thread pool). Done one
 * after another they cost read + hash + write per chunk; overlapped, about the slowest of the
 * three (the hash, ~1.5 GB/s with SHA-NI), which is what lets `row publish --store` keep up
 * with `sha256sum` (issue 5).
 */
export interface FileDigest {
  size: number;
  blocks: string[];
  zeroBlocks: Array<[number, number]>;
}

/**
 * `zero[i]` says block `firstBlock + i` is all zeros. Chunks arrive in file order, and the
 * next chunk is handed over only once the sink's promise for this one has settled. `data` is
 * only valid until then unless `freshBuffers` was asked for (a sink that queues it, e.g. on a
 * stream, must ask).
 */
export type ChunkSink = (chunk: { offset: number; firstBlock: number; data: Buffer; zero: boolean[] }) => Promise<void> | void;

/** Bytes read per system call (a whole number of blocks). */
const READ_BYTES = 4 * 1024 * 1024;
/** Chunk buffers in turn: one being read, one being hashed, one in the sink. */
const RING_BUFFERS = 3;

let zeros = Buffer.alloc(0);

function isZero(block: Buffer): boolean {
  if (zeros.length < block.length) zeros = Buffer.alloc(block.length);
  return block.equals(zeros.subarray(0, block.length));
}

export interface DigestOptions {
  sink?: ChunkSink;
  /** Bytes of the file done (read, hashed and through the sink). */
  onBytes?: (bytes: number) => void;
  /** A new buffer per chunk instead of a ring of reused ones (reuse saves a page fault per 4 KiB read). */
  freshBuffers?: boolean;
  /** Stops between chunks; the digest then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export async function digestFile(path: string, blockSize: number, options: DigestOptions = {}): Promise<FileDigest> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw new ImageStoreError(`cannot open ${path}`, { cause: error });
  }
  try {
    const size = (await handle.stat()).size;
    const digest = await digestOpenFile(handle, path, size, blockSize, options);
    if (digest.blocks.length !== blockCount(size, blockSize)) {
      throw new ImageStoreError(`${path}: read ${digest.blocks.length} blocks, expected ${blockCount(size, blockSize)}`);
    }
    return digest;
  } catch (error) {
    if (error instanceof ImageStoreError || (options.signal?.aborted === true && error === options.signal.reason)) throw error;
    throw new ImageStoreError(`cannot read ${path}`, { cause: error });
  } finally {
    await handle.close();
  }
}

async function digestOpenFile(handle: FileHandle, path: string, size: number, blockSize: number, options: DigestOptions): Promise<FileDigest> {
  const { sink, onBytes, signal } = options;
  const blocks: string[] = [];
  const zeroBlocks: Array<[number, number]> = [];
  const chunkBytes = Math.max(blockSize, Math.floor(READ_BYTES / blockSize) * blockSize);
  const chunks = Math.ceil(size / chunkBytes);
  const ring = options.freshBuffers ? [] : Array.from({ length: Math.min(RING_BUFFERS, chunks) }, () => Buffer.allocUnsafe(Math.min(chunkBytes, size)));
  const reads = new Map<number, Promise<Buffer>>();
  const startRead = (index: number): void => {
    if (index >= chunks) return;
    const offset = index * chunkBytes;
    const want = Math.min(chunkBytes, size - offset);
    const buffer = ring[index % RING_BUFFERS]?.subarray(0, want) ?? Buffer.allocUnsafe(want);
    const reading = readFully(handle, buffer, offset, path, size);
    // Awaited in its turn; until then a failure must not count as unhandled.
    reading.catch(() => undefined);
    reads.set(index, reading);
  };
  let sinking: Promise<void> = Promise.resolve();
  try {
    startRead(0);
    startRead(1);
    for (let index = 0; index < chunks; index++) {
      signal?.throwIfAborted();
      const data = await (reads.get(index) as Promise<Buffer>);
      reads.delete(index);
      const offset = index * chunkBytes;
      const firstBlock = offset / blockSize;
      const zero = hashChunk(data, firstBlock, blockSize, blocks, zeroBlocks);
      // The previous chunk's buffer is the one the read after next goes into.
      await sinking;
      startRead(index + 2);
      sinking = (async () => {
        await sink?.({ offset, firstBlock, data, zero });
        onBytes?.(data.length);
      })();
      sinking.catch(() => undefined);
    }
    await sinking;
    return { size, blocks, zeroBlocks };
  } finally {
    // Nothing may still use the handle (or a ring buffer) once the caller closes it.
    await Promise.allSettled([sinking, ...reads.values()]);
  }
}

/** Appends each block's hash (and zero runs) of `data`; says which blocks were all zeros. */
function hashChunk(data: Buffer, firstBlock: number, blockSize: number, blocks: string[], zeroBlocks: Array<[number, number]>): boolean[] {
  const zero: boolean[] = [];
  for (let start = 0; start < data.length; start += blockSize) {
    const block = data.subarray(start, Math.min(start + blockSize, data.length));
    const index = firstBlock + start / blockSize;
    const isZeroBlock = isZero(block);
    zero.push(isZeroBlock);
    if (isZeroBlock) {
      blocks.push(zeroBlockHash(block.length));
      const last = zeroBlocks[zeroBlocks.length - 1];
      if (last !== undefined && last[0] + last[1] === index) last[1]++;
      else zeroBlocks.push([index, 1]);
    } else {
      blocks.push(createHash('sha256').update(block).digest('hex'));
    }
  }
  return zero;
}

async function readFully(handle: FileHandle, buffer: Buffer, offset: number, path: string, size: number): Promise<Buffer> {
  let got = 0;
  while (got < buffer.length) {
    const { bytesRead } = await handle.read(buffer, got, buffer.length - got, offset + got);
    if (bytesRead === 0) throw new ImageStoreError(`${path} shrank while being read (${size} bytes expected)`);
    got += bytesRead;
  }
  return buffer;
}
