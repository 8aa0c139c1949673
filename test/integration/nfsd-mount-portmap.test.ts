/** MOUNT v3 and the portmapper on the NFS port, over TCP and UDP, and the optional extra portmapper port. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import {
  IpProto,
  MOUNT_PROGRAM,
  MOUNT_V3,
  MountClient,
  Mountstat3,
  NFS_PROGRAM,
  NFS_V3,
  Nfs3Client,
  Nfsstat3,
  PMAP_PROGRAM,
  PMAP_V2,
  PortmapClient,
} from '../../src/nfs/index.js';
import { AuthFlavor, authSysCredential, RpcTcpClient, RpcUdpClient } from '../../src/rpc/index.js';
import { lookupHandle, ok, startFixture } from './nfsd-fixture.js';
import type { NfsdFixture } from './nfsd-fixture.js';

let f: NfsdFixture;

before(async () => {
  f = await startFixture({
    populate: (dir) => {
      mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
      writeFileSync(join(dir, 'sub', 'file'), 'x');
      writeFileSync(join(dir, 'big.bin'), Buffer.alloc(200 * 1024, 7));
    },
  });
});

after(async () => {
  await f.close();
});

test('MNT gives the root handle for the export path, with or without a trailing slash', async () => {
  const plain = await f.mount.mnt(f.nfsd.exportPath);
  assert.ok(plain.status === Mountstat3.MNT3_OK);
  assert.deepEqual(plain.fhandle, f.root);
  assert.ok(plain.authFlavors.includes(AuthFlavor.AUTH_SYS));
  const slash = await f.mount.mnt(`${f.nfsd.exportPath}/`);
  assert.ok(slash.status === Mountstat3.MNT3_OK);
  assert.deepEqual(slash.fhandle, f.root);
  assert.equal(f.nfsd.exportPath, realpathSync(f.exportDir));
});

test('MNT of a directory below the export gives its handle; files and missing paths fail', async () => {
  const sub = await f.mount.mnt(`${f.nfsd.exportPath}/sub/deeper`);
  assert.ok(sub.status === Mountstat3.MNT3_OK);
  const viaLookup = await lookupHandle(f.nfs, await lookupHandle(f.nfs, f.root, 'sub'), 'deeper');
  assert.deepEqual(sub.fhandle, viaLookup);
  assert.equal((await f.mount.mnt(`${f.nfsd.exportPath}/sub/file`)).status, Mountstat3.MNT3ERR_NOTDIR);
  assert.equal((await f.mount.mnt(`${f.nfsd.exportPath}/missing`)).status, Mountstat3.MNT3ERR_NOENT);
  assert.equal((await f.mount.mnt('/')).status, Mountstat3.MNT3ERR_NOENT);
});

test('an export named through a symlink mounts by that name and by its real path', async () => {
  const linked = join(f.base, 'export-link');
  symlinkSync(f.exportDir, linked);
  const viaLink = await startFixture({ base: f.base, extra: { exportDir: linked } });
  try {
    assert.equal(viaLink.nfsd.exportPath, linked);
    const byReal = await viaLink.mount.mnt(realpathSync(f.exportDir));
    assert.ok(byReal.status === Mountstat3.MNT3_OK);
    assert.deepEqual(byReal.fhandle, viaLink.root);
    // Same directory, same state: the same handles as the server that named it directly.
    assert.deepEqual(viaLink.root, f.root);
    assert.deepEqual(await viaLink.mount.export(), [{ dir: linked, groups: [] }]);
  } finally {
    await viaLink.stop();
  }
});

test('EXPORT lists the export for everyone; DUMP, UMNT and UMNTALL track mounts', async () => {
  assert.deepEqual(await f.mount.export(), [{ dir: f.nfsd.exportPath, groups: [] }]);
  await f.mount.mnt(f.nfsd.exportPath);
  const dumped = await f.mount.dump();
  assert.ok(dumped.some((m) => m.hostname === '127.0.0.1' && m.directory === f.nfsd.exportPath));
  await f.mount.umnt(f.nfsd.exportPath);
  assert.ok(!(await f.mount.dump()).some((m) => m.directory === f.nfsd.exportPath));
  await f.mount.mnt(`${f.nfsd.exportPath}/sub`);
  await f.mount.umntall();
  assert.deepEqual(await f.mount.dump(), []);
  await f.mount.null();
});

test('the portmapper on the NFS port points NFS and MOUNT at that port and refuses SET', async () => {
  const portmap = new PortmapClient(f.rpc);
  await portmap.null();
  for (const prot of [IpProto.TCP, IpProto.UDP]) {
    assert.equal(await portmap.getport({ prog: NFS_PROGRAM, vers: NFS_V3, prot, port: 0 }), f.nfsd.port);
    assert.equal(await portmap.getport({ prog: MOUNT_PROGRAM, vers: MOUNT_V3, prot, port: 0 }), f.nfsd.port);
  }
  assert.equal(await portmap.getport({ prog: NFS_PROGRAM, vers: 4, prot: IpProto.TCP, port: 0 }), 0);
  assert.equal(await portmap.getport({ prog: 100021, vers: 4, prot: IpProto.TCP, port: 0 }), 0);
  assert.equal(await portmap.set({ prog: 200000, vers: 1, prot: IpProto.TCP, port: 1234 }), false);
  assert.equal(await portmap.unset({ prog: NFS_PROGRAM, vers: NFS_V3, prot: IpProto.TCP, port: 0 }), false);
  const mappings = await portmap.dump();
  assert.equal(mappings.length, 6);
  assert.ok(mappings.some((m) => m.prog === PMAP_PROGRAM && m.vers === PMAP_V2 && m.port === f.nfsd.port));
});

test('NFS and MOUNT answer over UDP too; UDP READs are trimmed to fit a datagram', async () => {
  const udp = new RpcUdpClient({ host: '127.0.0.1', port: f.nfsd.port, credential: authSysCredential({ uid: 0, gid: 0 }), timeoutMs: 10_000 });
  try {
    const mounted = await new MountClient(udp).mnt(f.nfsd.exportPath);
    assert.ok(mounted.status === Mountstat3.MNT3_OK);
    const nfs = new Nfs3Client(udp);
    ok(await nfs.getattr({ object: mounted.fhandle }));
    const big = await lookupHandle(nfs, mounted.fhandle, 'big.bin');
    const read = ok(await nfs.read({ file: big, offset: 0, count: 1024 * 1024 }));
    assert.ok(read.count > 0 && read.count <= 60 * 1024, `UDP READ returned ${read.count} bytes`);
    assert.equal(read.eof, false);
    const listed = await nfs.readdirplus({ dir: mounted.fhandle, cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 1024 * 1024, maxcount: 1024 * 1024 });
    assert.equal(listed.status, Nfsstat3.NFS3_OK);
  } finally {
    await udp.close();
  }
});

test('with portmap on, a free portmapper port answers too; a taken one is skipped', async () => {
  // Port 0 stands in for 111 (taken by rpcbind on many hosts; tests use ephemeral ports).
  const extra = await startFixture({ extra: { portmap: true, portmapPort: 0 } });
  let blocker: Server | undefined;
  let blocked: Awaited<ReturnType<typeof startFixture>> | undefined;
  try {
    const pmPort = extra.nfsd.portmapPort;
    assert.ok(pmPort !== undefined && pmPort !== extra.nfsd.port);
    const client = new RpcTcpClient({ host: '127.0.0.1', port: pmPort });
    try {
      const portmap = new PortmapClient(client);
      assert.equal(await portmap.getport({ prog: NFS_PROGRAM, vers: NFS_V3, prot: IpProto.TCP, port: 0 }), extra.nfsd.port);
      assert.equal(await portmap.getport({ prog: PMAP_PROGRAM, vers: PMAP_V2, prot: IpProto.UDP, port: 0 }), pmPort);
    } finally {
      await client.close();
    }

    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(0, '127.0.0.1', resolve));
    const takenPort = (blocker.address() as { port: number }).port;
    blocked = await startFixture({ extra: { portmap: true, portmapPort: takenPort } });
    assert.equal(blocked.nfsd.portmapPort, undefined);
    ok(await blocked.nfs.getattr({ object: blocked.root }));
  } finally {
    await blocked?.close();
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    await extra.close();
  }
});
