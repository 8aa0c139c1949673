/**
 * ROW-FS proxy with nfs-ganesha as the SHADOW server (issue 3: "shadow = embedded and, in
 * a second run, nfs-ganesha"): every shadow operation goes over RPC to an unmodified
 * server (RemoteNfs3Backend, MOUNT port found through rpcbind). Main is an in-process
 * read-only export; its digest is checked after every test.
 */
import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Nfsstat3, StableHow } from '../../src/nfs/index.js';
import { connectUpstream } from '../../src/rowfs/index.js';
import type { ConnectedUpstream } from '../../src/rowfs/index.js';
import { startGanesha } from '../helpers/ganesha.js';
import type { GaneshaInstance } from '../helpers/ganesha.js';
import { createNetns } from '../helpers/netns.js';
import type { Netns } from '../helpers/netns.js';
import type { RowfsFixture } from './rowfs-fixture.js';
import { fails, listNames, lookupPath, noAttrs, ok, pattern, readAll, startRowfsFixture, writeAt } from './rowfs-fixture.js';

const BLOCK = 8192;

function populate(dir: string): void {
  writeFileSync(join(dir, 'data.bin'), pattern(20 * BLOCK + 5, 31));
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(dir, 'a', 'b', 'leaf'), 'leaf\n');
  writeFileSync(join(dir, 'a', 'top'), 'top\n');
}

describe('rowfs with nfs-ganesha as the shadow server', () => {
  let base: string;
  let netns: Netns;
  let ganesha: GaneshaInstance;
  let shadow: ConnectedUpstream;
  let fx: RowfsFixture;

  before(async () => {
    base = mkdtempSync('/var/tmp/rowboot-rowfs-gshadow-');
    const shadowDir = join(base, 'shadow');
    mkdirSync(shadowDir);
    netns = await createNetns({ prefix: 'rbhr' });
    ganesha = await startGanesha({ exportDir: shadowDir, readOnly: false, netns });
    shadow = await connectUpstream({ host: ganesha.host, port: ganesha.nfsPort, exportPath: ganesha.exportPath, role: 'shadow' });
    fx = await startRowfsFixture({ populate, blockSize: BLOCK, shadowUpstream: shadow, shadowDir });
  });
  after(async () => {
    await fx?.close();
    await shadow?.close();
    await ganesha?.stop();
    await netns?.destroy();
    rmSync(base, { recursive: true, force: true });
  });
  afterEach(() => fx.assertMainUnchanged());

  test('partial-block writes (stable and unstable) and truncate-extend through a ganesha shadow', async () => {
    const file = await lookupPath(fx.nfs, fx.root, 'data.bin');
    const expected = Buffer.from(readFileSync(join(fx.mainDir, 'data.bin')));
    for (const [index, [offset, length]] of ([[3, 9], [BLOCK - 1, 2], [5 * BLOCK + 77, 3 * BLOCK]] as const).entries()) {
      const data = pattern(length, 60 + index);
      await writeAt(fx.nfs, file, offset, data, index === 1 ? StableHow.UNSTABLE : StableHow.FILE_SYNC);
      data.copy(expected, offset);
    }
    ok(await fx.nfs.commit({ file, offset: 0, count: 0 }));
    assert.deepEqual(await readAll(fx.nfs, file, 10_000), expected);
    ok(await fx.nfs.setattr({ object: file, newAttributes: { ...noAttrs, size: 100 }, guard: undefined }));
    ok(await fx.nfs.setattr({ object: file, newAttributes: { ...noAttrs, size: 3 * BLOCK }, guard: undefined }));
    const after = await readAll(fx.nfs, file);
    assert.deepEqual(after.subarray(0, 100), expected.subarray(0, 100));
    assert.ok(after.subarray(100).every((byte) => byte === 0));
    // The shadow copy is a real file in ganesha's export, under the session's directory.
    const [session] = fx.sessionDirs();
    assert.ok(session !== undefined && existsSync(join(session, 'data.bin')));
  });

  test('namespace through a ganesha shadow: deep create, remove and re-create, rename, link, readdir', async () => {
    const b = await lookupPath(fx.nfs, fx.root, 'a/b');
    const made = ok(await fx.nfs.create({ where: { dir: b, name: 'new' }, how: { mode: 'guarded', attributes: noAttrs } })).obj;
    assert.ok(made);
    await writeAt(fx.nfs, made, 0, Buffer.from('new file\n'));
    const a = await lookupPath(fx.nfs, fx.root, 'a');
    ok(await fx.nfs.remove({ object: { dir: a, name: 'top' } }));
    fails(await fx.nfs.lookup({ what: { dir: a, name: 'top' } }), Nfsstat3.NFS3ERR_NOENT);
    const again = ok(await fx.nfs.create({ where: { dir: a, name: 'top' }, how: { mode: 'guarded', attributes: noAttrs } })).obj;
    assert.ok(again);
    await writeAt(fx.nfs, again, 0, Buffer.from('top v2\n'));
    ok(await fx.nfs.rename({ from: { dir: fx.root, name: 'a' }, to: { dir: fx.root, name: 'renamed' } }));
    assert.equal((await readAll(fx.nfs, await lookupPath(fx.nfs, fx.root, 'renamed/b/new'))).toString(), 'new file\n');
    assert.equal((await readAll(fx.nfs, await lookupPath(fx.nfs, fx.root, 'renamed/b/leaf'))).toString(), 'leaf\n');
    assert.equal((await readAll(fx.nfs, await lookupPath(fx.nfs, fx.root, 'renamed/top'))).toString(), 'top v2\n');
    const leaf = await lookupPath(fx.nfs, fx.root, 'renamed/b/leaf');
    ok(await fx.nfs.link({ file: leaf, link: { dir: fx.root, name: 'leaf-link' } }));
    assert.deepEqual((await listNames(fx.nfs, fx.root)).sort(), ['data.bin', 'leaf-link', 'renamed']);
    assert.deepEqual((await listNames(fx.nfs, await lookupPath(fx.nfs, fx.root, 'renamed/b'))).sort(), ['leaf', 'new']);
    const symlink = ok(await fx.nfs.symlink({ where: { dir: fx.root, name: 'sl' }, symlink: { symlinkAttributes: noAttrs, symlinkData: 'renamed/top' } })).obj;
    assert.ok(symlink);
    assert.equal(ok(await fx.nfs.readlink({ symlink })).data, 'renamed/top');
  });

  test('restart keeps the view with a remote shadow', async () => {
    const top = await lookupPath(fx.nfs, fx.root, 'renamed/top');
    await fx.restart();
    assert.equal((await readAll(fx.nfs, top)).toString(), 'top v2\n');
    assert.equal((await readAll(fx.nfs, await lookupPath(fx.nfs, fx.root, 'leaf-link'))).toString(), 'leaf\n');
  });
});
