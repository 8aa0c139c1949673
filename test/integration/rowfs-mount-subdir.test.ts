/**
 * MNT of a directory below the main export (as knfsd and nfs-ganesha allow): the path is
 * walked through the session's merged view, so directories made through the proxy are
 * mountable, renamed ones are found by their new name only, removed ones are gone; files
 * are NOTDIR and ".." never leaves the export.
 */
import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Mountstat3, mountstatName } from '../../src/nfs/index.js';
import type { MountResult } from '../../src/nfs/index.js';
import type { MainKind, ProxyClient, RowfsFixture } from './rowfs-fixture.js';
import { listNames, lookupPath, noAttrs, ok, startRowfsFixture } from './rowfs-fixture.js';

function populate(dir: string): void {
  mkdirSync(join(dir, 'usr', 'share', 'doc'), { recursive: true });
  writeFileSync(join(dir, 'usr', 'share', 'doc', 'README'), 'main readme\n');
  mkdirSync(join(dir, 'srv', 'data'), { recursive: true });
  writeFileSync(join(dir, 'srv', 'data', 'item'), 'item\n');
  mkdirSync(join(dir, 'gone'));
  writeFileSync(join(dir, 'motd'), 'main motd\n');
  symlinkSync('usr/share', join(dir, 'share-link'));
}

function mountedHandle(result: MountResult, what: string): Buffer {
  assert.equal(mountstatName(result.status), 'MNT3_OK', `MNT ${what}`);
  assert.ok(result.status === Mountstat3.MNT3_OK);
  return result.fhandle;
}

function mountFails(result: MountResult, expected: number, what: string): void {
  assert.equal(mountstatName(result.status), mountstatName(expected), `MNT ${what}`);
}

for (const kind of ['in-process', 'nfsd-rpc'] as MainKind[]) {
  describe(`rowfs MNT of subdirectories, main ${kind}`, () => {
    let fx: RowfsFixture;
    let client: ProxyClient;
    let exportPath: string;
    const mnt = (path: string): Promise<MountResult> => client.mount.mnt(path);

    before(async () => {
      fx = await startRowfsFixture({ populate, main: kind });
      client = fx.client;
      exportPath = fx.mainDir;
    });
    after(async () => {
      await fx.close();
    });
    afterEach(() => fx.assertMainUnchanged());

    test('the export root, with or without trailing slashes, is the session root', async () => {
      assert.deepEqual(mountedHandle(await mnt(exportPath), 'root'), fx.root);
      assert.deepEqual(mountedHandle(await mnt(`${exportPath}//`), 'root//'), fx.root);
      assert.deepEqual(mountedHandle(await mnt(`${exportPath}/.`), 'root/.'), fx.root);
    });

    test('a main subdirectory mounts as the handle LOOKUP gives, and is usable', async () => {
      const viaLookup = await lookupPath(fx.nfs, fx.root, 'usr/share/doc');
      const mounted = mountedHandle(await mnt(`${exportPath}/usr/share/doc`), 'usr/share/doc');
      assert.deepEqual(mounted, viaLookup);
      assert.deepEqual(await listNames(fx.nfs, mounted), ['README']);
      assert.deepEqual(mountedHandle(await mnt(`${exportPath}//usr/./share//doc/`), 'messy path'), viaLookup);
    });

    test('a directory made through the proxy (shadow only) mounts', async () => {
      const srv = await lookupPath(fx.nfs, fx.root, 'srv');
      const made = ok(await fx.nfs.mkdir({ where: { dir: srv, name: 'fresh' }, attributes: { ...noAttrs, mode: 0o755 } }), 'MKDIR fresh').obj;
      assert.ok(made);
      const inner = ok(await fx.nfs.mkdir({ where: { dir: made, name: 'inner' }, attributes: { ...noAttrs, mode: 0o755 } }), 'MKDIR inner').obj;
      assert.ok(inner);
      assert.deepEqual(mountedHandle(await mnt(`${exportPath}/srv/fresh`), 'srv/fresh'), made);
      assert.deepEqual(mountedHandle(await mnt(`${exportPath}/srv/fresh/inner`), 'srv/fresh/inner'), inner);
      // Another client is another session: it does not see this session's shadow.
      const other = await fx.connect('127.0.0.2');
      mountFails(await other.mount.mnt(`${exportPath}/srv/fresh`), Mountstat3.MNT3ERR_NOENT, 'srv/fresh from another session');
    });

    test('a renamed main directory mounts by its new name only; a removed one is gone', async () => {
      const data = await lookupPath(fx.nfs, fx.root, 'srv/data');
      ok(await fx.nfs.rename({ from: { dir: fx.root, name: 'srv' }, to: { dir: fx.root, name: 'srv-moved' } }), 'RENAME srv');
      assert.deepEqual(mountedHandle(await mnt(`${exportPath}/srv-moved/data`), 'srv-moved/data'), data);
      mountFails(await mnt(`${exportPath}/srv`), Mountstat3.MNT3ERR_NOENT, 'old name srv');
      mountFails(await mnt(`${exportPath}/srv/data`), Mountstat3.MNT3ERR_NOENT, 'old name srv/data');
      ok(await fx.nfs.rmdir({ object: { dir: fx.root, name: 'gone' } }), 'RMDIR gone');
      mountFails(await mnt(`${exportPath}/gone`), Mountstat3.MNT3ERR_NOENT, 'removed gone');
      mountFails(await mnt(`${exportPath}/no-such-dir`), Mountstat3.MNT3ERR_NOENT, 'missing');
      mountFails(await mnt(`${exportPath}/usr/no-such/deeper`), Mountstat3.MNT3ERR_NOENT, 'missing middle');
    });

    test('a file or a symbolic link on the path is NOTDIR', async () => {
      mountFails(await mnt(`${exportPath}/motd`), Mountstat3.MNT3ERR_NOTDIR, 'motd');
      mountFails(await mnt(`${exportPath}/motd/below`), Mountstat3.MNT3ERR_NOTDIR, 'motd/below');
      mountFails(await mnt(`${exportPath}/usr/share/doc/README`), Mountstat3.MNT3ERR_NOTDIR, 'README');
      mountFails(await mnt(`${exportPath}/share-link`), Mountstat3.MNT3ERR_NOTDIR, 'share-link');
    });

    test('".." never leaves the export; paths outside it are NOENT', async () => {
      mountFails(await mnt(`${exportPath}/..`), Mountstat3.MNT3ERR_ACCES, 'export/..');
      mountFails(await mnt(`${exportPath}/../..`), Mountstat3.MNT3ERR_ACCES, 'export/../..');
      mountFails(await mnt(`${exportPath}/usr/../../etc`), Mountstat3.MNT3ERR_ACCES, 'usr/../../etc');
      mountFails(await mnt(`${exportPath}/usr/..`), Mountstat3.MNT3ERR_ACCES, 'usr/..');
      mountFails(await mnt('/'), Mountstat3.MNT3ERR_NOENT, '/');
      mountFails(await mnt('/etc'), Mountstat3.MNT3ERR_NOENT, '/etc');
      mountFails(await mnt(`${exportPath}-sibling`), Mountstat3.MNT3ERR_NOENT, 'sibling prefix');
      mountFails(await mnt(exportPath.slice(1)), Mountstat3.MNT3ERR_NOENT, 'relative path');
      mountFails(await mnt(''), Mountstat3.MNT3ERR_NOENT, 'empty path');
    });
  });
}
