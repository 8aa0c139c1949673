/**
 * ROW-FS proxy in front of an unmodified nfs-ganesha 4.3 exporting the main tree
 * read-only (issue 3). The proxy finds ganesha's MOUNT port through the namespace's
 * portmapper (rpcbind on port 111), as the kernel client does. Read-through, block-level
 * copy-up, namespace changes, a 5,000-name merged directory, a proxy restart and a
 * paused ganesha; the main tree's digest is checked after every test.
 */
import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Nfsstat3, StableHow } from '../../src/nfs/index.js';
import { connectUpstream } from '../../src/rowfs/index.js';
import type { ConnectedUpstream } from '../../src/rowfs/index.js';
import { signalPid } from '../helpers/command.js';
import { pauseProcess } from './rowfs-fixture.js';
import { startGanesha } from '../helpers/ganesha.js';
import type { GaneshaInstance } from '../helpers/ganesha.js';
import { createNetns } from '../helpers/netns.js';
import type { Netns } from '../helpers/netns.js';
import type { RowfsFixture } from './rowfs-fixture.js';
import { fails, listNames, lookupPath, noAttrs, ok, pattern, readAll, startRowfsFixture, writeAt } from './rowfs-fixture.js';

const BLOCK = 8192;
const BIG_BYTES = 3 * 1024 * 1024 + 777;
const MAIN_NAMES = 4000;
const CREATED_NAMES = 1000;
const DEADLINE_MS = 2000;

function populate(dir: string): void {
  writeFileSync(join(dir, 'big.bin'), pattern(BIG_BYTES, 11));
  mkdirSync(join(dir, 'etc', 'conf.d'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'hostname'), 'ganesha-image\n');
  writeFileSync(join(dir, 'etc', 'conf.d', 'a.conf'), 'a=1\n');
  mkdirSync(join(dir, 'many'));
  for (let i = 0; i < MAIN_NAMES; i++) writeFileSync(join(dir, 'many', `m${i}`), '');
}

