import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlockSource, MemoryBlockSource } from '../../src/boot/tftp/block-source.js';
import type { BlockSource } from '../../src/boot/tftp/block-source.js';
import { TftpError } from '../../src/boot/tftp/index.js';

function pattern(length: number): Buffer {
  const data = Buffer.allocUnsafe(length);
  for (let index = 0; index < length; index++) data[index] = (index * 7 + (index >> 8)) & 0xff;
  return data;
}

async function payloadOf(source: BlockSource, block: number): Promise<Buffer> {
  let packet = source.packet(block);
  if (!packet) {
    await source.load(block);
    packet = source.packet(block);
  }
  assert.ok(packet, `block ${block} available after load`);
  return packet.subarray(4);
}

async function withFile<T>(data: Buffer, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'rowboot-tftp-unit-'));
  try {
    const path = join(dir, 'file');
    writeFileSync(path, data);
    return await fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const always = (): boolean => true;

test('a file source hands out every block, forwards and backwards across chunks', async () => {
  const data = pattern(100_003);
  await withFile(data, async (path) => {
    const handle = await open(path);
    const blksize = 8;
    const source = new FileBlockSource(handle, data.length, { blksize, windowsize: 4, sendQueueEmpty: always });
    const lastBlock = Math.floor(data.length / blksize) + 1;
    try {
      for (let block = 1; block <= lastBlock; block++) {
        const payload = await payloadOf(source, block);
        assert.deepEqual(payload, data.subarray((block - 1) * blksize, block * blksize), `block ${block}`);
      }
      for (let block = lastBlock; block >= 1; block -= 997) {
        assert.deepEqual(await payloadOf(source, block), data.subarray((block - 1) * blksize, block * blksize), `again ${block}`);
      }
    } finally {
      await source.close();
    }
  });
});

test('the window behind the newest block stays resident while the next chunk is prefetched', async () => {
  const blksize = 1000;
  const windowsize = 100;
  const data = pattern(blksize * 1000 + 1);
  await withFile(data, async (path) => {
    const source = new FileBlockSource(await open(path), data.length, { blksize, windowsize, sendQueueEmpty: always });
    try {
      for (let block = 1; block <= 1001; block++) {
        await payloadOf(source, block);
        const oldest = Math.max(1, block - windowsize + 1);
        const resent = source.packet(oldest);
        assert.ok(resent, `block ${oldest} (window of block ${block}) resident without a reload`);
        assert.deepEqual(resent.subarray(4), data.subarray((oldest - 1) * blksize, oldest * blksize));
      }
    } finally {
      await source.close();
    }
  });
});

test('a file that is a multiple of blksize ends with an empty block; an empty file is one empty block', async () => {
  for (const length of [0, 1468 * 3]) {
    await withFile(pattern(length), async (path) => {
      const source = new FileBlockSource(await open(path), length, { blksize: 1468, windowsize: 1, sendQueueEmpty: always });
      try {
        const lastBlock = length / 1468 + 1;
        assert.equal((await payloadOf(source, lastBlock)).length, 0);
        if (length > 0) assert.equal((await payloadOf(source, 1)).length, 1468);
      } finally {
        await source.close();
      }
    });
  }
});

test('a file that shrinks under the transfer fails the load with a TftpError', async () => {
  await withFile(pattern(300_000), async (path) => {
    const source = new FileBlockSource(await open(path), 300_000, { blksize: 512, windowsize: 1, sendQueueEmpty: always });
    try {
      await payloadOf(source, 1);
      truncateSync(path, 1000);
      await assert.rejects(source.load(500), (error: unknown) => error instanceof TftpError);
    } finally {
      await source.close();
    }
  });
});

test('a memory source copies into a ring of packets and never reuses one a queued send may hold', async () => {
  const data = pattern(5000);
  let queueEmpty = true;
  const source = new MemoryBlockSource(data, { blksize: 1000, windowsize: 2, sendQueueEmpty: () => queueEmpty });
  const first = source.packet(1);
  assert.deepEqual(first.subarray(4), data.subarray(0, 1000));
  const third = source.packet(3);
  assert.ok(third.buffer === first.buffer && third.byteOffset === first.byteOffset, 'block 3 reuses the slot of block 1');
  queueEmpty = false;
  const fifth = source.packet(5);
  assert.ok(fifth.buffer !== third.buffer || fifth.byteOffset !== third.byteOffset, 'a fresh buffer while sends are queued');
  assert.deepEqual(third.subarray(4), data.subarray(2000, 3000), 'the packet a queued send may hold is untouched');
  assert.deepEqual(fifth.subarray(4), data.subarray(4000, 5000));
  assert.equal(source.packet(6).length, 4, 'the size is a multiple of blksize: empty last block');
  assert.deepEqual(await payloadOf(source, 2), data.subarray(1000, 2000));
});
