/**
 * ROW-FS proxy READDIR/READDIRPLUS (issue 3): one directory merging all three sources —
 * main entries (minus whiteouts), shadow entries (created through the proxy) and overlay
 * names (main files hard-linked in) plus main files renamed in — 5,000 entries, every name
 * exactly once, in small pages; cookies stay valid while the directory changes.
 */
import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Nfsstat3 } from '../../src/nfs/index.js';
import type { Nfs3Client } from '../../src/nfs/index.js';
import type { RowfsFixture } from './rowfs-fixture.js';
import { fails, listNames, lookupPath, noAttrs, ok, readAll, startRowfsFixture } from './rowfs-fixture.js';

const MAIN_FILES = 3000;
const WHITED_OUT = 200;
const CREATED = 1500;
const LINKED = 400;
const RENAMED_IN = 300;
const TOTAL = MAIN_FILES - WHITED_OUT + CREATED + LINKED + RENAMED_IN;

function populate(dir: string): void {
  mkdirSync(join(dir, 'big'));
  for (let i = 0; i < MAIN_FILES; i++) writeFileSync(join(dir, 'big', `main-${i}`), `m${i}`);
  mkdirSync(join(dir, 'src'));
  for (let i = 0; i < LINKED + RENAMED_IN; i++) writeFileSync(join(dir, 'src', `src-${i}`), `s${i}`);
}

async function inBatches(count: number, work: (index: number) => Promise<void>, width = 32): Promise<void> {
  for (let start = 0; start < count; start += width) {
    await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, k) => work(start + k)));
  }
}

async function pagePlus(nfs: Nfs3Client, dir: Buffer, cookie: bigint, cookieverf: Buffer) {
  return ok(await nfs.readdirplus({ dir, cookie, cookieverf, dircount: 2048, maxcount: 8192 }), 'READDIRPLUS');
}

