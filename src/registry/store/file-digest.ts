import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { ImageStoreError } from '../errors.js';
import { blockCount, zeroBlockHash } from './manifest.js';

/**
 * One pass over a regular file: SHA-256 of each block, the runs of all-zero blocks, and the
 * data handed on in chunks (to copy into a store or send over the overlay) in the same read.
 */
export interface FileDigest {
  size: number;
  blocks: string[];
  zeroBlocks: Array<[number, number]>;
}

/**
 * `zero[i]` says block `firstBlock + i` is all zeros. Chunks arrive in file order. `data` is
 * only valid until the sink's promise settles unless `freshBuffers` was asked for (a sink that
 * queues it, e.g. on a stream, must ask).
 */
export type ChunkSink = (chunk: { offset: number; firstBlock: number; data: Buffer; zero: boolean[] }) => Promise<void> | void;

/** Bytes read per system call (a whole number of blocks). */
const READ_BYTES = 4 * 1024 * 1024;

let zeros = Buffer.alloc(0);

function isZero(block: Buffer): boolean {
  if (zeros.length < block.length) zeros = Buffer.alloc(block.length);
  return block.equals(zeros.subarray(0, block.length));
}

export interface DigestOptions {
  sink?: ChunkSink;
  onBytes?: (bytes: number) => void;
  /** A new buffer per chunk instead of one reused buffer (reuse saves a page fault per 4 KiB read). */
  freshBuffers?: boolean;
}

export async function digestFile(path: string, blockSize: number, options: DigestOptions = {}): Promise<FileDigest> {
  const { sink, onBytes } = options;
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw new ImageStoreError(`cannot open ${path}`, { cause: error });
  }
  try {
    const size = (await handle.stat()).size;
    const count = blockCount(size, blockSize);
    const blocks: string[] = [];
    const zeroBlocks: Array<[number, number]> = [];
    const chunkBytes = Math.max(blockSize, Math.floor(READ_BYTES / blockSize) * blockSize);
    const reused = options.freshBuffers ? null : Buffer.allocUnsafe(Math.min(chunkBytes, size));
    for (let offset = 0; offset < size; offset += chunkBytes) {
      const want = Math.min(chunkBytes, size - offset);
      const data = reused === null ? Buffer.allocUnsafe(want) : reused.subarray(0, want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(data, got, want - got, offset + got);
        if (bytesRead === 0) throw new ImageStoreError(`${path} shrank while being read (${size} bytes expected)`);
        got += bytesRead;
      }
      const firstBlock = offset / blockSize;
      const zero: boolean[] = [];
      for (let start = 0; start < want; start += blockSize) {
        const block = data.subarray(start, Math.min(start + blockSize, want));
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
      await sink?.({ offset, firstBlock, data, zero });
      onBytes?.(want);
    }
    if (blocks.length !== count) throw new ImageStoreError(`${path}: read ${blocks.length} blocks, expected ${count}`);
    return { size, blocks, zeroBlocks };
  } catch (error) {
    if (error instanceof ImageStoreError) throw error;
    throw new ImageStoreError(`cannot read ${path}`, { cause: error });
  } finally {
    await handle.close();
  }
}
