/**
 * ROW-FS proxy file data (issue 3): read-through of unmodified files, block-granular
 * copy-up (partial-block writes keep main's bytes around them), writes past EOF,
 * truncate-then-extend gives zeros, UNSTABLE + COMMIT, virtual attributes. Runs with main
 * in-process and main over RPC (our nfsd, read-only). After every test the main tree is
 * byte-for-byte unchanged.
 */
import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Ftype3, Nfsstat3, StableHow } from '../../src/nfs/index.js';
import type { MainKind, RowfsFixture } from './rowfs-fixture.js';
import { fails, lookupPath, noAttrs, ok, pattern, readAll, startRowfsFixture, writeAt } from './rowfs-fixture.js';

const BLOCK = 4096;
const BIG_BYTES = 10 * BLOCK + 123;

function populate(dir: string): void {
  writeFileSync(join(dir, 'big.bin'), pattern(BIG_BYTES, 1));
  writeFileSync(join(dir, 'small.txt'), 'hello from main\n');
  mkdirSync(join(dir, 'etc', 'deep'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'deep', 'conf'), pattern(3 * BLOCK, 7));
  symlinkSync('etc/deep/conf', join(dir, 'link'));
  for (let i = 0; i < 8; i++) writeFileSync(join(dir, `f${i}.bin`), pattern(5 * BLOCK + i * 100, 100 + i));
}