describe('rowfs merged READDIR over main, shadow and overlay', () => {
  let fx: RowfsFixture;
  let big: Buffer;
  const expected = new Set<string>();

  before(async () => {
    // A small handle cache: most rows are reloaded from SQLite while the test runs.
    fx = await startRowfsFixture({ populate, maxCachedHandles: 500 });
    const { nfs } = fx;
    big = await lookupPath(nfs, fx.root, 'big');
    const src = await lookupPath(nfs, fx.root, 'src');
    for (let i = 0; i < MAIN_FILES; i++) expected.add(`main-${i}`);
    await inBatches(WHITED_OUT, async (i) => {
      ok(await nfs.remove({ object: { dir: big, name: `main-${i * 7}` } }), 'REMOVE');
      expected.delete(`main-${i * 7}`);
    });
    await inBatches(CREATED, async (i) => {
      ok(await nfs.create({ where: { dir: big, name: `new-${i}` }, how: { mode: 'guarded', attributes: noAttrs } }), 'CREATE');
      expected.add(`new-${i}`);
    });
    await inBatches(LINKED, async (i) => {
      const file = ok(await nfs.lookup({ what: { dir: src, name: `src-${i}` } })).object;
      ok(await nfs.link({ file, link: { dir: big, name: `link-${i}` } }), 'LINK');
      expected.add(`link-${i}`);
    });
    await inBatches(RENAMED_IN, async (i) => {
      const name = `src-${LINKED + i}`;
      ok(await nfs.rename({ from: { dir: src, name }, to: { dir: big, name: `moved-${i}` } }), 'RENAME');
      expected.add(`moved-${i}`);
    });
    assert.equal(expected.size, TOTAL);
  });
  after(async () => {
    await fx.close();
  });
  afterEach(() => fx.assertMainUnchanged());

  test('READDIR in small pages lists every name exactly once', async () => {
    const names = await listNames(fx.nfs, big, 1024);
    assert.equal(names.length, TOTAL);
    assert.equal(new Set(names).size, TOTAL, 'no duplicates');
    assert.deepEqual(new Set(names), expected);
  });

  test('READDIRPLUS gives working handles and attributes whose fileid is the cookie', async () => {
    let cookie = 0n;
    let cookieverf = Buffer.alloc(8);
    const seen = new Map<string, bigint>();
    let pages = 0;
    for (;;) {
      const page = await pagePlus(fx.nfs, big, cookie, cookieverf);
      pages++;
      for (const entry of page.entries) {
        assert.ok(!seen.has(entry.name), `${entry.name} twice`);
        seen.set(entry.name, entry.cookie);
        assert.ok(entry.nameHandle !== undefined && entry.nameAttributes !== undefined);
        if (entry.name !== '.' && entry.name !== '..') assert.equal(entry.nameAttributes.fileid, entry.cookie);
        cookie = entry.cookie;
      }
      cookieverf = Buffer.from(page.cookieverf);
      if (page.eof) break;
    }
    assert.ok(pages > 10);
    assert.equal(seen.size, TOTAL + 2);
    // Spot-check contents through handles from each source.
    for (const [name, want] of [['main-1', 'm1'], ['link-3', 's3'], [`moved-2`, `s${LINKED + 2}`], ['new-5', '']] as const) {
      assert.equal((await readAll(fx.nfs, await lookupPath(fx.nfs, big, name))).toString(), want, name);
    }
  });

  test('cookies stay valid while the directory changes between pages', async () => {
    const first = await pagePlus(fx.nfs, big, 0n, Buffer.alloc(8));
    const firstNames = first.entries.map((entry) => entry.name).filter((name) => name !== '.' && name !== '..');
    const resumeAt = first.entries[first.entries.length - 1]?.cookie ?? 0n;
    // Change the directory: remove one listed and one unlisted name, add a new one.
    const listedVictim = firstNames[1] ?? '';
    const all = new Set(await listNames(fx.nfs, big, 65536));
    const unlistedVictim = [...all].find((name) => !firstNames.includes(name) && name.startsWith('main-')) ?? '';
    ok(await fx.nfs.remove({ object: { dir: big, name: listedVictim } }));
    ok(await fx.nfs.remove({ object: { dir: big, name: unlistedVictim } }));
    ok(await fx.nfs.create({ where: { dir: big, name: 'late-arrival' }, how: { mode: 'guarded', attributes: noAttrs } }));
    const rest: string[] = [];
    let cookie = resumeAt;
    let cookieverf = Buffer.from(first.cookieverf);
    for (;;) {
      const page = ok(await fx.nfs.readdir({ dir: big, cookie, cookieverf, count: 1024 }));
      for (const entry of page.entries) {
        rest.push(entry.name);
        cookie = entry.cookie;
      }
      cookieverf = Buffer.from(page.cookieverf);
      if (page.eof) break;
    }
    const combined = [...firstNames, ...rest];
    assert.equal(new Set(combined).size, combined.length, 'no name twice');
    assert.ok(!rest.includes(unlistedVictim), 'a name removed before its page is not listed');
    assert.ok(rest.includes('late-arrival'), 'a new name after the cookie shows up');
    for (const name of all) {
      if (name === listedVictim || name === unlistedVictim) continue;
      assert.ok(combined.includes(name), `${name} was lost`);
    }
    // A verifier of another directory is refused.
    const src = await lookupPath(fx.nfs, fx.root, 'src');
    const other = ok(await fx.nfs.readdir({ dir: src, cookie: 0n, cookieverf: Buffer.alloc(8), count: 4096 }));
    fails(await fx.nfs.readdir({ dir: big, cookie: resumeAt, cookieverf: other.cookieverf, count: 4096 }), Nfsstat3.NFS3ERR_BAD_COOKIE);
    fails(await fx.nfs.readdir({ dir: big, cookie: 0n, cookieverf: Buffer.alloc(8), count: 10 }), Nfsstat3.NFS3ERR_TOOSMALL);
  });
});
