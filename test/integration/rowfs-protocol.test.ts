/**
 * ROW-FS proxy protocol details (issue 3): NFS, MOUNT and portmap answer on the proxy's
 * one port over TCP and UDP; EXCLUSIVE create retransmissions; many concurrent partial
 * writes into the same blocks (fills from main must not overwrite each other's data);
 * the metrics snapshot counts by procedure and destination.
 */
import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IpProto, MOUNT_PROGRAM, MOUNT_V3, MountClient, Mountstat3, NFS_PROGRAM, NFS_V3, Nfs3Client, Nfsstat3, PortmapClient, StableHow } from '../../src/nfs/index.js';
import { authSysCredential, RpcUdpClient } from '../../src/rpc/index.js';
import type { RowfsFixture } from './rowfs-fixture.js';
import { fails, lookupPath, noAttrs, ok, pattern, readAll, startRowfsFixture } from './rowfs-fixture.js';

const BLOCK = 4096;

function populate(dir: string): void {
  writeFileSync(join(dir, 'shared.bin'), pattern(16 * BLOCK, 21));
  writeFileSync(join(dir, 'udp.bin'), pattern(200_000, 22));
}

describe('rowfs protocol details', () => {
  let fx: RowfsFixture;
  before(async () => {
    fx = await startRowfsFixture({ populate, blockSize: BLOCK });
  });
  after(async () => {
    await fx.close();
  });
  afterEach(() => fx.assertMainUnchanged());

  test('portmap on the proxy port points NFS and MOUNT at itself; MOUNT and NFS work over UDP', async () => {
    const udp = new RpcUdpClient({ host: '127.0.0.1', port: fx.proxy.port, credential: authSysCredential(), timeoutMs: 10_000, retransmitMs: 500 });
    try {
      const portmap = new PortmapClient(udp);
      assert.equal(await portmap.getport({ prog: NFS_PROGRAM, vers: NFS_V3, prot: IpProto.TCP, port: 0 }), fx.proxy.port);
      assert.equal(await portmap.getport({ prog: MOUNT_PROGRAM, vers: MOUNT_V3, prot: IpProto.UDP, port: 0 }), fx.proxy.port);
      const mount = new MountClient(udp);
      const exports = await mount.export();
      assert.equal(exports.length, 1);
      const mounted = await mount.mnt(exports[0]?.dir ?? '');
      assert.ok(mounted.status === Mountstat3.MNT3_OK);
      assert.deepEqual(mounted.fhandle, fx.root, 'same client address, same session, same root');
      assert.equal((await mount.mnt('/elsewhere')).status, Mountstat3.MNT3ERR_NOENT);
      const nfs = new Nfs3Client(udp);
      const file = await lookupPath(nfs, mounted.fhandle, 'udp.bin');
      const read = ok(await nfs.read({ file, offset: 0, count: 1024 * 1024 }));
      assert.ok(read.data.length <= 60 * 1024 && read.data.length > 0, 'trimmed to one datagram');
      assert.deepEqual(Buffer.from(read.data), readFileSync(join(fx.mainDir, 'udp.bin')).subarray(0, read.data.length));
      assert.deepEqual(await readAll(nfs, file, 32 * 1024), readFileSync(join(fx.mainDir, 'udp.bin')));
    } finally {
      await udp.close();
    }
  });

  test('EXCLUSIVE create: a retransmission succeeds, another verifier is EXIST', async () => {
    const verf = Buffer.from('12345678');
    const first = ok(await fx.nfs.create({ where: { dir: fx.root, name: 'excl' }, how: { mode: 'exclusive', verf } }));
    const again = ok(await fx.nfs.create({ where: { dir: fx.root, name: 'excl' }, how: { mode: 'exclusive', verf } }));
    assert.deepEqual(again.obj, first.obj);
    fails(await fx.nfs.create({ where: { dir: fx.root, name: 'excl' }, how: { mode: 'exclusive', verf: Buffer.from('87654321') } }), Nfsstat3.NFS3ERR_EXIST);
    fails(await fx.nfs.create({ where: { dir: fx.root, name: 'shared.bin' }, how: { mode: 'exclusive', verf } }), Nfsstat3.NFS3ERR_EXIST);
    // UNCHECKED on an existing main file with size 0 truncates it (an O_TRUNC open).
    const trunc = ok(await fx.nfs.create({ where: { dir: fx.root, name: 'udp.bin' }, how: { mode: 'unchecked', attributes: { ...noAttrs, size: 0 } } }));
    assert.equal(trunc.objAttributes?.size, 0);
    assert.equal((await readAll(fx.nfs, await lookupPath(fx.nfs, fx.root, 'udp.bin'))).length, 0);
  });

  test('concurrent partial writes into the same blocks keep every byte', async () => {
    const file = await lookupPath(fx.nfs, fx.root, 'shared.bin');
    const expected = Buffer.from(readFileSync(join(fx.mainDir, 'shared.bin')));
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 64; i++) {
      // Interleaved 37-byte pieces, 8 per block, spread over the first 8 blocks.
      const offset = (i % 8) * BLOCK + Math.floor(i / 8) * 500 + 13;
      const data = pattern(37, 1000 + i);
      data.copy(expected, offset);
      writes.push(fx.nfs.write({ file, offset, count: data.length, stable: i % 3 === 0 ? StableHow.FILE_SYNC : StableHow.UNSTABLE, data }).then((r) => ok(r)));
    }
    await Promise.all(writes);
    ok(await fx.nfs.commit({ file, offset: 0, count: 0 }));
    assert.deepEqual(await readAll(fx.nfs, file, 5000), expected);
  });

  test('metrics: by procedure and destination', async () => {
    const before = fx.proxy.metrics();
    await fx.nfs.null();
    const file = await lookupPath(fx.nfs, fx.root, 'shared.bin');
    ok(await fx.nfs.getattr({ object: file }));
    const after = fx.proxy.metrics();
    assert.equal((after.procedures.NULL?.local.calls ?? 0) - (before.procedures.NULL?.local.calls ?? 0), 1);
    assert.equal((after.procedures.GETATTR?.shadow.calls ?? 0) - (before.procedures.GETATTR?.shadow.calls ?? 0), 1, 'a copied-up file is answered by the shadow');
    assert.ok((after.procedures.WRITE?.shadow.bytes ?? 0) >= 64 * 37);
    assert.ok((after.procedures.WRITE?.main.calls ?? 0) > 0, 'partial blocks were filled from main');
    assert.ok(after.totals.calls > before.totals.calls);
    assert.equal(after.sessions, 1);
    assert.ok(after.cachedHandles > 0);
    assert.equal(after.jukebox, 0);
    assert.equal(after.failures, 0);
  });
});
