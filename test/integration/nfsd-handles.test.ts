/**
 * File handles: valid across restarts with the same state directory, unforgeable, never
 * revealing host paths, STALE once the object is gone, and no way out of the export.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Ftype3, Mountstat3, Nfsstat3, StableHow } from '../../src/nfs/index.js';
import { createFile, fails, lookupHandle, noAttrs, ok, startFixture } from './nfsd-fixture.js';

test('handles survive a restart with the same state directory, and only then', async () => {
  const first = await startFixture({
    populate: (dir) => {
      mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
      writeFileSync(join(dir, 'a', 'b', 'c', 'deep.txt'), 'deep data');
      writeFileSync(join(dir, 'gone-later.txt'), 'x');
    },
  });
  let restarted: Awaited<ReturnType<typeof startFixture>> | undefined;
  try {
    const a = await lookupHandle(first.nfs, first.root, 'a');
    const b = await lookupHandle(first.nfs, a, 'b');
    const c = await lookupHandle(first.nfs, b, 'c');
    const deep = await lookupHandle(first.nfs, c, 'deep.txt');
    const goneLater = await lookupHandle(first.nfs, first.root, 'gone-later.txt');
    const created = await createFile(first.nfs, first.root, 'made-here.txt', Buffer.from('made'));
    const rootBefore = first.root;
    await first.stop();
    unlinkSync(join(first.exportDir, 'gone-later.txt'));

    restarted = await startFixture({ base: first.base });
    assert.deepEqual(restarted.root, rootBefore, 'the root handle is the same after a restart');
    // The new server has never seen these handles: it must find them in the export.
    assert.equal(ok(await restarted.nfs.read({ file: deep, offset: 0, count: 100 })).data.toString(), 'deep data');
    assert.equal(ok(await restarted.nfs.getattr({ object: c })).objAttributes.type, Ftype3.NF3DIR);
    assert.equal(ok(await restarted.nfs.read({ file: created, offset: 0, count: 100 })).data.toString(), 'made');
    ok(await restarted.nfs.lookup({ what: { dir: b, name: 'c' } }));
    fails(await restarted.nfs.getattr({ object: goneLater }), Nfsstat3.NFS3ERR_STALE);
    await restarted.stop();

    // A new key (state directory wiped): every old handle fails authentication.
    rmSync(first.stateDir, { recursive: true, force: true });
    restarted = await startFixture({ base: first.base });
    assert.notDeepEqual(restarted.root, rootBefore);
    fails(await restarted.nfs.getattr({ object: deep }), Nfsstat3.NFS3ERR_BADHANDLE);
  } finally {
    await restarted?.stop();
    await first.close();
  }
});

test('garbage and forged handles are BADHANDLE; handles hold no host path', async () => {
  const f = await startFixture({ populate: (dir) => writeFileSync(join(dir, 'secret-name.txt'), 's') });
  try {
    const file = await lookupHandle(f.nfs, f.root, 'secret-name.txt');
    assert.equal(file.includes(Buffer.from('secret-name')), false);
    assert.equal(file.includes(Buffer.from(f.exportDir)), false);
    fails(await f.nfs.getattr({ object: randomBytes(36) }), Nfsstat3.NFS3ERR_BADHANDLE);
    fails(await f.nfs.getattr({ object: Buffer.alloc(0) }), Nfsstat3.NFS3ERR_BADHANDLE);
    fails(await f.nfs.getattr({ object: randomBytes(64) }), Nfsstat3.NFS3ERR_BADHANDLE);
    // Re-aim a valid handle at the root's inode (or any other fileid): the MAC no longer matches.
    const rootFileid = f.root.readBigUInt64BE(4);
    const forged = Buffer.from(file);
    forged.writeBigUInt64BE(rootFileid, 4);
    fails(await f.nfs.getattr({ object: forged }), Nfsstat3.NFS3ERR_BADHANDLE);
    const bumped = Buffer.from(file);
    bumped.writeBigUInt64BE(bumped.readBigUInt64BE(12) + 1n, 12);
    fails(await f.nfs.read({ file: bumped, offset: 0, count: 1 }), Nfsstat3.NFS3ERR_BADHANDLE);
    fails(await f.nfs.lookup({ what: { dir: randomBytes(36), name: 'x' } }), Nfsstat3.NFS3ERR_BADHANDLE);
    fails(await f.nfs.write({ file: randomBytes(36), offset: 0, count: 1, stable: StableHow.UNSTABLE, data: Buffer.from('x') }), Nfsstat3.NFS3ERR_BADHANDLE);
  } finally {
    await f.close();
  }
});

test('a deleted file\'s handle stays STALE even when its inode number is reused', async () => {
  const f = await startFixture({ populate: (dir) => writeFileSync(join(dir, 'old.txt'), 'old') });
  try {
    const old = await lookupHandle(f.nfs, f.root, 'old.txt');
    const oldFileid = ok(await f.nfs.getattr({ object: old })).objAttributes.fileid;
    // Deleted behind the server's back, then new files: ext4 hands the inode number out again.
    unlinkSync(join(f.exportDir, 'old.txt'));
    let reusedBy: string | undefined;
    for (let i = 0; i < 50 && reusedBy === undefined; i++) {
      writeFileSync(join(f.exportDir, `new-${i}.txt`), 'new');
      if (BigInt(lstatSync(join(f.exportDir, `new-${i}.txt`)).ino) === oldFileid) reusedBy = `new-${i}.txt`;
    }
    assert.ok(reusedBy, 'the file system did not reuse the inode; this test needs ext4-like reuse');
    // The new file gets the same fileid but a new birth time, so the old handle must not reach it.
    const fresh = await lookupHandle(f.nfs, f.root, reusedBy);
    assert.notDeepEqual(fresh, old);
    fails(await f.nfs.getattr({ object: old }), Nfsstat3.NFS3ERR_STALE);
    fails(await f.nfs.read({ file: old, offset: 0, count: 3 }), Nfsstat3.NFS3ERR_STALE);
    fails(await f.nfs.write({ file: old, offset: 0, count: 1, stable: StableHow.FILE_SYNC, data: Buffer.from('x') }), Nfsstat3.NFS3ERR_STALE);
    assert.equal(ok(await f.nfs.read({ file: fresh, offset: 0, count: 3 })).data.toString(), 'new');
  } finally {
    await f.close();
  }
});

test('a file replaced under the same name with the same inode number is a different file', async () => {
  const f = await startFixture({ populate: (dir) => writeFileSync(join(dir, 'same.txt'), 'first') });
  try {
    const old = await lookupHandle(f.nfs, f.root, 'same.txt');
    const oldIno = lstatSync(join(f.exportDir, 'same.txt')).ino;
    // ext4 hands a freed inode number to the next file created, but a test running beside this
    // one may take it first: replace the file until it gets the old number back.
    for (let attempt = 0; attempt < 200; attempt++) {
      unlinkSync(join(f.exportDir, 'same.txt'));
      writeFileSync(join(f.exportDir, 'same.txt'), 'second');
      if (lstatSync(join(f.exportDir, 'same.txt')).ino === oldIno) break;
    }
    assert.equal(lstatSync(join(f.exportDir, 'same.txt')).ino, oldIno, 'the file system did not reuse the inode');
    // Same path, same inode number: only the birth time tells the files apart.
    fails(await f.nfs.getattr({ object: old }), Nfsstat3.NFS3ERR_STALE);
    const fresh = await lookupHandle(f.nfs, f.root, 'same.txt');
    assert.notDeepEqual(fresh, old);
    assert.equal(ok(await f.nfs.read({ file: fresh, offset: 0, count: 10 })).data.toString(), 'second');
  } finally {
    await f.close();
  }
});

test('no call leads outside the export: "..", slashes and symlinks stay inside', async () => {
  const f = await startFixture({
    populate: (dir) => {
      mkdirSync(join(dir, 'inside'));
      symlinkSync('/etc', join(dir, 'to-etc'));
      symlinkSync('../../..', join(dir, 'inside', 'up'));
    },
  });
  try {
    assert.deepEqual(await lookupHandle(f.nfs, f.root, '..'), f.root);
    fails(await f.nfs.lookup({ what: { dir: f.root, name: '../..' } }), Nfsstat3.NFS3ERR_INVAL);
    fails(await f.nfs.lookup({ what: { dir: f.root, name: '/etc' } }), Nfsstat3.NFS3ERR_INVAL);

    // A symlink is returned as a symlink, and is never walked through by the server.
    const link = ok(await f.nfs.lookup({ what: { dir: f.root, name: 'to-etc' } }));
    assert.equal(link.objAttributes?.type, Ftype3.NF3LNK);
    fails(await f.nfs.lookup({ what: { dir: link.object, name: 'passwd' } }), Nfsstat3.NFS3ERR_NOTDIR);
    fails(await f.nfs.readdir({ dir: link.object, cookie: 0n, cookieverf: Buffer.alloc(8), count: 4096 }), Nfsstat3.NFS3ERR_NOTDIR);
    fails(await f.nfs.read({ file: link.object, offset: 0, count: 100 }), Nfsstat3.NFS3ERR_INVAL);
    fails(await f.nfs.create({ where: { dir: link.object, name: 'planted' }, how: { mode: 'guarded', attributes: noAttrs } }), Nfsstat3.NFS3ERR_NOTDIR);
    fails(await f.nfs.write({ file: link.object, offset: 0, count: 1, stable: StableHow.FILE_SYNC, data: Buffer.from('x') }), Nfsstat3.NFS3ERR_INVAL);
    // SETATTR on a symlink changes the link, never its target.
    const before = ok(await f.nfs.getattr({ object: f.root })).objAttributes;
    ok(await f.nfs.setattr({ object: link.object, newAttributes: { ...noAttrs, mode: 0o700 }, guard: undefined }));
    assert.equal(ok(await f.nfs.getattr({ object: f.root })).objAttributes.mode, before.mode);
    const inside = await lookupHandle(f.nfs, f.root, 'inside');
    const up = ok(await f.nfs.lookup({ what: { dir: inside, name: 'up' } }));
    assert.equal(up.objAttributes?.type, Ftype3.NF3LNK);
    assert.equal(ok(await f.nfs.readlink({ symlink: up.object })).data, '../../..');

    // MOUNT: only the export and directories below it, never through a symlink or "..".
    assert.equal((await f.mount.mnt('/etc')).status, Mountstat3.MNT3ERR_NOENT);
    assert.equal((await f.mount.mnt(`${f.nfsd.exportPath}/to-etc`)).status, Mountstat3.MNT3ERR_NOTDIR);
    assert.equal((await f.mount.mnt(`${f.nfsd.exportPath}/../`)).status, Mountstat3.MNT3ERR_ACCES);
    assert.equal((await f.mount.mnt(`${f.nfsd.exportPath}/inside/../..`)).status, Mountstat3.MNT3ERR_ACCES);
    assert.equal((await f.mount.mnt(`${f.nfsd.exportPath}x`)).status, Mountstat3.MNT3ERR_NOENT);
  } finally {
    await f.close();
  }
});
