/**
 * Read-ahead through a real RPC main (our nfsd): a sequential reader with several READs in
 * flight is answered from fetches made ahead of it, with the right bytes; once the file
 * has a shadow copy its reads never come from main's fetched data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StableHow } from '../../src/nfs/index.js';
import { lookupPath, ok, pattern, startRowfsFixture } from './rowfs-fixture.js';

const FILE_BYTES = 8 * 1024 * 1024 + 12_345;
const REQUEST = 256 * 1024;
const IN_FLIGHT = 4;

test('sequential READs are served ahead with the right bytes; a copied-up file is read from the shadow', async () => {
  const data = pattern(FILE_BYTES, 42);
  const fx = await startRowfsFixture({ main: 'nfsd-rpc', populate: (dir) => writeFileSync(join(dir, 'seq.bin'), data) });
  try {
    const file = await lookupPath(fx.nfs, fx.root, 'seq.bin');
    const readAll = async (): Promise<Buffer> => {
      const parts: Buffer[] = [];
      let next = 0;
      const lane = async () => {
        while (next * REQUEST < FILE_BYTES) {
          const index = next++;
          const reply = ok(await fx.nfs.read({ file, offset: index * REQUEST, count: REQUEST }), `READ ${index}`);
          parts[index] = reply.data;
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
      return Buffer.concat(parts);
    };
    assert.ok((await readAll()).equals(data), 'sequential read through the read-ahead');
    const first = fx.proxy.metrics();
    assert.ok(first.readAhead.hits >= FILE_BYTES / REQUEST - 4, `read-ahead hits ${first.readAhead.hits}`);
    assert.equal(first.readAhead.wastedReads, 0, 'a whole-file read wastes nothing');
    assert.equal(first.procedures.READ?.main.bytes, FILE_BYTES, 'every byte counted once against READ -> main');

    // Overwrite a block in the middle: later reads must show it, not main's fetched bytes.
    const patch = Buffer.alloc(REQUEST, 0xee);
    ok(await fx.nfs.write({ file, offset: 4 * REQUEST, count: patch.length, stable: StableHow.FILE_SYNC, data: patch }));
    const expected = Buffer.from(data);
    patch.copy(expected, 4 * REQUEST);
    assert.ok((await readAll()).equals(expected), 'the copied-up file reads back with the patch');
    fx.assertMainUnchanged();
  } finally {
    await fx.close();
  }
});
