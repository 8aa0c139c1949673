/** ROW-FS proxy pieces without sockets: presence bitmap, READ/WRITE block plans, virtual handles, state store, locks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Access3, Ftype3, NfsStatusError, Nfsstat3 } from '../../src/nfs/index.js';
import type { Fattr3 } from '../../src/nfs/index.js';
import { grantedAccess } from '../../src/rowfs/access.js';
import { fillRanges, planRead, touchedBlocks } from '../../src/rowfs/block-plan.js';
import { loadHandleKey } from '../../src/rowfs/handle-key.js';
import { parseUpstreamSpec, UpstreamConnectError } from '../../src/rowfs/index.js';
import { KeyedLock } from '../../src/rowfs/keyed-lock.js';
import { nodeFromRow } from '../../src/rowfs/node.js';
import type { VNode } from '../../src/rowfs/node.js';
import { PresenceBitmap } from '../../src/rowfs/presence-bitmap.js';
import { FIRST_VID, StateStore } from '../../src/rowfs/state-store.js';
import { VIRTUAL_HANDLE_BYTES, VirtualHandleCodec } from '../../src/rowfs/virtual-handle.js';

function statusOf(work: () => unknown): number | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return error instanceof NfsStatusError ? error.status : -1;
  }
}

function fileNode(mainLimit: number, present: number[] = [], pending: number[] = []): VNode {
  const node = nodeFromRow({ vid: FIRST_VID, session: 1, parentVid: FIRST_VID, name: 'f', type: Ftype3.NF3REG, mainFh: Buffer.from('m'), shadowFh: Buffer.from('s'), dead: false, mainLimit, bitmap: null });
  for (const block of present) node.present.set(block);
  if (pending.length > 0) {
    node.pending = new PresenceBitmap();
    for (const block of pending) node.pending.set(block);
  }
  return node;
}

test('presence bitmap: set, clear, truncate, merge, subtract, serialize', () => {
  const bits = new PresenceBitmap();
  assert.ok(bits.isEmpty());
  for (const block of [0, 7, 8, 100, 1000]) bits.set(block);
  assert.ok(bits.has(7) && bits.has(8) && bits.has(1000) && !bits.has(9));
  assert.equal(bits.count(), 5);
  bits.clear(8);
  assert.ok(!bits.has(8));
  const copy = new PresenceBitmap(bits.toBuffer());
  assert.deepEqual([0, 7, 100, 1000].map((b) => copy.has(b)), [true, true, true, true]);
  assert.equal(copy.toBuffer().length, 126, 'trailing zero bytes trimmed, 1000 needs byte 125');
  copy.truncate(100);
  assert.ok(copy.has(7) && !copy.has(100) && !copy.has(1000));
  copy.truncate(5);
  assert.ok(copy.has(0) && !copy.has(7));
  const other = new PresenceBitmap();
  other.set(3);
  other.set(64);
  copy.merge(other);
  assert.equal(copy.count(), 3);
  assert.ok(!copy.has(1) && !copy.has(2), 'merge sets only the other bits');
  copy.subtract(other);
  assert.equal(copy.count(), 1);
  // Two empty bitmaps never share writes.
  const a = new PresenceBitmap();
  const b = new PresenceBitmap();
  a.set(3);
  assert.ok(!b.has(3));
});

test('READ plan: main below the limit where bits are clear, shadow elsewhere, runs coalesced', () => {
  const B = 100;
  // Blocks 0..9 main-sized (limit 950); block 2 present, block 5 pending.
  const node = fileNode(950, [2], [5]);
  assert.deepEqual(planRead(node, B, 0, 1200), [
    { source: 'main', offset: 0, length: 200 },
    { source: 'shadow', offset: 200, length: 100 },
    { source: 'main', offset: 300, length: 200 },
    { source: 'shadow', offset: 500, length: 100 },
    { source: 'main', offset: 600, length: 350 },
    { source: 'shadow', offset: 950, length: 250 },
  ]);
  assert.deepEqual(planRead(node, B, 210, 50), [{ source: 'shadow', offset: 210, length: 50 }]);
  assert.deepEqual(planRead(fileNode(0), B, 0, 500), [{ source: 'shadow', offset: 0, length: 500 }]);
  assert.deepEqual(planRead(fileNode(10_000), B, 150, 20), [{ source: 'main', offset: 150, length: 20 }]);
});

test('WRITE plan: touched blocks and the parts to fill from main', () => {
  assert.equal(touchedBlocks(100, 5, 0), undefined);
  assert.deepEqual(touchedBlocks(100, 95, 10), { first: 0, last: 1 });
  // One block, write in the middle: head and tail filled.
  assert.deepEqual(fillRanges(100, 0, 10, 20, 1000), [{ offset: 0, length: 10 }, { offset: 20, length: 80 }]);
  // Tail limited by the main limit; nothing past it.
  assert.deepEqual(fillRanges(100, 1, 110, 120, 150), [{ offset: 100, length: 10 }, { offset: 120, length: 30 }]);
  // A block fully covered needs nothing.
  assert.deepEqual(fillRanges(100, 2, 150, 400, 1000), []);
  // Head only.
  assert.deepEqual(fillRanges(100, 3, 350, 500, 1000), [{ offset: 300, length: 50 }]);
});

test('virtual handles: round trip; tampering is BADHANDLE; the key is 0600 and stable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rowboot-rowfs-key-'));
  try {
    const key = loadHandleKey(dir);
    assert.equal(statSync(join(dir, 'rowfs-handle-key')).mode & 0o777, 0o600);
    assert.deepEqual(loadHandleKey(dir), key);
    const codec = new VirtualHandleCodec(key);
    const vid = 2 ** 40 + 12345;
    const handle = codec.encode(7, vid);
    assert.equal(handle.length, VIRTUAL_HANDLE_BYTES);
    assert.deepEqual(new VirtualHandleCodec(key).decode(handle), { session: 7, vid });
    const fresh = new VirtualHandleCodec(key);
    for (let index = 0; index < handle.length; index++) {
      const forged = Buffer.from(handle);
      forged[index] = (forged[index] as number) ^ 0x80;
      assert.equal(statusOf(() => fresh.decode(forged)), Nfsstat3.NFS3ERR_BADHANDLE, `byte ${index}`);
    }
    assert.equal(statusOf(() => fresh.decode(handle.subarray(1))), Nfsstat3.NFS3ERR_BADHANDLE);
    const otherKey = new VirtualHandleCodec(Buffer.alloc(32, 1));
    assert.equal(statusOf(() => otherKey.decode(handle)), Nfsstat3.NFS3ERR_BADHANDLE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('state store: sessions, handle rows from FIRST_VID, unique live names, whiteouts and overlay survive reopening', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rowboot-rowfs-state-'));
  try {
    let store = new StateStore(dir);
    const session = store.createSession('10.0.0.5', 4096, 'x', Buffer.from('root'), Ftype3.NF3DIR);
    assert.ok(session.rootVid >= FIRST_VID);
    assert.equal(store.handle(session.rootVid)?.parentVid, session.rootVid);
    const vid = store.insertHandle({ session: session.id, parentVid: session.rootVid, name: 'a', type: Ftype3.NF3REG, mainFh: Buffer.from('fa'), shadowFh: null, mainLimit: 0 });
    assert.throws(() => store.insertHandle({ session: session.id, parentVid: session.rootVid, name: 'a', type: Ftype3.NF3REG, mainFh: null, shadowFh: null, mainLimit: 0 }));
    store.durably(() => {
      store.killHandle(vid);
      store.addWhiteout(session.id, session.rootVid, 'a');
      store.setOverlay(session.id, session.rootVid, 'b', vid);
    });
    const again = store.insertHandle({ session: session.id, parentVid: session.rootVid, name: 'a', type: Ftype3.NF3REG, mainFh: null, shadowFh: Buffer.from('s'), mainLimit: 0 });
    assert.ok(again > vid);
    store.setShadow(again, Buffer.from('s2'), 77, Buffer.from([5]));
    store.syncIfDirty();
    store.close();
    store = new StateStore(dir);
    assert.equal(store.sessionByKey('10.0.0.5')?.id, session.id);
    assert.equal(store.handle(vid)?.dead, true);
    assert.equal(store.handleAt(session.id, session.rootVid, 'a')?.vid, again);
    assert.deepEqual(store.handle(again)?.bitmap, Buffer.from([5]));
    assert.equal(store.handle(again)?.mainLimit, 77);
    assert.deepEqual(store.whiteoutsOf(session.id), [{ parentVid: session.rootVid, name: 'a' }]);
    assert.deepEqual(store.overlaysOf(session.id), [{ parentVid: session.rootVid, name: 'b', vid }]);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('keyed lock: one holder per key, other keys run alongside, runAll takes keys in order', async () => {
  const lock = new KeyedLock();
  const order: string[] = [];
  const slow = (name: string, ms: number) => async () => {
    order.push(`${name}+`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    order.push(`${name}-`);
  };
  await Promise.all([lock.run(1, slow('a', 20)), lock.run(1, slow('b', 1)), lock.run(2, slow('c', 1))]);
  assert.deepEqual(order.slice(0, 2), ['a+', 'c+']);
  assert.ok(order.indexOf('b+') > order.indexOf('a-'));
  order.length = 0;
  await Promise.all([lock.runAll([2, 1], slow('x', 10)), lock.runAll([1, 2], slow('y', 1))]);
  assert.deepEqual(order, ['x+', 'x-', 'y+', 'y-']);
});

test('ACCESS from virtual attributes', () => {
  const attrs = (type: Ftype3, mode: number, uid = 1000, gid = 1000): Fattr3 => ({
    type, mode, nlink: 1, uid, gid, size: 0, used: 0, rdev: { specdata1: 0, specdata2: 0 }, fsid: 1n, fileid: 2n,
    atime: { seconds: 0, nseconds: 0 }, mtime: { seconds: 0, nseconds: 0 }, ctime: { seconds: 0, nseconds: 0 },
  });
  const all = 0x3f;
  const root = { uid: 0, gid: 0, gids: [] };
  const owner = { uid: 1000, gid: 1000, gids: [] };
  const other = { uid: 2000, gid: 2000, gids: [] };
  assert.equal(grantedAccess(attrs(Ftype3.NF3REG, 0o644), root, all), Access3.READ | Access3.MODIFY | Access3.EXTEND);
  assert.equal(grantedAccess(attrs(Ftype3.NF3REG, 0o755), root, all), Access3.READ | Access3.MODIFY | Access3.EXTEND | Access3.EXECUTE);
  assert.equal(grantedAccess(attrs(Ftype3.NF3REG, 0o644), owner, all), Access3.READ | Access3.MODIFY | Access3.EXTEND);
  assert.equal(grantedAccess(attrs(Ftype3.NF3REG, 0o644), other, all), Access3.READ);
  assert.equal(grantedAccess(attrs(Ftype3.NF3DIR, 0o755), other, all), Access3.READ | Access3.LOOKUP);
  assert.equal(grantedAccess(attrs(Ftype3.NF3DIR, 0o775), { uid: 3, gid: 9, gids: [1000] }, all), all & ~Access3.EXECUTE);
});

test('upstream spec HOST:PORT:/export', () => {
  assert.deepEqual(parseUpstreamSpec('10.0.0.1:2049:/srv/image'), { host: '10.0.0.1', port: 2049, exportPath: '/srv/image' });
  assert.deepEqual(parseUpstreamSpec('[::1]:20049:/'), { host: '::1', port: 20049, exportPath: '/' });
  assert.deepEqual(parseUpstreamSpec('image.example:111:/a:b'), { host: 'image.example', port: 111, exportPath: '/a:b' });
  for (const bad of ['host:/x', 'host:99999:/x', 'host:2049:relative', '', ':2049:/x']) {
    assert.throws(() => parseUpstreamSpec(bad), UpstreamConnectError, bad);
  }
});
