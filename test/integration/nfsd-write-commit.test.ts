/**
 * WRITE stability and COMMIT (RFC 1813 sections 3.3.7 and 3.3.21): UNSTABLE writes carry
 * the boot's verifier, COMMIT returns the same one, and a restart changes it so clients
 * know to resend; 1 MiB transfers work both ways.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Nfsstat3, StableHow } from '../../src/nfs/index.js';
import { createFile, fails, lookupHandle, ok, startFixture } from './nfsd-fixture.js';

const MIB = 1024 * 1024;

test('UNSTABLE writes and COMMIT share the verifier; a restart changes it', async () => {
  const first = await startFixture();
  let second: Awaited<ReturnType<typeof startFixture>> | undefined;
  try {
    const file = await createFile(first.nfs, first.root, 'unstable.bin');
    const chunks = [randomBytes(4096), randomBytes(4096), randomBytes(100)];
    let offset = 0;
    const verifiers: Buffer[] = [];
    for (const data of chunks) {
      const written = ok(await first.nfs.write({ file, offset, count: data.length, stable: StableHow.UNSTABLE, data }));
      assert.equal(written.committed, StableHow.UNSTABLE);
      verifiers.push(written.verf);
      offset += data.length;
    }
    assert.ok(verifiers.every((v) => v.equals(verifiers[0] ?? Buffer.alloc(0))));
    // Unstable data is visible at once (same server), and durable after COMMIT.
    assert.deepEqual(ok(await first.nfs.read({ file, offset: 0, count: offset })).data, Buffer.concat(chunks));
    const committed = ok(await first.nfs.commit({ file, offset: 0, count: 0 }));
    assert.deepEqual(committed.verf, verifiers[0]);
    assert.deepEqual(readFileSync(join(first.exportDir, 'unstable.bin')), Buffer.concat(chunks));
    const sync = ok(await first.nfs.write({ file, offset: 0, count: 1, stable: StableHow.FILE_SYNC, data: Buffer.from('Z') }));
    assert.equal(sync.committed, StableHow.FILE_SYNC);
    assert.deepEqual(sync.verf, verifiers[0]);
    await first.stop();

    second = await startFixture({ base: first.base });
    const again = ok(await second.nfs.commit({ file, offset: 0, count: 0 }));
    assert.notDeepEqual(again.verf, verifiers[0], 'a new boot has a new write verifier');
    const rewritten = ok(await second.nfs.write({ file, offset: 0, count: 1, stable: StableHow.UNSTABLE, data: Buffer.from('Y') }));
    assert.deepEqual(rewritten.verf, again.verf);
  } finally {
    await second?.stop();
    await first.close();
  }
});

test('1 MiB WRITE and READ round-trip; larger READs are trimmed to rtmax', async () => {
  const f = await startFixture();
  try {
    const file = await createFile(f.nfs, f.root, 'big.bin');
    const data = randomBytes(MIB);
    const written = ok(await f.nfs.write({ file, offset: MIB, count: data.length, stable: StableHow.UNSTABLE, data }));
    assert.equal(written.count, MIB);
    assert.equal(written.fileWcc.after?.size, 2 * MIB);
    const read = ok(await f.nfs.read({ file, offset: MIB, count: MIB }));
    assert.equal(read.count, MIB);
    assert.equal(read.eof, true);
    assert.ok(read.data.equals(data));
    // The hole before it reads as zeros.
    const hole = ok(await f.nfs.read({ file, offset: 0, count: 4096 }));
    assert.ok(hole.data.equals(Buffer.alloc(4096)));
    const trimmed = ok(await f.nfs.read({ file, offset: 0, count: 4 * MIB }));
    assert.equal(trimmed.count, MIB);
    assert.equal(trimmed.eof, false);
  } finally {
    await f.close();
  }
});

test('writes through a cached descriptor see external truncation and removal', async () => {
  const f = await startFixture({ populate: (dir) => writeFileSync(join(dir, 'shared.txt'), 'abcdef') });
  try {
    const file = await lookupHandle(f.nfs, f.root, 'shared.txt');
    assert.equal(ok(await f.nfs.read({ file, offset: 0, count: 10 })).data.toString(), 'abcdef');
    writeFileSync(join(f.exportDir, 'shared.txt'), 'xy');
    const after = ok(await f.nfs.read({ file, offset: 0, count: 10 }));
    assert.equal(after.data.toString(), 'xy');
    assert.equal(after.fileAttributes?.size, 2);
    ok(await f.nfs.remove({ object: { dir: f.root, name: 'shared.txt' } }));
    fails(await f.nfs.write({ file, offset: 0, count: 1, stable: StableHow.UNSTABLE, data: Buffer.from('q') }), Nfsstat3.NFS3ERR_STALE);
    fails(await f.nfs.commit({ file, offset: 0, count: 0 }), Nfsstat3.NFS3ERR_STALE);
  } finally {
    await f.close();
  }
});
