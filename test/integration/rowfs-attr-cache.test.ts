/**
 * The proxy reuses main's attributes of unmodified objects for --main-attr-ttl (main is a
 * read-only image): repeated GETATTRs are answered locally, a change made behind the
 * proxy's back shows once the lifetime is over (at once with a lifetime of 0), and an
 * object with a shadow copy never uses main's cached attributes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StableHow } from '../../src/nfs/index.js';
import { sleep } from '../helpers/command.js';
import { lookupPath, ok, startRowfsFixture } from './rowfs-fixture.js';

const TTL_MS = 400;

function populate(mainDir: string): void {
  writeFileSync(join(mainDir, 'a.txt'), 'main bytes\n', { mode: 0o644 });
  writeFileSync(join(mainDir, 'b.txt'), 'more main bytes\n', { mode: 0o644 });
}

function getattrCounts(metrics: { procedures: Record<string, { main: { calls: number }; local: { calls: number } } | undefined> }) {
  const getattr = metrics.procedures.GETATTR;
  return { main: getattr?.main.calls ?? 0, local: getattr?.local.calls ?? 0 };
}

test('main attributes are reused for the TTL, then fetched again; copied-up files never use them', async () => {
  const fx = await startRowfsFixture({ populate, mainAttrTtlMs: TTL_MS });
  try {
    const file = await lookupPath(fx.nfs, fx.root, 'a.txt');
    const before = getattrCounts(fx.proxy.metrics());
    for (let i = 0; i < 5; i++) assert.equal(ok(await fx.nfs.getattr({ object: file })).objAttributes.mode & 0o777, 0o644);
    const after = getattrCounts(fx.proxy.metrics());
    assert.equal(after.main - before.main, 0, 'LOOKUP just fetched the attributes: no GETATTR went to main');
    assert.equal(after.local - before.local, 5, 'every GETATTR was answered by the proxy');

    chmodSync(join(fx.mainDir, 'a.txt'), 0o600);
    assert.equal(ok(await fx.nfs.getattr({ object: file })).objAttributes.mode & 0o777, 0o644, 'still inside the lifetime');
    await sleep(TTL_MS + 100);
    assert.equal(ok(await fx.nfs.getattr({ object: file })).objAttributes.mode & 0o777, 0o600, 'the change shows after the lifetime');
    assert.equal(getattrCounts(fx.proxy.metrics()).main - after.main, 1);

    // A write copies b.txt up: its size follows the shadow at once, whatever main's cache holds.
    const other = await lookupPath(fx.nfs, fx.root, 'b.txt');
    assert.equal(ok(await fx.nfs.getattr({ object: other })).objAttributes.size, 16);
    const data = Buffer.from('a longer line written through the proxy\n');
    ok(await fx.nfs.write({ file: other, offset: 0, count: data.length, stable: StableHow.FILE_SYNC, data }));
    assert.equal(ok(await fx.nfs.getattr({ object: other })).objAttributes.size, data.length);
  } finally {
    await fx.close();
  }
});

test('--main-attr-ttl 0 asks main every time', async () => {
  const fx = await startRowfsFixture({ populate, mainAttrTtlMs: 0 });
  try {
    const file = await lookupPath(fx.nfs, fx.root, 'a.txt');
    const before = getattrCounts(fx.proxy.metrics());
    ok(await fx.nfs.getattr({ object: file }));
    chmodSync(join(fx.mainDir, 'a.txt'), 0o600);
    assert.equal(ok(await fx.nfs.getattr({ object: file })).objAttributes.mode & 0o777, 0o600);
    assert.equal(getattrCounts(fx.proxy.metrics()).main - before.main, 2);
  } finally {
    await fx.close();
  }
});
