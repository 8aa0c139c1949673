/**
 * ROW-FS proxy namespace (issue 3): CREATE/MKDIR/SYMLINK/LINK/MKNOD into main directories
 * regenerate the directory path in the shadow; REMOVE/RMDIR/RENAME of main entries are
 * whiteouts and overlay names (main is never written); a renamed main directory keeps its
 * children; remove then re-create shows the new object. The main tree digest is checked
 * after every test.
 */
import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ftype3, Nfsstat3 } from '../../src/nfs/index.js';
import type { MainKind, RowfsFixture } from './rowfs-fixture.js';
import { fails, listNames, lookupPath, noAttrs, ok, readAll, startRowfsFixture, writeAt } from './rowfs-fixture.js';

function populate(dir: string): void {
  mkdirSync(join(dir, 'usr', 'share', 'doc'), { recursive: true });
  writeFileSync(join(dir, 'usr', 'share', 'doc', 'README'), 'main readme\n');
  mkdirSync(join(dir, 'var', 'lib', 'pkg'), { recursive: true });
  for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'var', 'lib', 'pkg', `p${i}`), `package ${i}\n`);
  mkdirSync(join(dir, 'opt', 'app', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'opt', 'app', 'bin', 'tool'), 'tool v1\n');
  writeFileSync(join(dir, 'opt', 'app', 'config'), 'config v1\n');
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'motd'), 'main motd\n');
}

async function create(fx: RowfsFixture, dir: Buffer, name: string, text?: string): Promise<Buffer> {
  const made = ok(await fx.nfs.create({ where: { dir, name }, how: { mode: 'guarded', attributes: { ...noAttrs, mode: 0o644 } } }), `CREATE ${name}`);
  assert.ok(made.obj);
  if (text !== undefined) await writeAt(fx.nfs, made.obj, 0, Buffer.from(text));
  return made.obj;
}

async function text(fx: RowfsFixture, path: string): Promise<string> {
  return (await readAll(fx.nfs, await lookupPath(fx.nfs, fx.root, path))).toString();
}

