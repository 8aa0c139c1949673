/**
 * ROW-FS proxy sessions and handles (issue 3): two clients (127.0.0.1 and 127.0.0.2) of
 * the same main export see only their own changes; forged, truncated, other-session and
 * removed handles get BADHANDLE or STALE, never data; a proxy restarted on the same state
 * directory resumes every session's view, and old handles keep working.
 */
import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Nfs3Client, Nfsstat3, StableHow } from '../../src/nfs/index.js';
import { authSysCredential, RpcTcpClient } from '../../src/rpc/index.js';
import type { MainKind, ProxyClient, RowfsFixture } from './rowfs-fixture.js';
import { fails, listNames, lookupPath, noAttrs, ok, readAll, startRowfsFixture, writeAt } from './rowfs-fixture.js';

function populate(dir: string): void {
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc', 'hostname'), 'image\n');
  writeFileSync(join(dir, 'etc', 'passwd'), 'root:x:0:0\n');
  writeFileSync(join(dir, 'data.bin'), Buffer.alloc(100_000, 0x61));
}

for (const kind of ['in-process', 'nfsd-rpc'] as MainKind[]) {
  describe(`rowfs sessions and handles, main ${kind}`, () => {
    let fx: RowfsFixture;
    let second: ProxyClient;
    before(async () => {
      fx = await startRowfsFixture({ populate, main: kind, blockSize: 8192 });
      second = await fx.connect('127.0.0.2');
    });
    after(async () => {
      await fx.close();
    });
    afterEach(() => fx.assertMainUnchanged());

    test('two clients of one main export see only their own changes', async () => {
      assert.notDeepEqual(second.root, fx.root, 'each session has its own root handle');
      const etc1 = await lookupPath(fx.nfs, fx.root, 'etc');
      const etc2 = await lookupPath(second.nfs, second.root, 'etc');
      await writeAt(fx.nfs, await lookupPath(fx.nfs, etc1, 'hostname'), 0, Buffer.from('one  \n'));
      await writeAt(second.nfs, await lookupPath(second.nfs, etc2, 'hostname'), 0, Buffer.from('two  \n'));
      ok(await fx.nfs.create({ where: { dir: etc1, name: 'only-one' }, how: { mode: 'guarded', attributes: noAttrs } }));
      ok(await second.nfs.remove({ object: { dir: etc2, name: 'passwd' } }));
      assert.equal((await readAll(fx.nfs, await lookupPath(fx.nfs, etc1, 'hostname'))).toString(), 'one  \n');
      assert.equal((await readAll(second.nfs, await lookupPath(second.nfs, etc2, 'hostname'))).toString(), 'two  \n');
      assert.deepEqual((await listNames(fx.nfs, etc1)).sort(), ['hostname', 'only-one', 'passwd']);
      assert.deepEqual((await listNames(second.nfs, etc2)).sort(), ['hostname']);
      assert.equal(fx.sessionDirs().length, 2);
    });

    test("another session's handles are STALE; forged or truncated handles are BADHANDLE", async () => {
      const mine = await lookupPath(fx.nfs, fx.root, 'data.bin');
      // Client 2 presents client 1's (authentic) handles.
      fails(await second.nfs.getattr({ object: mine }), Nfsstat3.NFS3ERR_STALE);
      fails(await second.nfs.read({ file: mine, offset: 0, count: 100 }), Nfsstat3.NFS3ERR_STALE);
      fails(await second.nfs.lookup({ what: { dir: fx.root, name: 'etc' } }), Nfsstat3.NFS3ERR_STALE);
      fails(await second.nfs.write({ file: mine, offset: 0, count: 1, stable: StableHow.FILE_SYNC, data: Buffer.from('x') }), Nfsstat3.NFS3ERR_STALE);
      // Tampered bits anywhere, truncated, extended, empty, random.
      for (let index = 0; index < mine.length; index++) {
        const forged = Buffer.from(mine);
        forged[index] = (forged[index] as number) ^ 0x01;
        fails(await fx.nfs.getattr({ object: forged }), Nfsstat3.NFS3ERR_BADHANDLE, `bit flip at byte ${index}`);
      }
      fails(await fx.nfs.read({ file: mine.subarray(0, mine.length - 1), offset: 0, count: 10 }), Nfsstat3.NFS3ERR_BADHANDLE);
      fails(await fx.nfs.getattr({ object: Buffer.concat([mine, Buffer.from([0])]) }), Nfsstat3.NFS3ERR_BADHANDLE);
      fails(await fx.nfs.getattr({ object: Buffer.alloc(0) }), Nfsstat3.NFS3ERR_BADHANDLE);
      fails(await fx.nfs.getattr({ object: Buffer.alloc(64, 7) }), Nfsstat3.NFS3ERR_BADHANDLE);
      // A client that never mounted has no session: STALE.
      const before = fx.proxy.metrics().sessions;
      const rpc = new RpcTcpClient({ host: '127.0.0.1', port: fx.proxy.port, localAddress: '127.0.0.3', credential: authSysCredential() });
      try {
        const stranger = new Nfs3Client(rpc);
        fails(await stranger.getattr({ object: mine }), Nfsstat3.NFS3ERR_STALE);
        fails(await stranger.getattr({ object: fx.root }), Nfsstat3.NFS3ERR_STALE);
        fails(await stranger.getattr({ object: Buffer.alloc(29) }), Nfsstat3.NFS3ERR_BADHANDLE);
      } finally {
        await rpc.close();
      }
      assert.equal(fx.proxy.metrics().sessions, before, 'NFS calls alone create no session');
    });

    test('a proxy restart on the same state resumes every view and old handles', async () => {
      const data1 = await lookupPath(fx.nfs, fx.root, 'data.bin');
      const etc2 = await lookupPath(second.nfs, second.root, 'etc');
      const hostname2 = await lookupPath(second.nfs, etc2, 'hostname');
      await writeAt(fx.nfs, data1, 50_000, Buffer.from('middle'), StableHow.FILE_SYNC);
      const unstable = ok(await fx.nfs.write({ file: data1, offset: 70_000, count: 3, stable: StableHow.UNSTABLE, data: Buffer.from('uns') }));
      ok(await fx.nfs.commit({ file: data1, offset: 0, count: 0 }));
      const expected = await readAll(fx.nfs, data1);
      const rootBefore = fx.root;
      await fx.restart();
      // Old handles, both sessions, no new MNT.
      assert.deepEqual(await readAll(fx.nfs, data1), expected);
      assert.equal(expected.subarray(50_000, 50_006).toString(), 'middle');
      assert.equal((await readAll(second.nfs, hostname2)).toString(), 'two  \n');
      assert.deepEqual((await listNames(second.nfs, etc2)).sort(), ['hostname']);
      assert.deepEqual((await listNames(fx.nfs, await lookupPath(fx.nfs, rootBefore, 'etc'))).sort(), ['hostname', 'only-one', 'passwd']);
      // A new MNT gives the same root handle; the write verifier changed (clients resend uncommitted data).
      const again = await fx.connect('127.0.0.1');
      assert.deepEqual(again.root, rootBefore);
      const after = ok(await fx.nfs.write({ file: data1, offset: 0, count: 1, stable: StableHow.UNSTABLE, data: Buffer.from('Z') }));
      assert.notDeepEqual(after.verf, unstable.verf);
      assert.ok(fx.proxy.metrics().sessions >= 2);
    });
  });
}
