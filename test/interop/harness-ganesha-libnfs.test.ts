/**
 * Proves the ganesha and libnfs harness modules against each other: two unmodified peers, so
 * a failure here is a harness bug, not a rowboot bug.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, run } from '../helpers/command.js';
import type { GaneshaInstance } from '../helpers/ganesha.js';
import { startGanesha } from '../helpers/ganesha.js';
import { LibnfsError, nfsCat, nfsCp, nfsLs, nfsUrl, nfsUrlFor } from '../helpers/libnfs.js';

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const urlOf = nfsUrlFor;

async function namespaceExists(name: string): Promise<boolean> {
  const { text } = await run('ip', ['netns', 'list']);
  return text.split('\n').some((line) => line.split(' ')[0] === name);
}

test('nfs-cp copies a file into and out of a ganesha export; nfs-ls and nfs-cat agree', async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'rbh-libnfs-'));
  const exportDir = join(scratch, 'export');
  mkdirSync(exportDir);
  let ganesha: GaneshaInstance | undefined;
  try {
    ganesha = await startGanesha({ exportDir });
    t.diagnostic(`ganesha ready in ${ganesha.startupMs.toFixed(0)} ms (ns ${ganesha.netns.name}, ${ganesha.host}:${ganesha.nfsPort}/${ganesha.mountPort})`);

    // Not a multiple of any READ/WRITE size, and several of them long.
    const payload = randomBytes(3 * 1024 * 1024 + 123);
    const localIn = join(scratch, 'in.bin');
    writeFileSync(localIn, payload);
    let started = performance.now();
    await nfsCp(localIn, urlOf(ganesha, 'copied.bin'));
    t.diagnostic(`nfs-cp in: ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(sha256(readFileSync(join(exportDir, 'copied.bin'))), sha256(payload), 'bytes on the server');

    const listing = await nfsLs(urlOf(ganesha));
    const entry = listing.entries.find((e) => e.name === 'copied.bin');
    assert.ok(entry, `copied.bin listed:\n${listing.text}`);
    assert.equal(entry.type, 'file');
    assert.equal(entry.size, payload.length);

    assert.equal(sha256(await nfsCat(urlOf(ganesha, 'copied.bin'))), sha256(payload), 'nfs-cat bytes');
    const localOut = join(scratch, 'out.bin');
    started = performance.now();
    await nfsCp(urlOf(ganesha, 'copied.bin'), localOut);
    t.diagnostic(`nfs-cp out: ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(sha256(readFileSync(localOut)), sha256(payload), 'bytes copied back out');

    // Files the test writes behind the server's back are visible at once (Attr_Expiration_Time = 0).
    mkdirSync(join(exportDir, 'sub'));
    writeFileSync(join(exportDir, 'sub', 'note.txt'), 'from the host\n');
    assert.equal((await nfsCat(urlOf(ganesha, 'sub/note.txt'))).toString(), 'from the host\n');
    const recursive = await nfsLs(urlOf(ganesha), { recursive: true });
    assert.ok(recursive.entries.some((e) => e.name === 'sub/note.txt' && e.size === 14), recursive.text);

    await assert.rejects(nfsCat(urlOf(ganesha, 'missing.txt')), (error: unknown) => {
      assert.ok(error instanceof LibnfsError);
      assert.match(error.message, /NFS3ERR_NOENT/);
      return true;
    });
    // libnfs creates exclusively: an existing destination is an error, not an overwrite.
    await assert.rejects(nfsCp(localIn, urlOf(ganesha, 'copied.bin')), /NFS3ERR_EXIST/);
  } finally {
    const pid = ganesha?.pid;
    const ns = ganesha?.netns.name;
    const started = performance.now();
    await ganesha?.stop();
    t.diagnostic(`ganesha stopped in ${(performance.now() - started).toFixed(0)} ms`);
    rmSync(scratch, { recursive: true, force: true });
    if (pid !== undefined) assert.equal(isAlive(pid), false, 'ganesha is gone');
    if (ns !== undefined) assert.equal(await namespaceExists(ns), false, 'its namespace is gone');
    if (ganesha) assert.equal(existsSync(ganesha.workDir), false, 'its work dir is gone');
  }
});

test('a read-only export serves reads and refuses writes', async () => {
  const exportDir = mkdtempSync(join(tmpdir(), 'rbh-libnfs-ro-'));
  writeFileSync(join(exportDir, 'readme.txt'), 'read only\n');
  const ganesha = await startGanesha({ exportDir, readOnly: true });
  try {
    assert.equal((await nfsCat(urlOf(ganesha, 'readme.txt'))).toString(), 'read only\n');
    await assert.rejects(nfsCp(join(exportDir, 'readme.txt'), urlOf(ganesha, 'new.txt')), (error: unknown) => {
      assert.ok(error instanceof LibnfsError);
      assert.match(error.stderr, /NFS3ERR_ROFS|NFS3ERR_ACCES|NFS3ERR_PERM/);
      return true;
    });
    assert.equal(existsSync(join(exportDir, 'new.txt')), false);
  } finally {
    await ganesha.stop();
    rmSync(exportDir, { recursive: true, force: true });
  }
});

test('two ganesha instances run side by side, each with its own rpcbind', async () => {
  const dirs = [0, 1].map((i) => {
    const dir = mkdtempSync(join(tmpdir(), `rbh-libnfs-${i}-`));
    writeFileSync(join(dir, `only-${i}.txt`), `instance ${i}\n`);
    return dir;
  });
  const started = await Promise.allSettled(dirs.map((exportDir) => startGanesha({ exportDir })));
  const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [a, b] = instances;
    assert.ok(a && b);
    assert.notEqual(a.netns.name, b.netns.name);
    assert.notEqual(a.host, b.host);
    // Same in-namespace ports, no conflict: each owns its namespace.
    assert.equal(a.nfsPort, b.nfsPort);
    for (const [i, instance] of instances.entries()) {
      const names = (await nfsLs(urlOf(instance))).entries.map((e) => e.name);
      assert.deepEqual(names, [`only-${i}.txt`]);
      // The client can also run inside the server's namespace.
      const inside = await nfsCat(nfsUrl({ host: '127.0.0.1', path: instance.exportPath, file: `only-${i}.txt`, nfsPort: instance.nfsPort, mountPort: instance.mountPort }), {
        netns: instance.netns,
      });
      assert.equal(inside.toString(), `instance ${i}\n`);
    }
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});