for (const kind of ['in-process', 'nfsd-rpc'] as MainKind[]) {
  describe(`rowfs namespace, main ${kind}`, () => {
    let fx: RowfsFixture;
    before(async () => {
      fx = await startRowfsFixture({ populate, main: kind, maxCachedHandles: kind === 'in-process' ? 4 : undefined });
    });
    after(async () => {
      await fx.close();
    });
    afterEach(() => fx.assertMainUnchanged());

    test('creating in a deep main directory regenerates its path in the shadow', async () => {
      const doc = await lookupPath(fx.nfs, fx.root, 'usr/share/doc');
      await create(fx, doc, 'NEW', 'shadow file\n');
      assert.equal(await text(fx, 'usr/share/doc/NEW'), 'shadow file\n');
      assert.equal(await text(fx, 'usr/share/doc/README'), 'main readme\n');
      const [sessionDir] = fx.sessionDirs();
      assert.ok(sessionDir !== undefined);
      assert.equal(readFileSync(join(sessionDir, 'usr', 'share', 'doc', 'NEW'), 'utf8'), 'shadow file\n');
      // Regenerated directories carry main's mode.
      assert.equal(lstatSync(join(sessionDir, 'usr', 'share')).mode & 0o7777, lstatSync(join(fx.mainDir, 'usr', 'share')).mode & 0o7777);
      assert.ok(!existsSync(join(sessionDir, 'usr', 'share', 'doc', 'README')), 'main files are not copied');
      const names = await listNames(fx.nfs, doc);
      assert.deepEqual(names.sort(), ['NEW', 'README']);
      fails(await fx.nfs.create({ where: { dir: doc, name: 'README' }, how: { mode: 'guarded', attributes: noAttrs } }), Nfsstat3.NFS3ERR_EXIST);
    });

    test('MKDIR, SYMLINK, MKNOD and LINK land in the shadow', async () => {
      const opt = await lookupPath(fx.nfs, fx.root, 'opt');
      const sub = ok(await fx.nfs.mkdir({ where: { dir: opt, name: 'newdir' }, attributes: { ...noAttrs, mode: 0o750 } })).obj;
      assert.ok(sub);
      await create(fx, sub, 'inner', 'inner\n');
      const link = ok(await fx.nfs.symlink({ where: { dir: opt, name: 'sl' }, symlink: { symlinkAttributes: noAttrs, symlinkData: 'app/config' } })).obj;
      assert.ok(link);
      assert.equal(ok(await fx.nfs.readlink({ symlink: link })).data, 'app/config');
      const fifo = ok(await fx.nfs.mknod({ where: { dir: opt, name: 'fifo' }, what: { type: Ftype3.NF3FIFO, pipeAttributes: noAttrs } })).obj;
      assert.ok(fifo);
      assert.equal(ok(await fx.nfs.getattr({ object: fifo })).objAttributes.type, Ftype3.NF3FIFO);
      // Hard link to a main file: one object under two names (same fileid), writes seen through both.
      const config = await lookupPath(fx.nfs, fx.root, 'opt/app/config');
      const linked = ok(await fx.nfs.link({ file: config, link: { dir: opt, name: 'config-link' } }));
      assert.equal(linked.fileAttributes?.nlink, 2);
      const viaLink = await lookupPath(fx.nfs, fx.root, 'opt/config-link');
      assert.equal(ok(await fx.nfs.getattr({ object: viaLink })).objAttributes.fileid, ok(await fx.nfs.getattr({ object: config })).objAttributes.fileid);
      await writeAt(fx.nfs, viaLink, 0, Buffer.from('CONFIG'));
      assert.equal(await text(fx, 'opt/app/config'), 'CONFIG v1\n');
      assert.deepEqual((await listNames(fx.nfs, opt)).sort(), ['app', 'config-link', 'fifo', 'newdir', 'sl']);
      fails(await fx.nfs.link({ file: config, link: { dir: opt, name: 'app' } }), Nfsstat3.NFS3ERR_EXIST);
      // Removing one name keeps the other.
      ok(await fx.nfs.remove({ object: { dir: opt, name: 'config-link' } }));
      assert.equal(await text(fx, 'opt/app/config'), 'CONFIG v1\n');
      fails(await fx.nfs.lookup({ what: { dir: opt, name: 'config-link' } }), Nfsstat3.NFS3ERR_NOENT);
    });

    test('REMOVE of a main file is a whiteout; re-create with the same name shows the new file', async () => {
      const etcish = await lookupPath(fx.nfs, fx.root, 'var/lib/pkg');
      const old = await lookupPath(fx.nfs, etcish, 'p0');
      ok(await fx.nfs.remove({ object: { dir: etcish, name: 'p0' } }));
      fails(await fx.nfs.lookup({ what: { dir: etcish, name: 'p0' } }), Nfsstat3.NFS3ERR_NOENT);
      fails(await fx.nfs.getattr({ object: old }), Nfsstat3.NFS3ERR_STALE);
      fails(await fx.nfs.read({ file: old, offset: 0, count: 10 }), Nfsstat3.NFS3ERR_STALE);
      assert.ok(!(await listNames(fx.nfs, etcish)).includes('p0'));
      fails(await fx.nfs.remove({ object: { dir: etcish, name: 'p0' } }), Nfsstat3.NFS3ERR_NOENT);
      const fresh = await create(fx, etcish, 'p0', 'brand new\n');
      assert.notDeepEqual(fresh, old);
      assert.equal(await text(fx, 'var/lib/pkg/p0'), 'brand new\n');
      assert.equal((await listNames(fx.nfs, etcish)).filter((name) => name === 'p0').length, 1);
      // A copied-up file removed: its shadow copy goes too.
      await writeAt(fx.nfs, await lookupPath(fx.nfs, etcish, 'p1'), 0, Buffer.from('P'));
      const [sessionDir] = fx.sessionDirs();
      assert.ok(sessionDir !== undefined && existsSync(join(sessionDir, 'var', 'lib', 'pkg', 'p1')));
      ok(await fx.nfs.remove({ object: { dir: etcish, name: 'p1' } }));
      assert.ok(!existsSync(join(sessionDir, 'var', 'lib', 'pkg', 'p1')));
      fails(await fx.nfs.lookup({ what: { dir: etcish, name: 'p1' } }), Nfsstat3.NFS3ERR_NOENT);
    });

    test('RMDIR checks the merged view; removing an emptied main directory works', async () => {
      const root = fx.root;
      fails(await fx.nfs.rmdir({ object: { dir: root, name: 'usr' } }), Nfsstat3.NFS3ERR_NOTEMPTY);
      ok(await fx.nfs.rmdir({ object: { dir: root, name: 'empty' } }));
      fails(await fx.nfs.lookup({ what: { dir: root, name: 'empty' } }), Nfsstat3.NFS3ERR_NOENT);
      fails(await fx.nfs.rmdir({ object: { dir: root, name: 'motd' } }), Nfsstat3.NFS3ERR_NOTDIR);
      fails(await fx.nfs.remove({ object: { dir: root, name: 'usr' } }), Nfsstat3.NFS3ERR_ISDIR);
      // Empty a main directory through the proxy, then remove it.
      const pkg = await lookupPath(fx.nfs, root, 'var/lib/pkg');
      for (const name of await listNames(fx.nfs, pkg)) ok(await fx.nfs.remove({ object: { dir: pkg, name } }), `REMOVE ${name}`);
      const lib = await lookupPath(fx.nfs, root, 'var/lib');
      ok(await fx.nfs.rmdir({ object: { dir: lib, name: 'pkg' } }));
      assert.deepEqual(await listNames(fx.nfs, lib), []);
      // mkdir with the same name: a new, empty directory (main's entries stay hidden).
      const again = ok(await fx.nfs.mkdir({ where: { dir: lib, name: 'pkg' }, attributes: noAttrs })).obj;
      assert.ok(again);
      assert.deepEqual(await listNames(fx.nfs, again), []);
    });

    test('RENAME of a main directory with children keeps them reachable under the new name', async () => {
      const opt = await lookupPath(fx.nfs, fx.root, 'opt');
      const app = await lookupPath(fx.nfs, opt, 'app');
      const tool = await lookupPath(fx.nfs, fx.root, 'opt/app/bin/tool');
      ok(await fx.nfs.rename({ from: { dir: opt, name: 'app' }, to: { dir: fx.root, name: 'app2' } }));
      fails(await fx.nfs.lookup({ what: { dir: opt, name: 'app' } }), Nfsstat3.NFS3ERR_NOENT);
      assert.deepEqual(await lookupPath(fx.nfs, fx.root, 'app2'), app, 'the directory keeps its handle');
      assert.equal(await text(fx, 'app2/bin/tool'), 'tool v1\n');
      assert.deepEqual(await lookupPath(fx.nfs, fx.root, 'app2/bin/tool'), tool);
      assert.ok((await listNames(fx.nfs, fx.root)).includes('app2'));
      assert.ok(!(await listNames(fx.nfs, opt)).includes('app'));
      // '..' of the moved directory is its new parent.
      assert.deepEqual(ok(await fx.nfs.lookup({ what: { dir: app, name: '..' } })).object, fx.root);
      // Creating inside the moved directory regenerates it at its new path.
      const bin = await lookupPath(fx.nfs, fx.root, 'app2/bin');
      await create(fx, bin, 'tool2', 'tool v2\n');
      const [sessionDir] = fx.sessionDirs();
      assert.ok(sessionDir !== undefined);
      assert.equal(readFileSync(join(sessionDir, 'app2', 'bin', 'tool2'), 'utf8'), 'tool v2\n');
      // A directory cannot move into itself.
      fails(await fx.nfs.rename({ from: { dir: fx.root, name: 'app2' }, to: { dir: bin, name: 'x' } }), Nfsstat3.NFS3ERR_INVAL);
      // Moving it back restores the old name.
      ok(await fx.nfs.rename({ from: { dir: fx.root, name: 'app2' }, to: { dir: opt, name: 'app' } }));
      assert.equal(await text(fx, 'opt/app/bin/tool2'), 'tool v2\n');
      assert.equal(await text(fx, 'opt/app/bin/tool'), 'tool v1\n');
    });

    test('RENAME of files: over a main file, of a copied-up file, then back', async () => {
      const root = fx.root;
      const motd = await lookupPath(fx.nfs, root, 'motd');
      const doc = await lookupPath(fx.nfs, root, 'usr/share/doc');
      // main-only file over another main file.
      ok(await fx.nfs.rename({ from: { dir: root, name: 'motd' }, to: { dir: doc, name: 'README' } }));
      assert.equal(await text(fx, 'usr/share/doc/README'), 'main motd\n');
      assert.deepEqual(await lookupPath(fx.nfs, doc, 'README'), motd);
      fails(await fx.nfs.lookup({ what: { dir: root, name: 'motd' } }), Nfsstat3.NFS3ERR_NOENT);
      // copied-up file moved: its data follows.
      await writeAt(fx.nfs, motd, 0, Buffer.from('MAIN'));
      ok(await fx.nfs.rename({ from: { dir: doc, name: 'README' }, to: { dir: root, name: 'motd.new' } }));
      assert.equal(await text(fx, 'motd.new'), 'MAIN motd\n');
      assert.deepEqual((await listNames(fx.nfs, doc)).sort(), ['NEW']);
      // A new file takes the whited-out name; the old main file stays hidden.
      await create(fx, root, 'motd', 'fresh motd\n');
      assert.equal(await text(fx, 'motd'), 'fresh motd\n');
      assert.equal((await listNames(fx.nfs, root)).filter((name) => name === 'motd').length, 1);
    });
  });
}
