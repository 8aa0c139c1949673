import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Access3, Nfsstat3, NfsStatusError } from '../../src/nfs/index.js';
import { FileHandleCodec, HANDLE_BYTES } from '../../src/nfsd/file-handle.js';
import { loadHandleKey, HANDLE_KEY_BYTES } from '../../src/nfsd/handle-key.js';
import { checkName } from '../../src/nfsd/names.js';
import { grantedAccess } from '../../src/nfsd/access.js';
import { cookieOfName, DirListingCache, indexAfterCookie } from '../../src/nfsd/dir-listing.js';
import { nfstimeOfNs, specdataOfRdev } from '../../src/nfsd/attributes.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rowboot-nfsd-unit-'));
}

test('file handles round-trip and refuse forgeries, other exports and other keys', () => {
  const key = Buffer.alloc(32, 7);
  const codec = new FileHandleCodec(key, '/srv/a');
  const handle = codec.encode({ fileid: 123456789n, generation: 42n });
  assert.equal(handle.length, HANDLE_BYTES);
  assert.deepEqual(codec.decode(handle), { fileid: 123456789n, generation: 42n });

  // Pointing a valid handle at another inode breaks the MAC.
  const forged = Buffer.from(handle);
  forged.writeBigUInt64BE(123456790n, 4);
  assert.equal(codec.decode(forged), undefined);
  const flippedMac = Buffer.from(handle);
  flippedMac[HANDLE_BYTES - 1] = (flippedMac[HANDLE_BYTES - 1] ?? 0) ^ 1;
  assert.equal(codec.decode(flippedMac), undefined);
  assert.equal(codec.decode(handle.subarray(0, 20)), undefined);
  assert.equal(codec.decode(Buffer.alloc(HANDLE_BYTES)), undefined);
  assert.equal(new FileHandleCodec(key, '/srv/b').decode(handle), undefined);
  assert.equal(new FileHandleCodec(Buffer.alloc(32, 8), '/srv/a').decode(handle), undefined);
  // The host path is not in the handle.
  assert.equal(handle.includes(Buffer.from('/srv/a')), false);
});