for (const kind of ['in-process', 'nfsd-rpc'] as MainKind[]) {
  describe(`rowfs data, main ${kind}`, () => {
    let fx: RowfsFixture;
    before(async () => {
      fx = await startRowfsFixture({ populate, main: kind, blockSize: BLOCK });
    });
    after(async () => {
      await fx.close();
    });
    afterEach(() => fx.assertMainUnchanged());

    test('unmodified files read through from main, with virtual fileid and one fsid', async () => {
      const big = await lookupPath(fx.nfs, fx.root, 'big.bin');
      assert.deepEqual(await readAll(fx.nfs, big, 7000), readFileSync(join(fx.mainDir, 'big.bin')));
      const deep = await lookupPath(fx.nfs, fx.root, 'etc/deep/conf');
      assert.deepEqual(await readAll(fx.nfs, deep), readFileSync(join(fx.mainDir, 'etc', 'deep', 'conf')));
      const a = ok(await fx.nfs.getattr({ object: big })).objAttributes;
      const b = ok(await fx.nfs.getattr({ object: deep })).objAttributes;
      const r = ok(await fx.nfs.getattr({ object: fx.root })).objAttributes;
      assert.equal(a.fsid, b.fsid);
      assert.equal(a.fsid, r.fsid);
      assert.notEqual(a.fileid, b.fileid);
      assert.equal(a.size, BIG_BYTES);
      assert.equal(r.type, Ftype3.NF3DIR);
      // The same name gives the same handle and fileid again.
      const again = await lookupPath(fx.nfs, fx.root, 'big.bin');
      assert.deepEqual(again, big);
      const link = await lookupPath(fx.nfs, fx.root, 'link');
      assert.equal(ok(await fx.nfs.readlink({ symlink: link })).data, 'etc/deep/conf');
      // '..' of a subdirectory and of the root.
      const etc = await lookupPath(fx.nfs, fx.root, 'etc');
      const deepDir = await lookupPath(fx.nfs, etc, 'deep');
      assert.deepEqual(ok(await fx.nfs.lookup({ what: { dir: deepDir, name: '..' } })).object, etc);
      assert.deepEqual(ok(await fx.nfs.lookup({ what: { dir: fx.root, name: '..' } })).object, fx.root);
      fails(await fx.nfs.lookup({ what: { dir: fx.root, name: 'nope' } }), Nfsstat3.NFS3ERR_NOENT);
      fails(await fx.nfs.read({ file: etc, offset: 0, count: 10 }), Nfsstat3.NFS3ERR_ISDIR);
      const metrics = fx.proxy.metrics();
      assert.ok((metrics.procedures.READ?.main.bytes ?? 0) >= BIG_BYTES);
    });

    test('partial-block writes keep main bytes around them (copy-up keeps unmodified blocks)', async () => {
      const fh = await lookupPath(fx.nfs, fx.root, 'f0.bin');
      const expected = Buffer.from(readFileSync(join(fx.mainDir, 'f0.bin')));
      const writes: [number, number][] = [
        [10, 20], // inside block 0
        [BLOCK - 5, 10], // straddles blocks 0 and 1
        [2 * BLOCK + 100, BLOCK], // straddles 2 and 3, partial both
        [4 * BLOCK, BLOCK], // exactly block 4
      ];
      for (const [index, [offset, length]] of writes.entries()) {
        const data = pattern(length, 900 + index);
        await writeAt(fx.nfs, fh, offset, data, index % 2 === 0 ? StableHow.FILE_SYNC : StableHow.UNSTABLE);
        data.copy(expected, offset);
      }
      assert.deepEqual(await readAll(fx.nfs, fh, 3000), expected);
      // Reads at odd offsets/lengths across shadow and main blocks.
      for (const [offset, count] of [[0, 1], [BLOCK - 7, 20], [3 * BLOCK + 5, 2 * BLOCK], [5 * BLOCK, 100]] as const) {
        const read = ok(await fx.nfs.read({ file: fh, offset, count }));
        assert.deepEqual(Buffer.from(read.data), expected.subarray(offset, offset + count), `READ ${offset}+${count}`);
      }
      const attrs = ok(await fx.nfs.getattr({ object: fh })).objAttributes;
      assert.equal(attrs.size, expected.length);
      ok(await fx.nfs.commit({ file: fh, offset: 0, count: 0 }));
      assert.deepEqual(await readAll(fx.nfs, fh), expected);
      // Only the written file got a shadow copy; main's copy is untouched (afterEach).
      assert.equal(fx.sessionDirs().length, 1);
    });

    test('writes past EOF leave zeros in the gap and extend the file', async () => {
      const fh = await lookupPath(fx.nfs, fx.root, 'f1.bin');
      const original = readFileSync(join(fx.mainDir, 'f1.bin'));
      const tail = pattern(1000, 5);
      const at = original.length + 3 * BLOCK + 17;
      await writeAt(fx.nfs, fh, at, tail);
      const all = await readAll(fx.nfs, fh, 5000);
      assert.equal(all.length, at + tail.length);
      assert.deepEqual(all.subarray(0, original.length), original);
      assert.ok(all.subarray(original.length, at).every((byte) => byte === 0));
      assert.deepEqual(all.subarray(at), tail);
      const last = ok(await fx.nfs.read({ file: fh, offset: at + tail.length - 10, count: 100 }));
      assert.equal(last.data.length, 10);
      assert.equal(last.eof, true);
    });

    test('truncate then extend gives zeros, never main data', async () => {
      const fh = await lookupPath(fx.nfs, fx.root, 'f2.bin');
      const original = readFileSync(join(fx.mainDir, 'f2.bin'));
      const cut = BLOCK + 300;
      ok(await fx.nfs.setattr({ object: fh, newAttributes: { ...noAttrs, size: cut }, guard: undefined }));
      assert.equal(ok(await fx.nfs.getattr({ object: fh })).objAttributes.size, cut);
      ok(await fx.nfs.setattr({ object: fh, newAttributes: { ...noAttrs, size: original.length + 50 }, guard: undefined }));
      const all = await readAll(fx.nfs, fh);
      assert.equal(all.length, original.length + 50);
      assert.deepEqual(all.subarray(0, cut), original.subarray(0, cut));
      assert.ok(all.subarray(cut).every((byte) => byte === 0), 'bytes past the truncation must be zeros');
      // A partial write in the block holding the cut keeps main's head and zeros after the cut.
      await writeAt(fx.nfs, fh, cut + 100, Buffer.from('xyz'));
      const after = await readAll(fx.nfs, fh);
      assert.deepEqual(after.subarray(0, cut), original.subarray(0, cut));
      assert.ok(after.subarray(cut, cut + 100).every((byte) => byte === 0));
      assert.equal(after.subarray(cut + 100, cut + 103).toString(), 'xyz');
    });

    test('O_TRUNC-style truncation to 0 then rewrite', async () => {
      const fh = await lookupPath(fx.nfs, fx.root, 'small.txt');
      ok(await fx.nfs.setattr({ object: fh, newAttributes: { ...noAttrs, size: 0 }, guard: undefined }));
      await writeAt(fx.nfs, fh, 0, Buffer.from('new'));
      assert.equal((await readAll(fx.nfs, fh)).toString(), 'new');
    });

    test('SETATTR mode/times of a main file copies it up; ACCESS follows virtual attributes', async () => {
      const fh = await lookupPath(fx.nfs, fx.root, 'f3.bin');
      const before = ok(await fx.nfs.getattr({ object: fh })).objAttributes;
      ok(await fx.nfs.setattr({ object: fh, newAttributes: { ...noAttrs, mode: 0o600 }, guard: before.ctime }));
      const after = ok(await fx.nfs.getattr({ object: fh })).objAttributes;
      assert.equal(after.mode & 0o7777, 0o600);
      assert.equal(after.fileid, before.fileid);
      assert.equal(after.size, before.size);
      // The copy keeps main's mtime (the embedded shadow sets times through libuv: microseconds, rounded).
      assert.equal(after.mtime.seconds, before.mtime.seconds);
      assert.ok(Math.abs(after.mtime.nseconds - before.mtime.nseconds) < 2000, `${JSON.stringify(before.mtime)} vs ${JSON.stringify(after.mtime)}`);
      assert.deepEqual(await readAll(fx.nfs, fh), readFileSync(join(fx.mainDir, 'f3.bin')));
      // A stale guard fails.
      fails(await fx.nfs.setattr({ object: fh, newAttributes: { ...noAttrs, mode: 0o644 }, guard: before.ctime }), Nfsstat3.NFS3ERR_NOT_SYNC);
      // The main export is read-only, yet the proxy grants write access (the shadow takes writes).
      const granted = ok(await fx.nfs.access({ object: fh, access: 0x3f })).access;
      assert.ok((granted & 0x4) !== 0, 'MODIFY granted');
    });

    test('UNSTABLE writes then COMMIT; verifier stays the same within a run', async () => {
      const fh = await lookupPath(fx.nfs, fx.root, 'f4.bin');
      const expected = Buffer.from(readFileSync(join(fx.mainDir, 'f4.bin')));
      const verifiers = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const data = pattern(1500, 40 + i);
        const offset = i * 3000 + 11;
        const written = ok(await fx.nfs.write({ file: fh, offset, count: data.length, stable: StableHow.UNSTABLE, data }));
        verifiers.add(written.verf.toString('hex'));
        data.copy(expected, offset);
      }
      const committed = ok(await fx.nfs.commit({ file: fh, offset: 0, count: 0 }));
      verifiers.add(committed.verf.toString('hex'));
      assert.equal(verifiers.size, 1);
      assert.deepEqual(await readAll(fx.nfs, fh), expected);
    });

    test('FSINFO, FSSTAT and PATHCONF answer with virtual attributes', async () => {
      const info = ok(await fx.nfs.fsinfo({ fsroot: fx.root }));
      assert.ok(info.rtmax > 0 && info.wtmax > 0);
      assert.equal(info.objAttributes?.fileid, ok(await fx.nfs.getattr({ object: fx.root })).objAttributes.fileid);
      const stat = ok(await fx.nfs.fsstat({ fsroot: fx.root }));
      assert.ok(stat.tbytes >= stat.fbytes);
      const conf = ok(await fx.nfs.pathconf({ object: fx.root }));
      assert.ok(conf.nameMax >= 255);
    });
  });
}