describe('rowfs over nfs-ganesha (read-only main)', () => {
  let base: string;
  let netns: Netns;
  let ganesha: GaneshaInstance;
  let upstream: ConnectedUpstream;
  let fx: RowfsFixture;

  before(async () => {
    // /var/tmp: ganesha's private mount namespace replaces /run, and /tmp may be a tmpfs it cannot export.
    base = mkdtempSync('/var/tmp/rowboot-rowfs-ganesha-');
    const mainDir = join(base, 'main');
    mkdirSync(mainDir);
    populate(mainDir);
    netns = await createNetns({ prefix: 'rbhr' });
    ganesha = await startGanesha({ exportDir: mainDir, readOnly: true, netns });
    // No mountPort: found through rpcbind on ganesha's host, port 111.
    upstream = await connectUpstream({ host: ganesha.host, port: ganesha.nfsPort, exportPath: ganesha.exportPath, role: 'main', deadlineMs: DEADLINE_MS, callTimeoutMs: 500 });
    fx = await startRowfsFixture({ upstream, mainDir, blockSize: BLOCK });
  });
  after(async () => {
    await fx?.close();
    await upstream?.close();
    await ganesha?.stop();
    await netns?.destroy();
    rmSync(base, { recursive: true, force: true });
  });
  afterEach(() => fx.assertMainUnchanged());

  test('unmodified files read through; partial-block writes keep the rest from main', async () => {
    const big = await lookupPath(fx.nfs, fx.root, 'big.bin');
    const original = readFileSync(join(fx.mainDir, 'big.bin'));
    assert.deepEqual(await readAll(fx.nfs, big, 1024 * 1024), original);
    let expected = Buffer.from(original);
    for (const [offset, length] of [[5, 10], [BLOCK - 3, 6], [1024 * 1024 + 1, 3 * BLOCK], [BIG_BYTES - 10, 30]] as const) {
      const data = pattern(length, offset);
      await writeAt(fx.nfs, big, offset, data, StableHow.UNSTABLE);
      if (offset + length > expected.length) expected = Buffer.concat([expected, Buffer.alloc(offset + length - expected.length)]);
      data.copy(expected, offset);
    }
    ok(await fx.nfs.commit({ file: big, offset: 0, count: 0 }));
    assert.equal(expected.length, BIG_BYTES + 20);
    assert.deepEqual(await readAll(fx.nfs, big, 1024 * 1024), expected);
    // Only the touched blocks came from the shadow: the bytes read from main dwarf those from the shadow.
    const read = fx.proxy.metrics().procedures.READ;
    assert.ok(read !== undefined && read.main.bytes > 2 * BIG_BYTES - 16 * BLOCK);
  });

  test('namespace changes over ganesha: create in a deep directory, remove and re-create, rename a directory', async () => {
    const confd = await lookupPath(fx.nfs, fx.root, 'etc/conf.d');
    ok(await fx.nfs.create({ where: { dir: confd, name: 'b.conf' }, how: { mode: 'guarded', attributes: noAttrs } }));
    assert.deepEqual((await listNames(fx.nfs, confd)).sort(), ['a.conf', 'b.conf']);
    const etc = await lookupPath(fx.nfs, fx.root, 'etc');
    ok(await fx.nfs.remove({ object: { dir: etc, name: 'hostname' } }));
    const fresh = ok(await fx.nfs.create({ where: { dir: etc, name: 'hostname' }, how: { mode: 'guarded', attributes: noAttrs } })).obj;
    assert.ok(fresh);
    await writeAt(fx.nfs, fresh, 0, Buffer.from('client-1\n'));
    assert.equal((await readAll(fx.nfs, await lookupPath(fx.nfs, etc, 'hostname'))).toString(), 'client-1\n');
    ok(await fx.nfs.rename({ from: { dir: fx.root, name: 'etc' }, to: { dir: fx.root, name: 'etc.old' } }));
    assert.equal((await readAll(fx.nfs, await lookupPath(fx.nfs, fx.root, 'etc.old/conf.d/a.conf'))).toString(), 'a=1\n');
    fails(await fx.nfs.lookup({ what: { dir: fx.root, name: 'etc' } }), Nfsstat3.NFS3ERR_NOENT);
  });

  test('a 5,000-name directory merged from ganesha and the shadow lists every name once', async () => {
    const many = await lookupPath(fx.nfs, fx.root, 'many');
    for (let start = 0; start < CREATED_NAMES; start += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          fx.nfs.create({ where: { dir: many, name: `c${start + k}` }, how: { mode: 'guarded', attributes: noAttrs } }).then((r) => ok(r)),
        ),
      );
    }
    const names = await listNames(fx.nfs, many, 4096);
    assert.equal(names.length, MAIN_NAMES + CREATED_NAMES);
    assert.equal(new Set(names).size, names.length);
  });

  test('a proxy restart keeps the view and old handles', async () => {
    const big = await lookupPath(fx.nfs, fx.root, 'big.bin');
    const before = await readAll(fx.nfs, big, 1024 * 1024);
    await fx.restart();
    assert.deepEqual(await readAll(fx.nfs, big, 1024 * 1024), before);
    assert.equal((await readAll(fx.nfs, await lookupPath(fx.nfs, fx.root, 'etc.old/hostname'))).toString(), 'client-1\n');
  });

  test('a paused ganesha: the call waits, then JUKEBOX after the deadline; data again after resume', async () => {
    const a = await lookupPath(fx.nfs, fx.root, 'etc.old/conf.d/a.conf');
    await pauseProcess(ganesha.pid);
    try {
      const started = performance.now();
      fails(await fx.nfs.read({ file: a, offset: 0, count: 10 }), Nfsstat3.NFS3ERR_JUKEBOX);
      assert.ok(performance.now() - started >= DEADLINE_MS - 50);
    } finally {
      signalPid(ganesha.pid, 'SIGCONT');
    }
    assert.equal((await readAll(fx.nfs, a)).toString(), 'a=1\n');
  });
});
