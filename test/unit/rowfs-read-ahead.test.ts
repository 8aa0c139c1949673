import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Nfsstat3 } from '../../src/nfs/index.js';
import type { ReadResult } from '../../src/nfs/index.js';
import { MainReadAhead } from '../../src/rowfs/read-ahead.js';

const COUNT = 1000;
const SIZE = 20 * COUNT;

/** A fake main: records every fetch, answers with the offset in the data, EOF at SIZE. */
function fakeMain(fail = new Set<number>()) {
  const fetched: number[] = [];
  const fetch = (offset: number, count: number): Promise<ReadResult> => {
    fetched.push(offset);
    if (fail.has(offset)) return Promise.reject(new Error('main went away'));
    const bytes = Math.max(0, Math.min(count, SIZE - offset));
    const data = Buffer.alloc(bytes);
    if (bytes >= 4) data.writeUInt32BE(offset);
    return Promise.resolve({ status: Nfsstat3.NFS3_OK, fileAttributes: undefined, count: bytes, eof: offset + bytes >= SIZE, data });
  };
  return { fetched, fetch };
}

test('read-ahead: a sequential reader is served from fetches made ahead of it, never past EOF', async () => {
  const main = fakeMain();
  const ahead = new MainReadAhead(3, 4);
  assert.equal(ahead.read(7, 0, COUNT, SIZE, main.fetch), undefined, 'the first read only starts a sequence');
  assert.deepEqual(main.fetched, []);
  assert.equal(ahead.read(7, COUNT, COUNT, SIZE, main.fetch), undefined, 'the second read is not ahead yet');
  assert.deepEqual(main.fetched, [2 * COUNT], 'one request ahead at first; hits widen the window');
  for (let offset = 2 * COUNT; offset < SIZE; offset += COUNT) {
    const hit = ahead.read(7, offset, COUNT, SIZE, main.fetch);
    assert.ok(hit !== undefined, `offset ${offset} was fetched ahead`);
    const reply = await hit;
    assert.ok(reply?.status === Nfsstat3.NFS3_OK);
    assert.equal(reply.data.readUInt32BE(0), offset, 'the right bytes for the right request');
  }
  assert.equal(Math.max(...main.fetched), SIZE - COUNT, 'nothing fetched at or past EOF');
  assert.equal(new Set(main.fetched).size, main.fetched.length, 'no offset fetched twice');
  assert.equal(ahead.counters.hits, SIZE / COUNT - 2);
  assert.equal(ahead.counters.wastedReads, 0);
});

test('read-ahead: a seek drops the window (counted as waste); requests of other sizes are cut from the fetches', async () => {
  const main = fakeMain();
  const ahead = new MainReadAhead(2, 4);
  ahead.read(1, 0, COUNT, undefined, main.fetch);
  ahead.read(1, COUNT, COUNT, undefined, main.fetch);
  assert.deepEqual(main.fetched, [2 * COUNT]);
  assert.equal(ahead.read(1, 10 * COUNT, COUNT, undefined, main.fetch), undefined, 'a jump is no hit');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ahead.counters.wastedReads, 1);
  assert.equal(ahead.counters.wastedBytes, COUNT);
  ahead.read(1, 11 * COUNT, COUNT, undefined, main.fetch);
  const half = await ahead.read(1, 12 * COUNT, COUNT / 2, undefined, main.fetch);
  assert.ok(half?.status === Nfsstat3.NFS3_OK, 'a half-size request inside the window is a hit');
  assert.equal(half.count, COUNT / 2);
  assert.equal(half.data.readUInt32BE(0), 12 * COUNT);
  // The rest of that fetch and all of the next one, in one request.
  const spanning = await ahead.read(1, 12 * COUNT + COUNT / 2, COUNT + COUNT / 2, undefined, main.fetch);
  assert.ok(spanning?.status === Nfsstat3.NFS3_OK, 'a request spanning two fetches is a hit');
  assert.equal(spanning.count, COUNT + COUNT / 2);
  assert.equal(spanning.data.readUInt32BE(COUNT / 2), 13 * COUNT, 'joined in order');
});

test('read-ahead: growing requests (Linux readahead) are answered from the window up to EOF', async () => {
  const main = fakeMain();
  const ahead = new MainReadAhead(4, 4);
  let offset = 0;
  let size = COUNT / 4;
  let hits = 0;
  const got: Buffer[] = [];
  while (offset < SIZE) {
    const count = Math.min(size, SIZE - offset);
    const reply = await ahead.read(5, offset, count, SIZE, main.fetch);
    if (reply !== undefined) {
      assert.ok(reply.status === Nfsstat3.NFS3_OK);
      assert.equal(reply.count, count, `request at ${offset}`);
      assert.equal(reply.eof, offset + count >= SIZE);
      hits++;
      got.push(reply.data);
    }
    offset += count;
    size = Math.min(size * 2, 4 * COUNT);
  }
  assert.ok(hits >= 3, `hits ${hits}`);
  assert.ok(Math.max(...main.fetched) < SIZE, 'nothing fetched at or past EOF');
  assert.equal(ahead.counters.wastedReads, 0, 'a whole-file read wastes nothing');
});

test('read-ahead: a failed fetch answers nothing (the READ then asks main itself); streams are bounded', async () => {
  const main = fakeMain(new Set([2 * COUNT]));
  const ahead = new MainReadAhead(1, 2);
  ahead.read(1, 0, COUNT, SIZE, main.fetch);
  ahead.read(1, COUNT, COUNT, SIZE, main.fetch);
  const failed = ahead.read(1, 2 * COUNT, COUNT, SIZE, main.fetch);
  assert.ok(failed !== undefined);
  assert.equal(await failed, undefined);
  // Two more files push file 1 out: its pending fetch is dropped as waste.
  for (const vid of [2, 3]) {
    ahead.read(vid, 0, COUNT, SIZE, main.fetch);
    ahead.read(vid, COUNT, COUNT, SIZE, main.fetch);
  }
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ahead.counters.wastedReads, 1);
  assert.equal(ahead.read(1, 3 * COUNT, COUNT, SIZE, main.fetch), undefined, 'file 1 starts over');
  assert.equal(new MainReadAhead(0, 4).read(1, 0, COUNT, SIZE, main.fetch), undefined, 'depth 0 is off');
});