test('the handle key is created once with mode 0600 and reused', async () => {
  const dir = tempDir();
  try {
    const state = join(dir, 'state');
    const first = await loadHandleKey(state);
    assert.equal(first.length, HANDLE_KEY_BYTES);
    const file = join(state, 'nfsd-handle-key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(await loadHandleKey(state), first);
    assert.deepEqual(readFileSync(file), first);
    writeFileSync(file, 'short');
    await assert.rejects(loadHandleKey(state), /expected 32/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('names: one component, no slash or NUL, at most 255 bytes, dot rules per use', () => {
  const statusOf = (fn: () => void): number | undefined => {
    try {
      fn();
      return undefined;
    } catch (error) {
      assert.ok(error instanceof NfsStatusError);
      return error.status;
    }
  };
  assert.equal(statusOf(() => checkName('ok.txt', 'create')), undefined);
  assert.equal(statusOf(() => checkName('a/b', 'lookup')), Nfsstat3.NFS3ERR_INVAL);
  assert.equal(statusOf(() => checkName('../etc', 'lookup')), Nfsstat3.NFS3ERR_INVAL);
  assert.equal(statusOf(() => checkName('a\0b', 'create')), Nfsstat3.NFS3ERR_INVAL);
  assert.equal(statusOf(() => checkName('', 'lookup')), Nfsstat3.NFS3ERR_INVAL);
  assert.equal(statusOf(() => checkName('x'.repeat(256), 'create')), Nfsstat3.NFS3ERR_NAMETOOLONG);
  assert.equal(statusOf(() => checkName('é'.repeat(128), 'create')), Nfsstat3.NFS3ERR_NAMETOOLONG);
  assert.equal(statusOf(() => checkName('..', 'lookup')), undefined);
  assert.equal(statusOf(() => checkName('.', 'create')), Nfsstat3.NFS3ERR_EXIST);
  assert.equal(statusOf(() => checkName('..', 'remove')), Nfsstat3.NFS3ERR_ACCES);
  assert.equal(statusOf(() => checkName('.', 'rename')), Nfsstat3.NFS3ERR_INVAL);
});

test('ACCESS rights follow mode bits, groups and root rules', () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'f');
    writeFileSync(file, '');
    const stats = (mode: number, uid = 1000, gid = 1000) => ({ ...lstatSync(file, { bigint: true }), mode: BigInt(0o100000 | mode), uid: BigInt(uid), gid: BigInt(gid) });
    const dirStats = (mode: number) => ({ ...lstatSync(dir, { bigint: true }), mode: BigInt(0o040000 | mode), uid: 1000n, gid: 1000n });
    const all = Access3.READ | Access3.LOOKUP | Access3.MODIFY | Access3.EXTEND | Access3.DELETE | Access3.EXECUTE;
    const owner = { uid: 1000, gid: 1000, gids: [] };
    const groupMember = { uid: 2000, gid: 5, gids: [1000] };
    const other = { uid: 3000, gid: 3000, gids: [] };
    const root = { uid: 0, gid: 0, gids: [] };
    assert.equal(grantedAccess(stats(0o640) as never, owner, all, false), Access3.READ | Access3.MODIFY | Access3.EXTEND);
    assert.equal(grantedAccess(stats(0o640) as never, groupMember, all, false), Access3.READ);
    assert.equal(grantedAccess(stats(0o640) as never, other, all, false), 0);
    assert.equal(grantedAccess(stats(0o755) as never, other, all, false), Access3.READ | Access3.EXECUTE);
    // Root: everything except executing a file with no x bit at all.
    assert.equal(grantedAccess(stats(0o000) as never, root, all, false), Access3.READ | Access3.MODIFY | Access3.EXTEND);
    assert.equal(grantedAccess(stats(0o001) as never, root, all, false), Access3.READ | Access3.MODIFY | Access3.EXTEND | Access3.EXECUTE);
    assert.equal(grantedAccess(dirStats(0o755) as never, owner, all, false), Access3.READ | Access3.LOOKUP | Access3.MODIFY | Access3.EXTEND | Access3.DELETE);
    assert.equal(grantedAccess(dirStats(0o755) as never, other, all, false), Access3.READ | Access3.LOOKUP);
    // Only what was asked for, and no write rights on a read-only export.
    assert.equal(grantedAccess(stats(0o644) as never, owner, Access3.MODIFY, false), Access3.MODIFY);
    assert.equal(grantedAccess(stats(0o644) as never, root, all, true), Access3.READ);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('directory cookies: . and .. first, names by stable hash, resumable after any cookie', () => {
  const dir = tempDir();
  try {
    for (const name of ['a', 'b', 'c', 'd']) writeFileSync(join(dir, name), '');
    const stats = lstatSync(dir, { bigint: true });
    const names = new DirListingCache(4).listing(1n, dir, stats);
    assert.deepEqual(names.slice(0, 2).map((n) => n.name), ['.', '..']);
    assert.deepEqual(names.map((n) => n.name).slice(2).sort(), ['a', 'b', 'c', 'd']);
    for (let i = 1; i < names.length; i++) assert.ok((names[i - 1]?.cookie ?? 0n) < (names[i]?.cookie ?? 0n));
    assert.equal(cookieOfName('a'), cookieOfName('a'));
    assert.ok(cookieOfName('a') > 2n && cookieOfName('a') < 1n << 63n);
    assert.equal(indexAfterCookie(names, 0n), 0);
    for (let i = 0; i < names.length; i++) assert.equal(indexAfterCookie(names, names[i]?.cookie ?? 0n), i + 1);
    // A cookie of a name removed meanwhile resumes at the next name in hash order.
    const c = names.find((n) => n.name === 'c');
    assert.ok(c);
    const without = names.filter((n) => n.name !== 'c');
    assert.equal(without[indexAfterCookie(without, c.cookie)]?.cookie, names[names.indexOf(c) + 1]?.cookie);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('times and device numbers convert to the wire forms', () => {
  assert.deepEqual(nfstimeOfNs(1_700_000_000_123_456_789n), { seconds: 1_700_000_000, nseconds: 123_456_789 });
  assert.deepEqual(nfstimeOfNs(-5n), { seconds: 0, nseconds: 0 });
  // makedev(8, 1) and a large minor (glibc encoding).
  assert.deepEqual(specdataOfRdev(0x801n), { specdata1: 8, specdata2: 1 });
  assert.deepEqual(specdataOfRdev((0x12345n & 0xffn) | ((0x12345n & ~0xffn) << 12n) | (259n << 8n)), { specdata1: 259, specdata2: 0x12345 });
});
