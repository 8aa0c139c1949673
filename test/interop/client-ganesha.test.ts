/**
 * Our RPC, portmap, MOUNT and NFSv3 clients against an unmodified nfs-ganesha 4.3 (FSAL_VFS,
 * No_Root_Squash) in a private network namespace: every procedure of the three programs, each
 * result checked as decoded AND against the export directory the host sees on disk.
 *
 * Every call goes through a RecordingCaller; the last test proves all 22 NFSv3 procedures
 * (and every MOUNT and portmap procedure but SET/UNSET/CALLIT) got a reply our decoders
 * accepted, and that no call rejected (a decoder's XdrError would be an RpcProtocolError).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statfsSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fattr3, Nfstime3 } from '../../src/nfs/index.js';
import {
  Access3,
  Fsf3,
  Ftype3,
  IpProto,
  MOUNT_PROGRAM,
  MOUNT_V3,
  MountProc,
  Mountstat3,
  NFS3_MAX_DATA_BYTES,
  NFS_PROGRAM,
  NFS_V3,
  Nfs3Proc,
  Nfsstat3,
  PMAP_PORT,
  PMAP_PROGRAM,
  PMAP_V2,
  PmapProc,
  StableHow,
} from '../../src/nfs/index.js';
import { AuthFlavor, RpcProtocolError, authSysCredential } from '../../src/rpc/index.js';
import { XdrError } from '../../src/xdr/index.js';
import type { GaneshaInstance } from '../helpers/ganesha.js';
import { startGanesha } from '../helpers/ganesha.js';
import type { GaneshaClients, RecordedCall } from '../helpers/ganesha-client.js';
import { connectGaneshaClients, mountFails, nfsFails, nfsOk, sattr } from '../helpers/ganesha-client.js';

/** RPC program number of NLM (RFC 1813 section 6): ganesha.conf disables it, so rpcbind must not list it. */
const NLM_PROGRAM = 100021;
const NLM_V4 = 4;
const MANY_ENTRIES = 300;
const BIG_FILE_BYTES = 3 * 1024 * 1024 + 4567;

let scratch: string;
let exportDir: string;
let ganesha: GaneshaInstance;
let tcp: GaneshaClients;
let root: Buffer;
let bigPayload: Buffer;
const manyNames: string[] = [];

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function onDisk(...parts: string[]): string {
  return join(exportDir, ...parts);
}

/** nfstime3 as nanoseconds, to compare with fs.Stats (bigint) times. */
function nanos(time: Nfstime3): bigint {
  return BigInt(time.seconds) * 1_000_000_000n + BigInt(time.nseconds);
}

/** The decoded attributes agree with lstat of the same object on the host. */
function assertMatchesDisk(attrs: Fattr3 | undefined, path: string, what: string): void {
  assert.ok(attrs, `${what}: attributes present`);
  const stats = lstatSync(path, { bigint: true });
  assert.equal(attrs.fileid, stats.ino, `${what}: fileid is the inode number`);
  assert.equal(attrs.mode, Number(stats.mode & 0o7777n), `${what}: mode`);
  assert.equal(attrs.nlink, Number(stats.nlink), `${what}: nlink`);
  assert.equal(attrs.uid, Number(stats.uid), `${what}: uid`);
  assert.equal(attrs.gid, Number(stats.gid), `${what}: gid`);
  assert.equal(attrs.size, Number(stats.size), `${what}: size`);
  assert.equal(nanos(attrs.mtime), stats.mtimeNs, `${what}: mtime`);
  assert.equal(nanos(attrs.ctime), stats.ctimeNs, `${what}: ctime`);
}

async function lookup(dir: Buffer, name: string): Promise<Buffer> {
  return nfsOk(await tcp.nfs.lookup({ what: { dir, name } }), `LOOKUP ${name}`).object;
}

async function getattr(object: Buffer, what: string): Promise<Fattr3> {
  return nfsOk(await tcp.nfs.getattr({ object }), `GETATTR ${what}`).objAttributes;
}

/** CREATE GUARDED with a mode, then an optional FILE_SYNC WRITE of `data`. */
async function createFile(dir: Buffer, name: string, data?: Buffer): Promise<Buffer> {
  const created = nfsOk(
    await tcp.nfs.create({ where: { dir, name }, how: { mode: 'guarded', attributes: sattr({ mode: 0o644 }) } }),
    `CREATE ${name}`,
  );
  assert.ok(created.obj, `CREATE ${name} returns a handle`);
  if (data !== undefined) {
    const written = nfsOk(
      await tcp.nfs.write({ file: created.obj, offset: 0, count: data.length, stable: StableHow.FILE_SYNC, data }),
      `WRITE ${name}`,
    );
    assert.equal(written.count, data.length);
  }
  return created.obj;
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'rbh-client-ganesha-'));
  exportDir = join(scratch, 'export');
  mkdirSync(exportDir);
  bigPayload = randomBytes(BIG_FILE_BYTES);
  writeFileSync(onDisk('big.bin'), bigPayload);
  writeFileSync(onDisk('hello.txt'), 'hello, ganesha\n');
  writeFileSync(onDisk('secret.txt'), 'root only\n', { mode: 0o600 });
  symlinkSync('hello.txt', onDisk('host-link'));
  mkdirSync(onDisk('many'));
  for (let i = 0; i < MANY_ENTRIES; i++) {
    // Some multi-byte UTF-8 names, so paging boundaries fall on names of varying length.
    const name = i % 37 === 0 ? `entrée-${i}-ünïcødé` : `entry-${String(i).padStart(3, '0')}`;
    manyNames.push(name);
    writeFileSync(onDisk('many', name), String(i));
  }
  mkdirSync(onDisk('open'));
  chmodSync(onDisk('open'), 0o777);

  ganesha = await startGanesha({ exportDir });
  tcp = connectGaneshaClients(ganesha, 'tcp', { credential: authSysCredential() });
  const mounted = await tcp.mount.mnt(ganesha.exportPath);
  assert.equal(mounted.status, Mountstat3.MNT3_OK);
  assert.ok(mounted.status === Mountstat3.MNT3_OK);
  root = mounted.fhandle;
});

