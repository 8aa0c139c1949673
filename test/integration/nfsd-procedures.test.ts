/**
 * Every NFSv3 procedure of the embedded server, driven by our own client over loopback
 * TCP: the success path and the main failure statuses, with the bodies RFC 1813 requires.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Access3, Ftype3, Fsf3, Nfsstat3, StableHow } from '../../src/nfs/index.js';
import { authSysCredential } from '../../src/rpc/index.js';
import { createFile, fails, lookupHandle, noAttrs, ok, startFixture, withMode } from './nfsd-fixture.js';
import type { NfsdFixture } from './nfsd-fixture.js';

let f: NfsdFixture;

before(async () => {
  f = await startFixture({
    populate: (dir) => {
      writeFileSync(join(dir, 'hello.txt'), 'hello, world\n');
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub', 'inner.txt'), 'inner');
    },
  });
});

after(async () => {
  await f.close();
});

test('NULL answers', async () => {
  await f.nfs.null();
});

test('GETATTR reports lstat attributes with the inode as fileid', async () => {
  const attrs = ok(await f.nfs.getattr({ object: f.root })).objAttributes;
  const stats = lstatSync(f.exportDir, { bigint: true });
  assert.equal(attrs.type, Ftype3.NF3DIR);
  assert.equal(attrs.fileid, stats.ino);
  assert.equal(attrs.mode, Number(stats.mode) & 0o7777);
  const file = await lookupHandle(f.nfs, f.root, 'hello.txt');
  const fileAttrs = ok(await f.nfs.getattr({ object: file })).objAttributes;
  assert.equal(fileAttrs.type, Ftype3.NF3REG);
  assert.equal(fileAttrs.size, 13);
  assert.equal(fileAttrs.fsid, attrs.fsid);
});

test('SETATTR changes mode, size, owner and times, with wcc data; a stale guard is NOT_SYNC', async () => {
  const file = await createFile(f.nfs, f.root, 'setattr.bin', Buffer.alloc(1000, 1));
  const result = ok(await f.nfs.setattr({
    object: file,
    newAttributes: { mode: 0o4750, uid: 1234, gid: 4321, size: 10, atime: { how: 'client', time: { seconds: 1_000_000, nseconds: 0 } }, mtime: { how: 'client', time: { seconds: 2_000_000, nseconds: 500_000_000 } } },
    guard: undefined,
  }));
  assert.equal(result.objWcc.before?.size, 1000);
  const after = result.objWcc.after;
  assert.ok(after);
  assert.equal(after.mode, 0o4750);
  assert.equal(after.size, 10);
  assert.equal(after.uid, 1234);
  assert.equal(after.gid, 4321);
  assert.equal(after.atime.seconds, 1_000_000);
  assert.equal(after.mtime.seconds, 2_000_000);
  assert.ok(Math.abs(after.mtime.nseconds - 500_000_000) < 1000);
  const onDisk = lstatSync(join(f.exportDir, 'setattr.bin'));
  assert.equal(onDisk.mode & 0o7777, 0o4750);
  assert.equal(onDisk.size, 10);

  // Guard: the current ctime passes, an old one is NOT_SYNC with wcc data.
  const guarded = ok(await f.nfs.setattr({ object: file, newAttributes: withMode(0o600), guard: after.ctime }));
  assert.equal(guarded.objWcc.after?.mode, 0o600);
  const stale = await f.nfs.setattr({ object: file, newAttributes: withMode(0o644), guard: { seconds: 1, nseconds: 2 } });
  fails(stale, Nfsstat3.NFS3ERR_NOT_SYNC);
  assert.ok(stale.objWcc.after);
  assert.equal(lstatSync(join(f.exportDir, 'setattr.bin')).mode & 0o7777, 0o600);

  // Server time.
  const now = ok(await f.nfs.setattr({ object: file, newAttributes: { atime: { how: 'server' }, mtime: { how: 'server' } }, guard: undefined }));
  assert.ok(Math.abs((now.objWcc.after?.mtime.seconds ?? 0) - Date.now() / 1000) < 5);

  const dirSize = await f.nfs.setattr({ object: f.root, newAttributes: { ...noAttrs, size: 0 }, guard: undefined });
  fails(dirSize, Nfsstat3.NFS3ERR_ISDIR);
});

test('LOOKUP finds names, "." and "..", and reports NOENT and NOTDIR', async () => {
  const sub = await lookupHandle(f.nfs, f.root, 'sub');
  const found = ok(await f.nfs.lookup({ what: { dir: sub, name: 'inner.txt' } }));
  assert.equal(found.objAttributes?.size, 5);
  assert.equal(found.dirAttributes?.type, Ftype3.NF3DIR);
  assert.deepEqual(await lookupHandle(f.nfs, sub, '.'), sub);
  assert.deepEqual(await lookupHandle(f.nfs, sub, '..'), f.root);
  assert.deepEqual(await lookupHandle(f.nfs, f.root, '..'), f.root);
  const missing = await f.nfs.lookup({ what: { dir: sub, name: 'nope' } });
  fails(missing, Nfsstat3.NFS3ERR_NOENT);
  assert.ok(missing.status !== Nfsstat3.NFS3_OK && missing.dirAttributes !== undefined);
  const file = await lookupHandle(f.nfs, f.root, 'hello.txt');
  fails(await f.nfs.lookup({ what: { dir: file, name: 'x' } }), Nfsstat3.NFS3ERR_NOTDIR);
});

test('ACCESS answers from mode bits for the AUTH_SYS caller', async () => {
  const all = Access3.READ | Access3.LOOKUP | Access3.MODIFY | Access3.EXTEND | Access3.DELETE | Access3.EXECUTE;
  const file = await lookupHandle(f.nfs, f.root, 'hello.txt');
  const asRoot = ok(await f.nfs.access({ object: file, access: all }));
  assert.equal(asRoot.access, Access3.READ | Access3.MODIFY | Access3.EXTEND);
  const asUser = ok(await f.nfs.access({ object: file, access: all }, { credential: authSysCredential({ uid: 1000, gid: 1000 }) }));
  assert.equal(asUser.access, Access3.READ);
  const dir = ok(await f.nfs.access({ object: f.root, access: all }, { credential: authSysCredential({ uid: 1000, gid: 1000 }) }));
  assert.equal(dir.access, Access3.READ | Access3.LOOKUP);
});

test('READLINK returns the stored target; on a file it is INVAL', async () => {
  const made = ok(await f.nfs.symlink({ where: { dir: f.root, name: 'link-to-hello' }, symlink: { symlinkAttributes: noAttrs, symlinkData: 'hello.txt' } }));
  assert.ok(made.obj);
  const read = ok(await f.nfs.readlink({ symlink: made.obj }));
  assert.equal(read.data, 'hello.txt');
  assert.equal(read.symlinkAttributes?.type, Ftype3.NF3LNK);
  const file = await lookupHandle(f.nfs, f.root, 'hello.txt');
  fails(await f.nfs.readlink({ symlink: file }), Nfsstat3.NFS3ERR_INVAL);
});

test('READ returns data and eof; a directory is ISDIR; past the end is empty with eof', async () => {
  const file = await lookupHandle(f.nfs, f.root, 'hello.txt');
  const all = ok(await f.nfs.read({ file, offset: 0, count: 4096 }));
  assert.equal(all.data.toString(), 'hello, world\n');
  assert.equal(all.count, 13);
  assert.equal(all.eof, true);
  assert.equal(all.fileAttributes?.size, 13);
  const part = ok(await f.nfs.read({ file, offset: 7, count: 3 }));
  assert.equal(part.data.toString(), 'wor');
  assert.equal(part.eof, false);
  const past = ok(await f.nfs.read({ file, offset: 100, count: 10 }));
  assert.equal(past.count, 0);
  assert.equal(past.eof, true);
  fails(await f.nfs.read({ file: f.root, offset: 0, count: 10 }), Nfsstat3.NFS3ERR_ISDIR);
});

test('WRITE stores data with wcc and the committed level; a directory is ISDIR', async () => {
  const file = await createFile(f.nfs, f.root, 'written.bin');
  const data = Buffer.from('0123456789');
  const written = ok(await f.nfs.write({ file, offset: 5, count: data.length, stable: StableHow.FILE_SYNC, data }));
  assert.equal(written.count, 10);
  assert.equal(written.committed, StableHow.FILE_SYNC);
  assert.equal(written.fileWcc.before?.size, 0);
  assert.equal(written.fileWcc.after?.size, 15);
  assert.equal(written.verf.length, 8);
  assert.deepEqual(readFileSync(join(f.exportDir, 'written.bin')), Buffer.concat([Buffer.alloc(5), data]));
  const dataSync = ok(await f.nfs.write({ file, offset: 0, count: 1, stable: StableHow.DATA_SYNC, data: Buffer.from('X') }));
  assert.equal(dataSync.committed, StableHow.DATA_SYNC);
  fails(await f.nfs.write({ file: f.root, offset: 0, count: 1, stable: StableHow.UNSTABLE, data: Buffer.from('x') }), Nfsstat3.NFS3ERR_ISDIR);
});

test('CREATE: GUARDED refuses an existing name, UNCHECKED truncates, EXCLUSIVE is idempotent per verifier', async () => {
  const created = ok(await f.nfs.create({ where: { dir: f.root, name: 'c.txt' }, how: { mode: 'guarded', attributes: withMode(0o640) } }));
  assert.ok(created.obj);
  assert.equal(created.objAttributes?.mode, 0o640);
  assert.ok(created.dirWcc.before && created.dirWcc.after);
  const again = await f.nfs.create({ where: { dir: f.root, name: 'c.txt' }, how: { mode: 'guarded', attributes: withMode(0o640) } });
  fails(again, Nfsstat3.NFS3ERR_EXIST);
  assert.ok(again.status !== Nfsstat3.NFS3_OK && again.dirWcc.after);

  writeFileSync(join(f.exportDir, 'c.txt'), 'some content');
  const unchecked = ok(await f.nfs.create({ where: { dir: f.root, name: 'c.txt' }, how: { mode: 'unchecked', attributes: { ...withMode(0o600), size: 0 } } }));
  assert.deepEqual(unchecked.obj, created.obj);
  assert.equal(unchecked.objAttributes?.size, 0);
  // An existing file keeps its mode: UNCHECKED is open(O_CREAT), not chmod.
  assert.equal(unchecked.objAttributes?.mode, 0o640);

  const verf = Buffer.from('verifier');
  const exclusive = ok(await f.nfs.create({ where: { dir: f.root, name: 'x.txt' }, how: { mode: 'exclusive', verf } }));
  const retransmit = ok(await f.nfs.create({ where: { dir: f.root, name: 'x.txt' }, how: { mode: 'exclusive', verf } }));
  assert.deepEqual(retransmit.obj, exclusive.obj);
  fails(await f.nfs.create({ where: { dir: f.root, name: 'x.txt' }, how: { mode: 'exclusive', verf: Buffer.from('another!') } }), Nfsstat3.NFS3ERR_EXIST);

  // The AUTH_SYS caller owns what it creates.
  const owned = ok(await f.nfs.create({ where: { dir: f.root, name: 'owned.txt' }, how: { mode: 'guarded', attributes: withMode(0o644) } }, { credential: authSysCredential({ uid: 1234, gid: 567 }) }));
  assert.equal(owned.objAttributes?.uid, 1234);
  assert.equal(owned.objAttributes?.gid, 567);
  assert.equal(lstatSync(join(f.exportDir, 'owned.txt')).uid, 1234);

  const file = await lookupHandle(f.nfs, f.root, 'hello.txt');
  fails(await f.nfs.create({ where: { dir: file, name: 'x' }, how: { mode: 'guarded', attributes: noAttrs } }), Nfsstat3.NFS3ERR_NOTDIR);
  fails(await f.nfs.create({ where: { dir: f.root, name: '.' }, how: { mode: 'guarded', attributes: noAttrs } }), Nfsstat3.NFS3ERR_EXIST);
});

test('MKDIR applies the exact mode (no umask) and refuses an existing name', async () => {
  const made = ok(await f.nfs.mkdir({ where: { dir: f.root, name: 'newdir' }, attributes: withMode(0o777) }));
  assert.equal(made.objAttributes?.type, Ftype3.NF3DIR);
  assert.equal(made.objAttributes?.mode, 0o777);
  assert.equal(lstatSync(join(f.exportDir, 'newdir')).mode & 0o777, 0o777);
  fails(await f.nfs.mkdir({ where: { dir: f.root, name: 'newdir' }, attributes: noAttrs }), Nfsstat3.NFS3ERR_EXIST);
});

test('SYMLINK stores any target verbatim, with the requested owner', async () => {
  const made = ok(await f.nfs.symlink({ where: { dir: f.root, name: 'abs' }, symlink: { symlinkAttributes: { ...noAttrs, uid: 42, gid: 43 }, symlinkData: '/etc/passwd' } }));
  assert.equal(made.objAttributes?.type, Ftype3.NF3LNK);
  assert.equal(made.objAttributes?.uid, 42);
  assert.equal(readlinkSync(join(f.exportDir, 'abs')), '/etc/passwd');
  fails(await f.nfs.symlink({ where: { dir: f.root, name: 'abs' }, symlink: { symlinkAttributes: noAttrs, symlinkData: 'x' } }), Nfsstat3.NFS3ERR_EXIST);
});

test('MKNOD makes FIFOs, sockets and devices; regular types are BADTYPE', async () => {
  const fifo = ok(await f.nfs.mknod({ where: { dir: f.root, name: 'fifo' }, what: { type: Ftype3.NF3FIFO, pipeAttributes: withMode(0o620) } }));
  assert.equal(fifo.objAttributes?.type, Ftype3.NF3FIFO);
  assert.equal(fifo.objAttributes?.mode, 0o620);
  assert.ok(lstatSync(join(f.exportDir, 'fifo')).isFIFO());
  const sock = ok(await f.nfs.mknod({ where: { dir: f.root, name: 'sock' }, what: { type: Ftype3.NF3SOCK, pipeAttributes: withMode(0o600) } }));
  assert.equal(sock.objAttributes?.type, Ftype3.NF3SOCK);
  assert.ok(lstatSync(join(f.exportDir, 'sock')).isSocket());
  const chr = ok(await f.nfs.mknod({ where: { dir: f.root, name: 'null' }, what: { type: Ftype3.NF3CHR, devAttributes: withMode(0o666), spec: { specdata1: 1, specdata2: 3 } } }));
  assert.equal(chr.objAttributes?.type, Ftype3.NF3CHR);
  assert.deepEqual(chr.objAttributes?.rdev, { specdata1: 1, specdata2: 3 });
  const blk = ok(await f.nfs.mknod({ where: { dir: f.root, name: 'blk' }, what: { type: Ftype3.NF3BLK, devAttributes: withMode(0o600), spec: { specdata1: 7, specdata2: 0 } } }));
  assert.equal(blk.objAttributes?.type, Ftype3.NF3BLK);
  fails(await f.nfs.mknod({ where: { dir: f.root, name: 'reg' }, what: { type: Ftype3.NF3REG } }), Nfsstat3.NFS3ERR_BADTYPE);
  fails(await f.nfs.mknod({ where: { dir: f.root, name: 'fifo' }, what: { type: Ftype3.NF3FIFO, pipeAttributes: noAttrs } }), Nfsstat3.NFS3ERR_EXIST);
});

test('REMOVE unlinks files; the old handle goes STALE; directories are ISDIR', async () => {
  const file = await createFile(f.nfs, f.root, 'doomed.txt', Buffer.from('bye'));
  const removed = ok(await f.nfs.remove({ object: { dir: f.root, name: 'doomed.txt' } }));
  assert.ok(removed.dirWcc.before && removed.dirWcc.after);
  fails(await f.nfs.getattr({ object: file }), Nfsstat3.NFS3ERR_STALE);
  fails(await f.nfs.read({ file, offset: 0, count: 3 }), Nfsstat3.NFS3ERR_STALE);
  fails(await f.nfs.remove({ object: { dir: f.root, name: 'doomed.txt' } }), Nfsstat3.NFS3ERR_NOENT);
  fails(await f.nfs.remove({ object: { dir: f.root, name: 'sub' } }), Nfsstat3.NFS3ERR_ISDIR);
  fails(await f.nfs.remove({ object: { dir: f.root, name: '..' } }), Nfsstat3.NFS3ERR_ACCES);
});

test('RMDIR removes empty directories only', async () => {
  ok(await f.nfs.mkdir({ where: { dir: f.root, name: 'full' }, attributes: noAttrs }));
  const full = await lookupHandle(f.nfs, f.root, 'full');
  await createFile(f.nfs, full, 'x');
  fails(await f.nfs.rmdir({ object: { dir: f.root, name: 'full' } }), Nfsstat3.NFS3ERR_NOTEMPTY);
  fails(await f.nfs.rmdir({ object: { dir: f.root, name: 'hello.txt' } }), Nfsstat3.NFS3ERR_NOTDIR);
  ok(await f.nfs.remove({ object: { dir: full, name: 'x' } }));
  ok(await f.nfs.rmdir({ object: { dir: f.root, name: 'full' } }));
  fails(await f.nfs.getattr({ object: full }), Nfsstat3.NFS3ERR_STALE);
  fails(await f.nfs.rmdir({ object: { dir: f.root, name: 'full' } }), Nfsstat3.NFS3ERR_NOENT);
});

test('RENAME across directories and over an existing file keeps handles valid', async () => {
  ok(await f.nfs.mkdir({ where: { dir: f.root, name: 'ra' }, attributes: noAttrs }));
  ok(await f.nfs.mkdir({ where: { dir: f.root, name: 'rb' }, attributes: noAttrs }));
  const ra = await lookupHandle(f.nfs, f.root, 'ra');
  const rb = await lookupHandle(f.nfs, f.root, 'rb');
  const moving = await createFile(f.nfs, ra, 'm.txt', Buffer.from('moving'));
  const victim = await createFile(f.nfs, rb, 'target.txt', Buffer.from('old'));
  const renamed = ok(await f.nfs.rename({ from: { dir: ra, name: 'm.txt' }, to: { dir: rb, name: 'target.txt' } }));
  assert.ok(renamed.fromdirWcc.after && renamed.todirWcc.after);
  assert.equal(readFileSync(join(f.exportDir, 'rb', 'target.txt'), 'utf8'), 'moving');
  assert.equal(ok(await f.nfs.read({ file: moving, offset: 0, count: 100 })).data.toString(), 'moving');
  fails(await f.nfs.getattr({ object: victim }), Nfsstat3.NFS3ERR_STALE);
  assert.deepEqual(await lookupHandle(f.nfs, rb, 'target.txt'), moving);

  // Moving a directory moves what is below it; their handles keep working.
  const inner = await createFile(f.nfs, rb, 'inner.txt', Buffer.from('in'));
  ok(await f.nfs.rename({ from: { dir: f.root, name: 'rb' }, to: { dir: ra, name: 'rb-moved' } }));
  assert.equal(ok(await f.nfs.read({ file: inner, offset: 0, count: 10 })).data.toString(), 'in');
  ok(await f.nfs.getattr({ object: rb }));

  fails(await f.nfs.rename({ from: { dir: ra, name: 'nothing' }, to: { dir: ra, name: 'x' } }), Nfsstat3.NFS3ERR_NOENT);
  // A directory over a non-empty directory.
  ok(await f.nfs.mkdir({ where: { dir: ra, name: 'empty' }, attributes: noAttrs }));
  const notEmpty = await f.nfs.rename({ from: { dir: ra, name: 'empty' }, to: { dir: ra, name: 'rb-moved' } });
  assert.ok(notEmpty.status === Nfsstat3.NFS3ERR_NOTEMPTY || notEmpty.status === Nfsstat3.NFS3ERR_EXIST);
  // A directory into itself.
  fails(await f.nfs.rename({ from: { dir: ra, name: 'rb-moved' }, to: { dir: rb, name: 'loop' } }), Nfsstat3.NFS3ERR_INVAL);
  fails(await f.nfs.rename({ from: { dir: ra, name: '.' }, to: { dir: ra, name: 'x' } }), Nfsstat3.NFS3ERR_INVAL);
});

test('LINK adds a name; existing names are EXIST', async () => {
  const file = await createFile(f.nfs, f.root, 'orig.txt', Buffer.from('o'));
  const linked = ok(await f.nfs.link({ file, link: { dir: f.root, name: 'hard.txt' } }));
  assert.equal(linked.fileAttributes?.nlink, 2);
  assert.ok(linked.linkdirWcc.after);
  assert.equal(lstatSync(join(f.exportDir, 'hard.txt')).ino, lstatSync(join(f.exportDir, 'orig.txt')).ino);
  fails(await f.nfs.link({ file, link: { dir: f.root, name: 'hello.txt' } }), Nfsstat3.NFS3ERR_EXIST);
  // Removing one name leaves the file reachable through its handle.
  ok(await f.nfs.remove({ object: { dir: f.root, name: 'orig.txt' } }));
  assert.equal(ok(await f.nfs.getattr({ object: file })).objAttributes.nlink, 1);
});

test('READDIR lists ".", ".." and every name with fileids', async () => {
  const sub = await lookupHandle(f.nfs, f.root, 'sub');
  const listed = ok(await f.nfs.readdir({ dir: sub, cookie: 0n, cookieverf: Buffer.alloc(8), count: 4096 }));
  assert.deepEqual(listed.entries.map((e) => e.name), ['.', '..', 'inner.txt']);
  assert.equal(listed.eof, true);
  assert.equal(listed.entries[2]?.fileid, lstatSync(join(f.exportDir, 'sub', 'inner.txt'), { bigint: true }).ino);
  assert.equal(listed.entries[1]?.fileid, lstatSync(f.exportDir, { bigint: true }).ino);
});

test('READDIRPLUS returns handles and attributes that work', async () => {
  const sub = await lookupHandle(f.nfs, f.root, 'sub');
  const listed = ok(await f.nfs.readdirplus({ dir: sub, cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 4096, maxcount: 16384 }));
  const inner = listed.entries.find((e) => e.name === 'inner.txt');
  assert.ok(inner?.nameHandle);
  assert.equal(inner.nameAttributes?.size, 5);
  assert.equal(ok(await f.nfs.read({ file: inner.nameHandle, offset: 0, count: 5 })).data.toString(), 'inner');
});

test('FSSTAT, FSINFO and PATHCONF describe the export', async () => {
  const fsstat = ok(await f.nfs.fsstat({ fsroot: f.root }));
  assert.ok(fsstat.tbytes > 0 && fsstat.tbytes >= fsstat.fbytes && fsstat.fbytes >= fsstat.abytes);
  assert.ok(fsstat.tfiles > 0);
  const fsinfo = ok(await f.nfs.fsinfo({ fsroot: f.root }));
  assert.equal(fsinfo.rtmax, 1024 * 1024);
  assert.equal(fsinfo.wtmax, 1024 * 1024);
  assert.ok(fsinfo.rtpref <= fsinfo.rtmax && fsinfo.wtpref <= fsinfo.wtmax);
  assert.equal(fsinfo.properties, Fsf3.LINK | Fsf3.SYMLINK | Fsf3.HOMOGENEOUS | Fsf3.CANSETTIME);
  assert.deepEqual(fsinfo.timeDelta, { seconds: 0, nseconds: 1 });
  const pathconf = ok(await f.nfs.pathconf({ object: f.root }));
  assert.equal(pathconf.nameMax, 255);
  assert.equal(pathconf.noTrunc, true);
  assert.equal(pathconf.chownRestricted, true);
  assert.equal(pathconf.caseInsensitive, false);
  assert.equal(pathconf.casePreserving, true);
});

test('COMMIT returns the verifier the writes returned', async () => {
  const file = await createFile(f.nfs, f.root, 'commit.bin');
  const written = ok(await f.nfs.write({ file, offset: 0, count: 4, stable: StableHow.UNSTABLE, data: Buffer.from('data') }));
  assert.equal(written.committed, StableHow.UNSTABLE);
  const committed = ok(await f.nfs.commit({ file, offset: 0, count: 0 }));
  assert.deepEqual(committed.verf, written.verf);
  assert.equal(committed.fileWcc.after?.size, 4);
  fails(await f.nfs.commit({ file: f.root, offset: 0, count: 0 }), Nfsstat3.NFS3ERR_ISDIR);
});

test('names are single components: "/" is INVAL, over-long names NAMETOOLONG (in-process)', async () => {
  fails(await f.nfs.lookup({ what: { dir: f.root, name: 'sub/inner.txt' } }), Nfsstat3.NFS3ERR_INVAL);
  fails(await f.nfs.create({ where: { dir: f.root, name: '../escape' }, how: { mode: 'guarded', attributes: noAttrs } }), Nfsstat3.NFS3ERR_INVAL);
  // Our wire codec already refuses names over 255 bytes (GARBAGE_ARGS, as the Linux server); the export checks too.
  const long = await f.nfsd.exportFs.lookup({ what: { dir: f.root, name: 'n'.repeat(300) } });
  fails(long, Nfsstat3.NFS3ERR_NAMETOOLONG);
});
