/** READDIR / READDIRPLUS paging: every name exactly once, within the byte limits, with cookie verifiers. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeReaddirplusResult, encodeReaddirResult, Nfsstat3 } from '../../src/nfs/index.js';
import { XdrWriter } from '../../src/xdr/index.js';
import { fails, lookupHandle, ok, startFixture } from './nfsd-fixture.js';
import type { NfsdFixture } from './nfsd-fixture.js';

const ENTRY_COUNT = 2000;
let f: NfsdFixture;
let big: Buffer;

/** Entry names of different lengths, so XDR padding is exercised. */
const nameOf = (i: number): string => `entry-${i}${'x'.repeat(i % 7)}`;

before(async () => {
  f = await startFixture({
    populate: (dir) => {
      mkdirSync(join(dir, 'big'));
      for (let i = 0; i < ENTRY_COUNT; i++) writeFileSync(join(dir, 'big', nameOf(i)), String(i));
    },
  });
  big = await lookupHandle(f.nfs, f.root, 'big');
});

after(async () => {
  await f.close();
});

test('READDIRPLUS over 2,000 entries with a small maxcount returns every name exactly once', async () => {
  const seen = new Map<string, number>();
  let cookie = 0n;
  let cookieverf: Buffer = Buffer.alloc(8);
  let pages = 0;
  const maxcount = 1024;
  for (;;) {
    const page = ok(await f.nfs.readdirplus({ dir: big, cookie, cookieverf, dircount: 512, maxcount }));
    pages++;
    assert.ok(page.entries.length > 0 || page.eof);
    for (const entry of page.entries) {
      seen.set(entry.name, (seen.get(entry.name) ?? 0) + 1);
      assert.ok(entry.nameHandle && entry.nameAttributes, `${entry.name} has a handle and attributes`);
    }
    if (page.eof) break;
    const last = page.entries.at(-1);
    assert.ok(last);
    cookie = last.cookie;
    cookieverf = page.cookieverf;
  }
  assert.equal(seen.size, ENTRY_COUNT + 2);
  for (const [name, count] of seen) assert.equal(count, 1, `${name} listed ${count} times`);
  for (let i = 0; i < ENTRY_COUNT; i++) assert.ok(seen.has(nameOf(i)));
  assert.ok(pages > 100, `a small maxcount needs many pages, got ${pages}`);
});

test('replies respect maxcount (READDIRPLUS) and count (READDIR) on the wire', async () => {
  // Measure the encoded size the way the client sees it: re-encode the decoded result.
  for (const maxcount of [600, 1024, 4096, 32768]) {
    const page = await f.nfs.readdirplus({ dir: big, cookie: 0n, cookieverf: Buffer.alloc(8), dircount: maxcount, maxcount });
    const writer = new XdrWriter();
    encodeReaddirplusResult(writer, page);
    assert.ok(writer.length <= maxcount, `READDIRPLUS reply of ${writer.length} bytes exceeds maxcount ${maxcount}`);
  }
  for (const count of [200, 512, 4096]) {
    const page = await f.nfs.readdir({ dir: big, cookie: 0n, cookieverf: Buffer.alloc(8), count });
    const writer = new XdrWriter();
    encodeReaddirResult(writer, page);
    assert.ok(writer.length <= count, `READDIR reply of ${writer.length} bytes exceeds count ${count}`);
  }
});

test('READDIR pages through everything too, and a stale page cookie still resumes after changes', async () => {
  const names: string[] = [];
  let cookie = 0n;
  let cookieverf: Buffer = Buffer.alloc(8);
  let changed = false;
  for (;;) {
    const page = ok(await f.nfs.readdir({ dir: big, cookie, cookieverf, count: 2048 }));
    names.push(...page.entries.map((e) => e.name));
    if (page.eof) break;
    cookie = page.entries.at(-1)?.cookie ?? 0n;
    cookieverf = page.cookieverf;
    if (!changed) {
      // Change the directory between pages: names not yet listed must still come once.
      changed = true;
      writeFileSync(join(f.exportDir, 'big', 'added-midway'), '');
      const victim = nameOf(ENTRY_COUNT - 1);
      if (!names.includes(victim)) unlinkSync(join(f.exportDir, 'big', victim));
    }
  }
  assert.equal(new Set(names).size, names.length, 'no name listed twice');
  for (let i = 0; i < ENTRY_COUNT - 1; i++) assert.ok(names.includes(nameOf(i)), `${nameOf(i)} listed`);
});

test('a cookie with another verifier is BAD_COOKIE; a reply too small for one entry is TOOSMALL', async () => {
  const first = ok(await f.nfs.readdir({ dir: big, cookie: 0n, cookieverf: Buffer.alloc(8), count: 1024 }));
  const cookie = first.entries.at(-1)?.cookie ?? 0n;
  const bad = await f.nfs.readdir({ dir: big, cookie, cookieverf: Buffer.from('notthis!'), count: 1024 });
  fails(bad, Nfsstat3.NFS3ERR_BAD_COOKIE);
  assert.ok(bad.status !== Nfsstat3.NFS3_OK && bad.dirAttributes);
  fails(await f.nfs.readdirplus({ dir: big, cookie, cookieverf: Buffer.from('notthis!'), dircount: 1024, maxcount: 4096 }), Nfsstat3.NFS3ERR_BAD_COOKIE);
  // The verifier of another directory does not fit this one.
  const rootPage = ok(await f.nfs.readdir({ dir: f.root, cookie: 0n, cookieverf: Buffer.alloc(8), count: 1024 }));
  fails(await f.nfs.readdir({ dir: big, cookie, cookieverf: rootPage.cookieverf, count: 1024 }), Nfsstat3.NFS3ERR_BAD_COOKIE);
  // Its own verifier resumes fine.
  ok(await f.nfs.readdir({ dir: big, cookie, cookieverf: first.cookieverf, count: 1024 }));
  fails(await f.nfs.readdirplus({ dir: big, cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 1024, maxcount: 120 }), Nfsstat3.NFS3ERR_TOOSMALL);
  fails(await f.nfs.readdir({ dir: big, cookie: 0n, cookieverf: Buffer.alloc(8), count: 100 }), Nfsstat3.NFS3ERR_TOOSMALL);
  const file = await lookupHandle(f.nfs, big, nameOf(0));
  fails(await f.nfs.readdir({ dir: file, cookie: 0n, cookieverf: Buffer.alloc(8), count: 1024 }), Nfsstat3.NFS3ERR_NOTDIR);
});
