/** A read-only export answers NFS3ERR_ROFS (with its wcc body) to every modifying call; reads and MOUNT work. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Access3, Ftype3, Mountstat3, Nfsstat3, StableHow } from '../../src/nfs/index.js';
import { fails, lookupHandle, noAttrs, ok, startFixture, withMode } from './nfsd-fixture.js';
import type { NfsdFixture } from './nfsd-fixture.js';

let f: NfsdFixture;

before(async () => {
  f = await startFixture({
    readOnly: true,
    populate: (dir) => {
      writeFileSync(join(dir, 'file.txt'), 'read me');
      mkdirSync(join(dir, 'dir'));
    },
  });
});

after(async () => {
  await f.close();
});

test('every modifying procedure is ROFS, with attributes in its wcc body', async () => {
  const file = await lookupHandle(f.nfs, f.root, 'file.txt');
  const dir = await lookupHandle(f.nfs, f.root, 'dir');
  const setattr = await f.nfs.setattr({ object: file, newAttributes: withMode(0o777), guard: undefined });
  fails(setattr, Nfsstat3.NFS3ERR_ROFS, 'SETATTR');
  assert.ok(setattr.objWcc.after);
  const write = await f.nfs.write({ file, offset: 0, count: 1, stable: StableHow.FILE_SYNC, data: Buffer.from('x') });
  fails(write, Nfsstat3.NFS3ERR_ROFS, 'WRITE');
  assert.ok(write.fileWcc.before && write.fileWcc.after);
  const create = await f.nfs.create({ where: { dir: f.root, name: 'new' }, how: { mode: 'unchecked', attributes: noAttrs } });
  fails(create, Nfsstat3.NFS3ERR_ROFS, 'CREATE');
  assert.ok(create.dirWcc.after);
  fails(await f.nfs.create({ where: { dir: f.root, name: 'new' }, how: { mode: 'exclusive', verf: Buffer.alloc(8, 1) } }), Nfsstat3.NFS3ERR_ROFS, 'CREATE exclusive');
  fails(await f.nfs.mkdir({ where: { dir: f.root, name: 'new' }, attributes: noAttrs }), Nfsstat3.NFS3ERR_ROFS, 'MKDIR');
  fails(await f.nfs.symlink({ where: { dir: f.root, name: 'new' }, symlink: { symlinkAttributes: noAttrs, symlinkData: 'x' } }), Nfsstat3.NFS3ERR_ROFS, 'SYMLINK');
  fails(await f.nfs.mknod({ where: { dir: f.root, name: 'new' }, what: { type: Ftype3.NF3FIFO, pipeAttributes: noAttrs } }), Nfsstat3.NFS3ERR_ROFS, 'MKNOD');
  fails(await f.nfs.remove({ object: { dir: f.root, name: 'file.txt' } }), Nfsstat3.NFS3ERR_ROFS, 'REMOVE');
  fails(await f.nfs.rmdir({ object: { dir: f.root, name: 'dir' } }), Nfsstat3.NFS3ERR_ROFS, 'RMDIR');
  const rename = await f.nfs.rename({ from: { dir: f.root, name: 'file.txt' }, to: { dir, name: 'moved' } });
  fails(rename, Nfsstat3.NFS3ERR_ROFS, 'RENAME');
  assert.ok(rename.fromdirWcc.after && rename.todirWcc.after);
  const link = await f.nfs.link({ file, link: { dir, name: 'hard' } });
  fails(link, Nfsstat3.NFS3ERR_ROFS, 'LINK');
  assert.ok(link.fileAttributes);
  const commit = await f.nfs.commit({ file, offset: 0, count: 0 });
  fails(commit, Nfsstat3.NFS3ERR_ROFS, 'COMMIT');
  assert.ok(commit.fileWcc.after);

  // Nothing changed on disk.
  assert.deepEqual(readdirSync(f.exportDir).sort(), ['dir', 'file.txt']);
  assert.deepEqual(readdirSync(join(f.exportDir, 'dir')), []);
  assert.equal(readFileSync(join(f.exportDir, 'file.txt'), 'utf8'), 'read me');
});

test('reads, listings and MOUNT work; ACCESS grants no write rights', async () => {
  const file = await lookupHandle(f.nfs, f.root, 'file.txt');
  assert.equal(ok(await f.nfs.read({ file, offset: 0, count: 100 })).data.toString(), 'read me');
  const listed = ok(await f.nfs.readdirplus({ dir: f.root, cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 4096, maxcount: 8192 }));
  assert.deepEqual(listed.entries.map((e) => e.name).sort(), ['.', '..', 'dir', 'file.txt']);
  const access = ok(await f.nfs.access({ object: f.root, access: Access3.READ | Access3.LOOKUP | Access3.MODIFY | Access3.EXTEND | Access3.DELETE }));
  assert.equal(access.access, Access3.READ | Access3.LOOKUP);
  assert.equal((await f.mount.mnt(f.nfsd.exportPath)).status, Mountstat3.MNT3_OK);
});