after(async () => {
  await tcp?.close();
  await ganesha?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('portmap: NULL, GETPORT of NFS and MOUNT over both protocols, DUMP of the namespace rpcbind', async () => {
  await tcp.portmap.null();
  const getport = (prog: number, vers: number, prot: number): Promise<number> => tcp.portmap.getport({ prog, vers, prot, port: 0 });
  assert.equal(await getport(NFS_PROGRAM, NFS_V3, IpProto.TCP), ganesha.nfsPort);
  assert.equal(await getport(NFS_PROGRAM, NFS_V3, IpProto.UDP), ganesha.nfsPort);
  assert.equal(await getport(MOUNT_PROGRAM, MOUNT_V3, IpProto.TCP), ganesha.mountPort);
  assert.equal(await getport(MOUNT_PROGRAM, MOUNT_V3, IpProto.UDP), ganesha.mountPort);
  assert.equal(await getport(PMAP_PROGRAM, PMAP_V2, IpProto.TCP), PMAP_PORT);
  assert.equal(await getport(NLM_PROGRAM, NLM_V4, IpProto.TCP), 0, 'NLM is disabled, so unregistered');

  const mappings = await tcp.portmap.dump();
  const has = (prog: number, vers: number, prot: number, port: number): boolean =>
    mappings.some((m) => m.prog === prog && m.vers === vers && m.prot === prot && m.port === port);
  for (const prot of [IpProto.TCP, IpProto.UDP]) {
    assert.ok(has(NFS_PROGRAM, NFS_V3, prot, ganesha.nfsPort), `DUMP lists NFS v3 prot ${prot}`);
    assert.ok(has(MOUNT_PROGRAM, MOUNT_V3, prot, ganesha.mountPort), `DUMP lists MOUNT v3 prot ${prot}`);
    assert.ok(has(PMAP_PROGRAM, PMAP_V2, prot, PMAP_PORT), `DUMP lists the portmapper itself, prot ${prot}`);
  }
  assert.ok(!mappings.some((m) => m.prog === NLM_PROGRAM), 'no NLM mapping');
  assert.ok(!mappings.some((m) => m.prog === NFS_PROGRAM && m.vers !== NFS_V3), 'Protocols = 3: no NFSv4 mapping');
});

test('MOUNT: NULL, EXPORT, MNT (and its failure), DUMP, UMNT, UMNTALL', async (t) => {
  await tcp.mount.null();
  const exports = await tcp.mount.export();
  assert.deepEqual(
    exports.map((e) => e.dir),
    [ganesha.exportPath],
  );

  const mounted = await tcp.mount.mnt(ganesha.exportPath);
  assert.ok(mounted.status === Mountstat3.MNT3_OK);
  assert.deepEqual(mounted.fhandle, root, 'MNT of the same path returns the same root handle');
  assert.ok(mounted.authFlavors.includes(AuthFlavor.AUTH_SYS), `auth flavors ${mounted.authFlavors.join(',')}`);
  mountFails(await tcp.mount.mnt('/no/such/export'), [Mountstat3.MNT3ERR_NOENT, Mountstat3.MNT3ERR_ACCES], 'MNT of an unexported path');

  // ganesha 4.3 keeps no mount list (DUMP answers an empty list); whatever it lists must be our export.
  const dump = await tcp.mount.dump();
  t.diagnostic(`MOUNT DUMP after MNT: ${JSON.stringify(dump)}; EXPORT: ${JSON.stringify(exports)}`);
  for (const entry of dump) assert.equal(entry.directory, ganesha.exportPath);

  await tcp.mount.umnt(ganesha.exportPath);
  await tcp.mount.umntall();
  // NFSv3 is stateless: the root handle stays usable after UMNT.
  assertMatchesDisk(await getattr(root, 'root after UMNT'), exportDir, 'root');
});

test('NFS NULL and GETATTR of the root and a file match lstat on the host', async () => {
  await tcp.nfs.null();
  const rootAttrs = await getattr(root, 'root');
  assert.equal(rootAttrs.type, Ftype3.NF3DIR);
  assertMatchesDisk(rootAttrs, exportDir, 'root');
  const hello = await getattr(await lookup(root, 'hello.txt'), 'hello.txt');
  assert.equal(hello.type, Ftype3.NF3REG);
  assertMatchesDisk(hello, onDisk('hello.txt'), 'hello.txt');
  assert.equal(hello.fsid, rootAttrs.fsid, 'one file system, one fsid');
});

test('LOOKUP: a hit with attributes, a miss is NOENT, inside a file is NOTDIR, an overlong name NAMETOOLONG', async () => {
  const hit = nfsOk(await tcp.nfs.lookup({ what: { dir: root, name: 'big.bin' } }), 'LOOKUP big.bin');
  assertMatchesDisk(hit.objAttributes, onDisk('big.bin'), 'big.bin');
  assert.ok(hit.dirAttributes);
  assert.equal(hit.dirAttributes.fileid, lstatSync(exportDir, { bigint: true }).ino);

  const miss = await tcp.nfs.lookup({ what: { dir: root, name: 'missing' } });
  nfsFails(miss, [Nfsstat3.NFS3ERR_NOENT], 'LOOKUP missing');
  assert.ok(miss.status !== Nfsstat3.NFS3_OK && miss.dirAttributes, 'a miss still carries the directory attributes');

  nfsFails(await tcp.nfs.lookup({ what: { dir: hit.object, name: 'x' } }), [Nfsstat3.NFS3ERR_NOTDIR], 'LOOKUP in a file');
  nfsFails(await tcp.nfs.lookup({ what: { dir: root, name: 'n'.repeat(300) } }), [Nfsstat3.NFS3ERR_NAMETOOLONG], 'LOOKUP 300-byte name');
});

test('ACCESS: root gets everything it asks for; uid 65534 gets nothing on a 0600 root file', async () => {
  const all = Access3.READ | Access3.LOOKUP | Access3.MODIFY | Access3.EXTEND | Access3.DELETE | Access3.EXECUTE;
  const dir = nfsOk(await tcp.nfs.access({ object: root, access: all }), 'ACCESS root');
  assertMatchesDisk(dir.objAttributes, exportDir, 'root');
  const dirWanted = Access3.READ | Access3.LOOKUP | Access3.MODIFY | Access3.EXTEND | Access3.DELETE;
  assert.equal(dir.access & dirWanted, dirWanted, `root dir access ${dir.access.toString(16)}`);

  const secret = await lookup(root, 'secret.txt');
  const fileWanted = Access3.READ | Access3.MODIFY | Access3.EXTEND;
  const asRoot = nfsOk(await tcp.nfs.access({ object: secret, access: fileWanted }), 'ACCESS secret as root');
  assert.equal(asRoot.access, fileWanted);
  const nobody = authSysCredential({ uid: 65534, gid: 65534 });
  const asNobody = nfsOk(await tcp.nfs.access({ object: secret, access: fileWanted }, { credential: nobody }), 'ACCESS secret as nobody');
  assert.equal(asNobody.access, 0, `nobody's access ${asNobody.access.toString(16)}`);
  // And the READ itself is refused for nobody.
  nfsFails(await tcp.nfs.read({ file: secret, offset: 0, count: 10 }, { credential: nobody }), [Nfsstat3.NFS3ERR_ACCES, Nfsstat3.NFS3ERR_PERM], 'READ as nobody');
});

test('READ: 1 MiB chunks of a host-written file, short read at the end with eof, reads at and past EOF', async (t) => {
  const fsinfo = nfsOk(await tcp.nfs.fsinfo({ fsroot: root }), 'FSINFO');
  // ganesha advertises rtmax 64 MiB; our decoder's bound is 1 MiB, so a client reads min(rtmax, 1 MiB).
  const chunk = Math.min(fsinfo.rtmax, NFS3_MAX_DATA_BYTES);
  t.diagnostic(`rtmax ${fsinfo.rtmax}, reading ${chunk} bytes per call`);
  assert.equal(chunk, NFS3_MAX_DATA_BYTES, 'ganesha allows 1 MiB reads');
  const file = await lookup(root, 'big.bin');
  const parts: Buffer[] = [];
  let offset = 0;
  let eof = false;
  let calls = 0;
  while (!eof) {
    const read = nfsOk(await tcp.nfs.read({ file, offset, count: chunk }), `READ @${offset}`);
    calls++;
    assert.equal(read.count, read.data.length);
    assert.ok(read.count === chunk || read.eof, 'only the last read is short');
    assertMatchesDisk(read.fileAttributes, onDisk('big.bin'), 'big.bin');
    parts.push(read.data);
    offset += read.count;
    eof = read.eof;
  }
  assert.equal(calls, Math.ceil(BIG_FILE_BYTES / chunk));
  assert.equal(offset, BIG_FILE_BYTES);
  assert.equal(sha256(Buffer.concat(parts)), sha256(bigPayload));

  for (const at of [BIG_FILE_BYTES, BIG_FILE_BYTES + 100_000]) {
    const past = nfsOk(await tcp.nfs.read({ file, offset: at, count: 4096 }), `READ @${at}`);
    assert.equal(past.count, 0);
    assert.equal(past.data.length, 0);
    assert.equal(past.eof, true);
  }
  const middle = nfsOk(await tcp.nfs.read({ file, offset: 12_345, count: 777 }), 'READ middle');
  assert.deepEqual(middle.data, bigPayload.subarray(12_345, 12_345 + 777));
  assert.equal(middle.eof, false);

  nfsFails(await tcp.nfs.read({ file: root, offset: 0, count: 10 }), [Nfsstat3.NFS3ERR_ISDIR, Nfsstat3.NFS3ERR_INVAL], 'READ of a directory');
});

test('WRITE: UNSTABLE chunks then COMMIT with the same verifier, FILE_SYNC, a write past EOF leaves a hole', async () => {
  const file = await createFile(root, 'written.bin');
  const payload = randomBytes(3 * 65_536 + 10);
  const verifiers = new Set<string>();
  for (let offset = 0; offset < payload.length; offset += 65_536) {
    const data = payload.subarray(offset, offset + 65_536);
    const written = nfsOk(
      await tcp.nfs.write({ file, offset, count: data.length, stable: StableHow.UNSTABLE, data }),
      `WRITE UNSTABLE @${offset}`,
    );
    assert.equal(written.count, data.length);
    assert.ok(written.committed >= StableHow.UNSTABLE);
    assert.equal(written.verf.length, 8);
    verifiers.add(written.verf.toString('hex'));
    assert.equal(written.fileWcc.after?.size, offset + data.length, 'wcc after size grows');
  }
  assert.equal(verifiers.size, 1, 'one write verifier while the server runs');
  const committed = nfsOk(await tcp.nfs.commit({ file, offset: 0, count: 0 }), 'COMMIT');
  assert.ok(verifiers.has(committed.verf.toString('hex')), 'COMMIT returns the WRITE verifier');
  assertMatchesDisk(committed.fileWcc.after, onDisk('written.bin'), 'written.bin after COMMIT');
  assert.equal(sha256(readFileSync(onDisk('written.bin'))), sha256(payload));
  // A ranged COMMIT answers the same verifier.
  const ranged = nfsOk(await tcp.nfs.commit({ file, offset: 65_536, count: 65_536 }), 'COMMIT range');
  assert.deepEqual(ranged.verf, committed.verf);

  // FILE_SYNC overwrite in the middle, then a write past EOF.
  const patch = Buffer.from('PATCHED');
  const sync = nfsOk(await tcp.nfs.write({ file, offset: 100, count: patch.length, stable: StableHow.FILE_SYNC, data: patch }), 'WRITE FILE_SYNC');
  assert.equal(sync.committed, StableHow.FILE_SYNC);
  assert.equal(sync.count, patch.length);
  // ganesha's WRITE wcc_data has post-op attributes only (no pre_op_attr).
  assertMatchesDisk(sync.fileWcc.after, onDisk('written.bin'), 'written.bin after FILE_SYNC');
  const far = payload.length + 5000;
  const dataSync = nfsOk(await tcp.nfs.write({ file, offset: far, count: 3, stable: StableHow.DATA_SYNC, data: Buffer.from('end') }), 'WRITE past EOF');
  assert.ok(dataSync.committed >= StableHow.DATA_SYNC, 'at least as stable as asked');
  const expected = Buffer.concat([payload, Buffer.alloc(5000), Buffer.from('end')]);
  patch.copy(expected, 100);
  assert.deepEqual(readFileSync(onDisk('written.bin')), expected);

  // One 1 MiB WRITE (ganesha advertises wtmax 64 MiB), read back over NFS.
  const mib = randomBytes(NFS3_MAX_DATA_BYTES);
  const big = nfsOk(await tcp.nfs.write({ file, offset: 0, count: mib.length, stable: StableHow.FILE_SYNC, data: mib }), 'WRITE 1 MiB');
  assert.equal(big.count, mib.length);
  assert.deepEqual(readFileSync(onDisk('written.bin')).subarray(0, mib.length), mib);
  nfsFails(await tcp.nfs.write({ file: root, offset: 0, count: 1, stable: StableHow.FILE_SYNC, data: Buffer.from('x') }), [Nfsstat3.NFS3ERR_ISDIR, Nfsstat3.NFS3ERR_INVAL], 'WRITE to a directory');
});

test('SETATTR: mode, owner, truncate, extend, client and server times, guard', async () => {
  const file = await createFile(root, 'setattr.bin', Buffer.from('0123456789'));
  const path = onDisk('setattr.bin');

  const mode = nfsOk(await tcp.nfs.setattr({ object: file, newAttributes: sattr({ mode: 0o4751 }), guard: undefined }), 'SETATTR mode');
  assert.equal(lstatSync(path).mode & 0o7777, 0o4751);
  assertMatchesDisk(mode.objWcc.after, path, 'after mode');
  assert.ok(mode.objWcc.before, 'wcc before attributes');

  nfsOk(await tcp.nfs.setattr({ object: file, newAttributes: sattr({ uid: 1234, gid: 4321 }), guard: undefined }), 'SETATTR owner');
  assert.equal(lstatSync(path).uid, 1234);
  assert.equal(lstatSync(path).gid, 4321);
  // chown(2) clears set-user-ID, as on any Linux file system.
  assert.equal(lstatSync(path).mode & 0o7777, 0o751);

  const truncated = nfsOk(await tcp.nfs.setattr({ object: file, newAttributes: sattr({ size: 4 }), guard: undefined }), 'SETATTR truncate');
  assert.equal(truncated.objWcc.before?.size, 10);
  assert.equal(truncated.objWcc.after?.size, 4);
  assert.equal(readFileSync(path, 'latin1'), '0123');

  nfsOk(await tcp.nfs.setattr({ object: file, newAttributes: sattr({ size: 10_000 }), guard: undefined }), 'SETATTR extend');
  const extended = readFileSync(path);
  assert.equal(extended.length, 10_000);
  assert.deepEqual(extended.subarray(4), Buffer.alloc(10_000 - 4), 'the extension reads as zeros');

  const atime = { seconds: 1_000_000_000, nseconds: 123_456_789 };
  const mtime = { seconds: 1_200_000_000, nseconds: 987_654_321 };
  const times = nfsOk(
    await tcp.nfs.setattr({ object: file, newAttributes: sattr({ atime: { how: 'client', time: atime }, mtime: { how: 'client', time: mtime } }), guard: undefined }),
    'SETATTR client times',
  );
  const stats = lstatSync(path, { bigint: true });
  assert.equal(stats.atimeNs, nanos(atime));
  assert.equal(stats.mtimeNs, nanos(mtime));
  assert.deepEqual(times.objWcc.after?.mtime, mtime);

  const before = Date.now();
  nfsOk(await tcp.nfs.setattr({ object: file, newAttributes: sattr({ atime: { how: 'server' }, mtime: { how: 'server' } }), guard: undefined }), 'SETATTR server times');
  assert.ok(Math.abs(lstatSync(path).mtimeMs - before) < 5000, 'mtime set to the server clock');

  // Guard (sattrguard3): a stale ctime is NOT_SYNC and changes nothing; the current one passes.
  const current = await getattr(file, 'setattr.bin');
  const stale = await tcp.nfs.setattr({ object: file, newAttributes: sattr({ mode: 0o600 }), guard: { seconds: 1, nseconds: 2 } });
  nfsFails(stale, [Nfsstat3.NFS3ERR_NOT_SYNC], 'SETATTR stale guard');
  assert.equal(lstatSync(path).mode & 0o7777, 0o751, 'a NOT_SYNC SETATTR changes nothing');
  nfsOk(await tcp.nfs.setattr({ object: file, newAttributes: sattr({ mode: 0o600 }), guard: current.ctime }), 'SETATTR matching guard');
  assert.equal(lstatSync(path).mode & 0o7777, 0o600);

  // ganesha answers BADTYPE here (RFC 1813 suggests INVAL; Linux knfsd says ISDIR).
  nfsFails(
    await tcp.nfs.setattr({ object: root, newAttributes: sattr({ size: 0 }), guard: undefined }),
    [Nfsstat3.NFS3ERR_ISDIR, Nfsstat3.NFS3ERR_INVAL, Nfsstat3.NFS3ERR_BADTYPE],
    'SETATTR size of a directory',
  );
});

test('CREATE: UNCHECKED (twice), GUARDED on an existing name is EXIST, EXCLUSIVE is idempotent per verifier', async () => {
  const unchecked = nfsOk(
    await tcp.nfs.create({ where: { dir: root, name: 'unchecked.txt' }, how: { mode: 'unchecked', attributes: sattr({ mode: 0o640 }) } }),
    'CREATE UNCHECKED',
  );
  assert.ok(unchecked.obj);
  assertMatchesDisk(unchecked.objAttributes, onDisk('unchecked.txt'), 'unchecked.txt');
  assert.equal(lstatSync(onDisk('unchecked.txt')).mode & 0o7777, 0o640);
  assert.ok(unchecked.dirWcc.after, 'directory wcc after');
  writeFileSync(onDisk('unchecked.txt'), 'some bytes');
  // UNCHECKED on an existing file succeeds; a size in the attributes truncates it.
  const again = nfsOk(
    await tcp.nfs.create({ where: { dir: root, name: 'unchecked.txt' }, how: { mode: 'unchecked', attributes: sattr({ size: 0 }) } }),
    'CREATE UNCHECKED existing',
  );
  assert.equal(again.objAttributes?.fileid, unchecked.objAttributes?.fileid, 'same file');
  assert.equal(lstatSync(onDisk('unchecked.txt')).size, 0);

  const guarded = await tcp.nfs.create({ where: { dir: root, name: 'hello.txt' }, how: { mode: 'guarded', attributes: sattr() } });
  nfsFails(guarded, [Nfsstat3.NFS3ERR_EXIST], 'CREATE GUARDED existing');
  assert.equal(readFileSync(onDisk('hello.txt'), 'utf8'), 'hello, ganesha\n', 'untouched');

  const verf = Buffer.from('rowboot!');
  const first = nfsOk(await tcp.nfs.create({ where: { dir: root, name: 'exclusive.txt' }, how: { mode: 'exclusive', verf } }), 'CREATE EXCLUSIVE');
  assert.ok(first.obj);
  assert.ok(existsSync(onDisk('exclusive.txt')));
  // A retransmission (same verifier) finds the file it created; another verifier is EXIST.
  const retry = nfsOk(await tcp.nfs.create({ where: { dir: root, name: 'exclusive.txt' }, how: { mode: 'exclusive', verf } }), 'CREATE EXCLUSIVE retry');
  assert.ok(retry.obj);
  assert.equal((await getattr(retry.obj, 'exclusive retry')).fileid, (await getattr(first.obj, 'exclusive')).fileid);
  nfsFails(
    await tcp.nfs.create({ where: { dir: root, name: 'exclusive.txt' }, how: { mode: 'exclusive', verf: Buffer.from('another!') } }),
    [Nfsstat3.NFS3ERR_EXIST],
    'CREATE EXCLUSIVE other verifier',
  );
  // RFC 1813 section 3.3.8: after an exclusive create the client sets the real attributes.
  const fixed = nfsOk(
    await tcp.nfs.setattr({ object: first.obj, newAttributes: sattr({ mode: 0o604, atime: { how: 'server' }, mtime: { how: 'server' } }), guard: undefined }),
    'SETATTR after EXCLUSIVE',
  );
  assertMatchesDisk(fixed.objWcc.after, onDisk('exclusive.txt'), 'exclusive.txt');
  assert.equal(lstatSync(onDisk('exclusive.txt')).mode & 0o7777, 0o604);

  // AUTH_SYS uid/gid become the owner of what a non-root caller creates.
  const open = await lookup(root, 'open');
  const user = authSysCredential({ uid: 1000, gid: 1000 });
  const owned = nfsOk(
    await tcp.nfs.create({ where: { dir: open, name: 'users.txt' }, how: { mode: 'guarded', attributes: sattr({ mode: 0o600 }) } }, { credential: user }),
    'CREATE as uid 1000',
  );
  assert.equal(lstatSync(onDisk('open', 'users.txt')).uid, 1000);
  assert.equal(lstatSync(onDisk('open', 'users.txt')).gid, 1000);
  assert.equal(owned.objAttributes?.uid, 1000);
});

test('MKDIR, SYMLINK, READLINK and MKNOD (FIFO, CHR, wrong type) create what the host sees', async () => {
  const made = nfsOk(await tcp.nfs.mkdir({ where: { dir: root, name: 'made' }, attributes: sattr({ mode: 0o750 }) }), 'MKDIR');
  assert.ok(made.obj);
  assert.ok(lstatSync(onDisk('made')).isDirectory());
  assert.equal(lstatSync(onDisk('made')).mode & 0o7777, 0o750);
  assertMatchesDisk(made.objAttributes, onDisk('made'), 'made');
  assert.equal(made.dirWcc.after?.nlink, Number(lstatSync(exportDir).nlink), 'parent nlink counts the new subdirectory');
  nfsFails(await tcp.nfs.mkdir({ where: { dir: root, name: 'made' }, attributes: sattr() }), [Nfsstat3.NFS3ERR_EXIST], 'MKDIR existing');

  const target = '../hello.txt';
  const link = nfsOk(
    await tcp.nfs.symlink({ where: { dir: made.obj, name: 'up-link' }, symlink: { symlinkAttributes: sattr(), symlinkData: target } }),
    'SYMLINK',
  );
  assert.ok(link.obj);
  assert.equal(readlinkSync(onDisk('made', 'up-link')), target);
  assert.equal(link.objAttributes?.type, Ftype3.NF3LNK);
  const read = nfsOk(await tcp.nfs.readlink({ symlink: link.obj }), 'READLINK');
  assert.equal(read.data, target);
  assertMatchesDisk(read.symlinkAttributes, onDisk('made', 'up-link'), 'up-link');
  const hostLink = nfsOk(await tcp.nfs.readlink({ symlink: await lookup(root, 'host-link') }), 'READLINK host-link');
  assert.equal(hostLink.data, 'hello.txt');
  nfsFails(await tcp.nfs.readlink({ symlink: await lookup(root, 'hello.txt') }), [Nfsstat3.NFS3ERR_INVAL], 'READLINK of a file');

  const fifo = nfsOk(
    await tcp.nfs.mknod({ where: { dir: made.obj, name: 'fifo' }, what: { type: Ftype3.NF3FIFO, pipeAttributes: sattr({ mode: 0o620 }) } }),
    'MKNOD FIFO',
  );
  assert.ok(lstatSync(onDisk('made', 'fifo')).isFIFO());
  assert.equal(fifo.objAttributes?.type, Ftype3.NF3FIFO);
  assertMatchesDisk(fifo.objAttributes, onDisk('made', 'fifo'), 'fifo');

  // Root may make devices: 1,3 is /dev/null's number.
  const chr = nfsOk(
    await tcp.nfs.mknod({
      where: { dir: made.obj, name: 'null' },
      what: { type: Ftype3.NF3CHR, devAttributes: sattr({ mode: 0o666 }), spec: { specdata1: 1, specdata2: 3 } },
    }),
    'MKNOD CHR',
  );
  const chrStats = lstatSync(onDisk('made', 'null'));
  assert.ok(chrStats.isCharacterDevice());
  assert.equal(chrStats.rdev, (1 << 8) | 3, 'rdev 1,3 on disk');
  assert.deepEqual(chr.objAttributes?.rdev, { specdata1: 1, specdata2: 3 });
  assert.equal(chr.objAttributes?.type, Ftype3.NF3CHR);

  const sock = nfsOk(
    await tcp.nfs.mknod({ where: { dir: made.obj, name: 'sock' }, what: { type: Ftype3.NF3SOCK, pipeAttributes: sattr({ mode: 0o600 }) } }),
    'MKNOD SOCK',
  );
  assert.ok(lstatSync(onDisk('made', 'sock')).isSocket());
  assert.equal(sock.objAttributes?.type, Ftype3.NF3SOCK);

  nfsFails(
    await tcp.nfs.mknod({ where: { dir: made.obj, name: 'regular' }, what: { type: Ftype3.NF3REG } }),
    [Nfsstat3.NFS3ERR_BADTYPE],
    'MKNOD of a regular file',
  );
  assert.equal(existsSync(onDisk('made', 'regular')), false);
});

test('LINK, RENAME, REMOVE and RMDIR change the tree the host sees', async () => {
  const source = await createFile(root, 'linked.txt', Buffer.from('shared'));
  const linked = nfsOk(await tcp.nfs.link({ file: source, link: { dir: root, name: 'hard.txt' } }), 'LINK');
  assert.equal(lstatSync(onDisk('hard.txt')).ino, lstatSync(onDisk('linked.txt')).ino);
  assert.equal(lstatSync(onDisk('linked.txt')).nlink, 2);
  assert.equal(linked.fileAttributes?.nlink, 2);
  assert.ok(linked.linkdirWcc.after);
  nfsFails(await tcp.nfs.link({ file: source, link: { dir: root, name: 'hello.txt' } }), [Nfsstat3.NFS3ERR_EXIST], 'LINK onto an existing name');

  mkdirSync(onDisk('dest'));
  const dest = await lookup(root, 'dest');
  const renamed = nfsOk(await tcp.nfs.rename({ from: { dir: root, name: 'hard.txt' }, to: { dir: dest, name: 'moved.txt' } }), 'RENAME across dirs');
  assert.ok(renamed.fromdirWcc.after && renamed.todirWcc.after);
  assert.equal(existsSync(onDisk('hard.txt')), false);
  assert.equal(readFileSync(onDisk('dest', 'moved.txt'), 'utf8'), 'shared');
  writeFileSync(onDisk('dest', 'victim.txt'), 'replaced');
  nfsOk(await tcp.nfs.rename({ from: { dir: dest, name: 'moved.txt' }, to: { dir: dest, name: 'victim.txt' } }), 'RENAME over a file');
  assert.equal(readFileSync(onDisk('dest', 'victim.txt'), 'utf8'), 'shared');
  assert.equal(existsSync(onDisk('dest', 'moved.txt')), false);
  nfsFails(await tcp.nfs.rename({ from: { dir: root, name: 'nothing' }, to: { dir: dest, name: 'x' } }), [Nfsstat3.NFS3ERR_NOENT], 'RENAME missing');
  mkdirSync(onDisk('full'));
  writeFileSync(onDisk('full', 'inside'), '');
  mkdirSync(onDisk('other'));
  writeFileSync(onDisk('other', 'inside'), '');
  nfsFails(
    await tcp.nfs.rename({ from: { dir: root, name: 'other' }, to: { dir: root, name: 'full' } }),
    [Nfsstat3.NFS3ERR_EXIST, Nfsstat3.NFS3ERR_NOTEMPTY],
    'RENAME a directory onto a non-empty one',
  );

  const linkedAttrs = await getattr(source, 'linked.txt');
  const removed = nfsOk(await tcp.nfs.remove({ object: { dir: root, name: 'linked.txt' } }), 'REMOVE');
  assert.equal(existsSync(onDisk('linked.txt')), false);
  assert.ok(removed.dirWcc.after);
  // The other name keeps the inode alive: the handle still works, nlink dropped to 1.
  const survivor = await getattr(source, 'linked.txt after REMOVE');
  assert.equal(survivor.fileid, linkedAttrs.fileid);
  assert.equal(survivor.nlink, 1);
  nfsFails(await tcp.nfs.remove({ object: { dir: root, name: 'linked.txt' } }), [Nfsstat3.NFS3ERR_NOENT], 'REMOVE missing');
  nfsFails(await tcp.nfs.remove({ object: { dir: root, name: 'full' } }), [Nfsstat3.NFS3ERR_ISDIR, Nfsstat3.NFS3ERR_NOTEMPTY], 'REMOVE a directory');

  nfsFails(await tcp.nfs.rmdir({ object: { dir: root, name: 'full' } }), [Nfsstat3.NFS3ERR_NOTEMPTY], 'RMDIR non-empty');
  assert.ok(existsSync(onDisk('full', 'inside')));
  nfsFails(await tcp.nfs.rmdir({ object: { dir: root, name: 'hello.txt' } }), [Nfsstat3.NFS3ERR_NOTDIR], 'RMDIR of a file');
  mkdirSync(onDisk('empty'));
  const emptyHandle = await lookup(root, 'empty');
  const rmdir = nfsOk(await tcp.nfs.rmdir({ object: { dir: root, name: 'empty' } }), 'RMDIR');
  assert.equal(existsSync(onDisk('empty')), false);
  assert.ok(rmdir.dirWcc.after);
  nfsFails(await tcp.nfs.getattr({ object: emptyHandle }), [Nfsstat3.NFS3ERR_STALE], 'GETATTR of a removed directory');
});

test(`READDIR pages through ${MANY_ENTRIES} entries with small counts: every name once, cookies and cookieverf passed back`, async (t) => {
  const dir = await lookup(root, 'many');
  const dirIno = lstatSync(onDisk('many'), { bigint: true }).ino;
  const seen = new Map<string, number>();
  const cookies = new Set<bigint>();
  const verifiers = new Set<string>();
  let cookie = 0n;
  let cookieverf: Buffer = Buffer.alloc(8);
  let pages = 0;
  for (let eof = false; !eof; ) {
    const page = nfsOk(await tcp.nfs.readdir({ dir, cookie, cookieverf, count: 512 }), `READDIR page ${pages}`);
    pages++;
    verifiers.add(page.cookieverf.toString('hex'));
    assert.ok(pages < 200, 'READDIR terminates');
    assert.equal(page.dirAttributes?.fileid, dirIno);
    assert.ok(page.entries.length > 0 || page.eof, 'a page makes progress');
    for (const entry of page.entries) {
      seen.set(entry.name, (seen.get(entry.name) ?? 0) + 1);
      assert.ok(!cookies.has(entry.cookie), `cookie ${entry.cookie} is unique`);
      cookies.add(entry.cookie);
      if (entry.name !== '.' && entry.name !== '..') {
        assert.equal(entry.fileid, lstatSync(onDisk('many', entry.name), { bigint: true }).ino, `fileid of ${entry.name}`);
      }
    }
    const last = page.entries.at(-1);
    if (last) cookie = last.cookie;
    cookieverf = page.cookieverf;
    eof = page.eof;
  }
  t.diagnostic(`READDIR: ${pages} pages of count 512; cookieverf ${cookieverf.toString('hex')}; last cookie ${cookie}`);
  assert.ok(pages >= 10, `small counts force paging (${pages} pages)`);
  assert.equal(verifiers.size, 1, 'one cookieverf for an unchanged directory');
  for (const name of manyNames) assert.equal(seen.get(name), 1, `${name} listed once`);
  const extra = [...seen.keys()].filter((name) => !manyNames.includes(name));
  assert.deepEqual(extra.sort(), ['.', '..'], 'besides the files, only . and ..');

  // RFC 1813 allows TOOSMALL here; ganesha 4.3 never sends it: it answers OK with what fits
  // (only . and .., or nothing at count 0) and eof FALSE, so a client must not loop on empty pages.
  for (const count of [0, 16]) {
    const tiny = await tcp.nfs.readdir({ dir, cookie: 0n, cookieverf: Buffer.alloc(8), count });
    if (tiny.status === Nfsstat3.NFS3_OK) {
      t.diagnostic(`READDIR count ${count}: OK, ${tiny.entries.length} entries, eof ${tiny.eof}`);
      assert.ok(tiny.entries.length <= 2 && !tiny.eof, `count ${count} gives at most . and ..`);
    } else {
      nfsFails(tiny, [Nfsstat3.NFS3ERR_TOOSMALL], `READDIR count ${count}`);
    }
  }
  nfsFails(await tcp.nfs.readdir({ dir: await lookup(root, 'hello.txt'), cookie: 0n, cookieverf: Buffer.alloc(8), count: 4096 }), [Nfsstat3.NFS3ERR_NOTDIR], 'READDIR of a file');
});

test('READDIRPLUS pages with small dircount/maxcount; handles and attributes match the disk', async () => {
  const dir = await lookup(root, 'many');
  const seen = new Map<string, number>();
  let cookie = 0n;
  let cookieverf: Buffer = Buffer.alloc(8);
  let pages = 0;
  let someHandle: { name: string; handle: Buffer } | undefined;
  for (let eof = false; !eof; ) {
    const page = nfsOk(await tcp.nfs.readdirplus({ dir, cookie, cookieverf, dircount: 512, maxcount: 4096 }), `READDIRPLUS page ${pages}`);
    pages++;
    assert.ok(pages < 200, 'READDIRPLUS terminates');
    assert.ok(page.entries.length > 0 || page.eof, 'a page makes progress');
    for (const entry of page.entries) {
      seen.set(entry.name, (seen.get(entry.name) ?? 0) + 1);
      if (entry.name === '.' || entry.name === '..') continue;
      assert.ok(entry.nameHandle, `${entry.name} has a handle`);
      assert.equal(entry.nameAttributes?.fileid, entry.fileid);
      assertMatchesDisk(entry.nameAttributes, onDisk('many', entry.name), entry.name);
      someHandle ??= { name: entry.name, handle: entry.nameHandle };
    }
    const last = page.entries.at(-1);
    if (last) cookie = last.cookie;
    cookieverf = page.cookieverf;
    eof = page.eof;
  }
  assert.ok(pages >= 10, `small counts force paging (${pages} pages)`);
  for (const name of manyNames) assert.equal(seen.get(name), 1, `${name} listed once`);
  assert.equal(seen.size, manyNames.length + 2);

  // A handle from READDIRPLUS is as good as one from LOOKUP.
  assert.ok(someHandle);
  const read = nfsOk(await tcp.nfs.read({ file: someHandle.handle, offset: 0, count: 100 }), 'READ via a READDIRPLUS handle');
  assert.equal(read.data.toString(), readFileSync(onDisk('many', someHandle.name), 'utf8'));
});

test('FSSTAT, FSINFO and PATHCONF describe the exported file system', async (t) => {
  const fsstat = nfsOk(await tcp.nfs.fsstat({ fsroot: root }), 'FSSTAT');
  const statfs = statfsSync(exportDir);
  assert.equal(fsstat.tbytes, statfs.blocks * statfs.bsize, 'tbytes = blocks * bsize');
  assert.equal(fsstat.tfiles, statfs.files, 'tfiles = inodes');
  assert.ok(fsstat.abytes <= fsstat.fbytes && fsstat.fbytes <= fsstat.tbytes);
  assert.ok(fsstat.afiles <= fsstat.tfiles && fsstat.ffiles <= fsstat.tfiles);
  assertMatchesDisk(fsstat.objAttributes, exportDir, 'root');

  const fsinfo = nfsOk(await tcp.nfs.fsinfo({ fsroot: root }), 'FSINFO');
  t.diagnostic(`FSINFO ${JSON.stringify({ ...fsinfo, objAttributes: undefined })}`);
  assert.ok(fsinfo.rtmax >= fsinfo.rtpref && fsinfo.rtpref > 0);
  assert.ok(fsinfo.wtmax >= fsinfo.wtpref && fsinfo.wtpref > 0);
  assert.ok(fsinfo.dtpref > 0);
  const expected = Fsf3.LINK | Fsf3.SYMLINK | Fsf3.HOMOGENEOUS | Fsf3.CANSETTIME;
  assert.equal(fsinfo.properties & expected, expected, `properties ${fsinfo.properties}`);
  // ganesha reports an unlimited maxfilesize above 2^53; our decoder saturates it.
  assert.equal(fsinfo.maxfilesize, Number.MAX_SAFE_INTEGER);
  assert.ok(fsinfo.timeDelta.seconds <= 1);

  const pathconf = nfsOk(await tcp.nfs.pathconf({ object: root }), 'PATHCONF');
  t.diagnostic(`PATHCONF ${JSON.stringify({ ...pathconf, objAttributes: undefined })}`);
  assert.ok(pathconf.linkmax >= 1);
  assert.ok(pathconf.nameMax >= 255);
  assert.equal(pathconf.noTrunc, true);
  assert.equal(pathconf.caseInsensitive, false);
  assert.equal(pathconf.casePreserving, true);
  assertMatchesDisk(pathconf.objAttributes, exportDir, 'root');
});

test('a random handle is BADHANDLE or STALE for every procedure that takes one', async () => {
  // Same length as ganesha's own handles, so only the contents are wrong.
  const bad = randomBytes(root.length);
  const bads = [Nfsstat3.NFS3ERR_BADHANDLE, Nfsstat3.NFS3ERR_STALE];
  const where = { dir: bad, name: 'x' };
  const results: [string, { status: number }][] = [
    ['GETATTR', await tcp.nfs.getattr({ object: bad })],
    ['SETATTR', await tcp.nfs.setattr({ object: bad, newAttributes: sattr({ mode: 0o600 }), guard: undefined })],
    ['LOOKUP', await tcp.nfs.lookup({ what: where })],
    ['ACCESS', await tcp.nfs.access({ object: bad, access: Access3.READ })],
    ['READLINK', await tcp.nfs.readlink({ symlink: bad })],
    ['READ', await tcp.nfs.read({ file: bad, offset: 0, count: 10 })],
    ['WRITE', await tcp.nfs.write({ file: bad, offset: 0, count: 1, stable: StableHow.FILE_SYNC, data: Buffer.from('x') })],
    ['CREATE', await tcp.nfs.create({ where, how: { mode: 'unchecked', attributes: sattr() } })],
    ['MKDIR', await tcp.nfs.mkdir({ where, attributes: sattr() })],
    ['SYMLINK', await tcp.nfs.symlink({ where, symlink: { symlinkAttributes: sattr(), symlinkData: 't' } })],
    ['MKNOD', await tcp.nfs.mknod({ where, what: { type: Ftype3.NF3FIFO, pipeAttributes: sattr() } })],
    ['REMOVE', await tcp.nfs.remove({ object: where })],
    ['RMDIR', await tcp.nfs.rmdir({ object: where })],
    ['RENAME', await tcp.nfs.rename({ from: where, to: { dir: root, name: 'y' } })],
    ['LINK', await tcp.nfs.link({ file: bad, link: { dir: root, name: 'y' } })],
    ['READDIR', await tcp.nfs.readdir({ dir: bad, cookie: 0n, cookieverf: Buffer.alloc(8), count: 4096 })],
    ['READDIRPLUS', await tcp.nfs.readdirplus({ dir: bad, cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 512, maxcount: 4096 })],
    ['FSSTAT', await tcp.nfs.fsstat({ fsroot: bad })],
    ['FSINFO', await tcp.nfs.fsinfo({ fsroot: bad })],
    ['PATHCONF', await tcp.nfs.pathconf({ object: bad })],
    ['COMMIT', await tcp.nfs.commit({ file: bad, offset: 0, count: 0 })],
  ];
  for (const [name, result] of results) nfsFails(result, bads, `${name} with a random handle`);
  assert.equal(existsSync(onDisk('y')), false);

  // A handle whose file is gone is STALE: removed over NFS, or on the host while ganesha
  // holds no descriptor for it (a file ganesha has open keeps answering, with nlink 0).
  const viaNfs = await createFile(root, 'doomed-nfs.txt');
  nfsOk(await tcp.nfs.remove({ object: { dir: root, name: 'doomed-nfs.txt' } }), 'REMOVE doomed-nfs.txt');
  nfsFails(await tcp.nfs.getattr({ object: viaNfs }), [Nfsstat3.NFS3ERR_STALE], 'GETATTR of a file removed over NFS');
  nfsFails(await tcp.nfs.read({ file: viaNfs, offset: 0, count: 1 }), [Nfsstat3.NFS3ERR_STALE], 'READ of a file removed over NFS');
  writeFileSync(onDisk('doomed-host.txt'), 'soon gone');
  const viaHost = await lookup(root, 'doomed-host.txt');
  rmSync(onDisk('doomed-host.txt'));
  nfsFails(await tcp.nfs.getattr({ object: viaHost }), [Nfsstat3.NFS3ERR_STALE], 'GETATTR of a file removed on the host');
});

test('a name on disk that is not UTF-8 fails that READDIR with RpcProtocolError(XdrError); the connection stays usable', async () => {
  mkdirSync(onDisk('latin1'));
  writeFileSync(Buffer.concat([Buffer.from(onDisk('latin1') + '/'), Buffer.from([0x63, 0x61, 0x66, 0xe9])]), 'cafe in latin-1');
  const dir = await lookup(root, 'latin1');
  await assert.rejects(tcp.nfs.readdir({ dir, cookie: 0n, cookieverf: Buffer.alloc(8), count: 4096 }), (error: unknown) => {
    assert.ok(error instanceof RpcProtocolError, `got ${String(error)}`);
    assert.ok(error.cause instanceof XdrError);
    assert.equal(error.cause.code, 'XDR_BAD_STRING');
    return true;
  });
  // The record was read whole, so the stream is still in sync.
  assertMatchesDisk(await getattr(dir, 'latin1'), onDisk('latin1'), 'latin1');
  rmSync(onDisk('latin1'), { recursive: true });
});

test('over UDP: portmap, MOUNT and NFS calls, each checked against the host', async () => {
  const udp = connectGaneshaClients(ganesha, 'udp', { credential: authSysCredential() });
  try {
    await udp.portmap.null();
    assert.equal(await udp.portmap.getport({ prog: NFS_PROGRAM, vers: NFS_V3, prot: IpProto.UDP, port: 0 }), ganesha.nfsPort);
    assert.equal(await udp.portmap.getport({ prog: MOUNT_PROGRAM, vers: MOUNT_V3, prot: IpProto.UDP, port: 0 }), ganesha.mountPort);
    assert.ok((await udp.portmap.dump()).some((m) => m.prog === NFS_PROGRAM && m.prot === IpProto.UDP));

    await udp.mount.null();
    assert.deepEqual((await udp.mount.export()).map((e) => e.dir), [ganesha.exportPath]);
    const mounted = await udp.mount.mnt(ganesha.exportPath);
    assert.ok(mounted.status === Mountstat3.MNT3_OK);
    assert.deepEqual(mounted.fhandle, root, 'the same root handle over UDP');

    await udp.nfs.null();
    assertMatchesDisk(nfsOk(await udp.nfs.getattr({ object: root }), 'UDP GETATTR').objAttributes, exportDir, 'root');
    const big = nfsOk(await udp.nfs.lookup({ what: { dir: root, name: 'big.bin' } }), 'UDP LOOKUP').object;
    const read = nfsOk(await udp.nfs.read({ file: big, offset: 8192, count: 32_768 }), 'UDP READ');
    assert.deepEqual(read.data, bigPayload.subarray(8192, 8192 + 32_768));

    const created = nfsOk(
      await udp.nfs.create({ where: { dir: root, name: 'udp.txt' }, how: { mode: 'guarded', attributes: sattr({ mode: 0o644 }) } }),
      'UDP CREATE',
    );
    assert.ok(created.obj);
    const data = randomBytes(8192);
    nfsOk(await udp.nfs.write({ file: created.obj, offset: 0, count: data.length, stable: StableHow.FILE_SYNC, data }), 'UDP WRITE');
    assert.deepEqual(readFileSync(onDisk('udp.txt')), data);

    const listing = nfsOk(await udp.nfs.readdir({ dir: root, cookie: 0n, cookieverf: Buffer.alloc(8), count: 8192 }), 'UDP READDIR');
    assert.ok(listing.entries.some((e) => e.name === 'udp.txt'));
    nfsOk(await udp.nfs.fsinfo({ fsroot: root }), 'UDP FSINFO');
    nfsOk(await udp.nfs.remove({ object: { dir: root, name: 'udp.txt' } }), 'UDP REMOVE');
    assert.equal(existsSync(onDisk('udp.txt')), false);
    await udp.mount.umnt(ganesha.exportPath);

    assert.deepEqual(udp.recorder.failures(), [], 'every UDP reply decoded');
  } finally {
    await udp.close();
  }
});

test('every NFSv3, MOUNT and portmap procedure got a reply our decoders accepted, and no call failed', () => {
  // The one rejection we provoked on purpose: the non-UTF-8 name's READDIR.
  const provoked = (f: RecordedCall): boolean =>
    f.program === NFS_PROGRAM &&
    f.procedure === Nfs3Proc.READDIR &&
    f.error instanceof RpcProtocolError &&
    f.error.cause instanceof XdrError &&
    f.error.cause.code === 'XDR_BAD_STRING';
  const failures = tcp.recorder.failures();
  assert.equal(failures.filter(provoked).length, 1);
  assert.deepEqual(
    failures.filter((f) => !provoked(f)).map((f) => `program ${f.program} procedure ${f.procedure}: ${String(f.error)}`),
    [],
    'no other call rejected',
  );
  assert.deepEqual(
    [...tcp.recorder.answered(NFS_PROGRAM)].sort((a, b) => a - b),
    Object.values(Nfs3Proc),
    'all 22 NFSv3 procedures',
  );
  assert.deepEqual(
    [...tcp.recorder.answered(MOUNT_PROGRAM)].sort((a, b) => a - b),
    Object.values(MountProc),
    'all MOUNT procedures',
  );
  const pmap = tcp.recorder.answered(PMAP_PROGRAM);
  for (const proc of [PmapProc.NULL, PmapProc.GETPORT, PmapProc.DUMP]) assert.ok(pmap.has(proc), `portmap procedure ${proc}`);
});
