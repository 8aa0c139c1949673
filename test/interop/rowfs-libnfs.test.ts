/**
 * Issue 3 with unmodified user-space clients: libnfs-utils (nfs-ls, nfs-cat, nfs-cp) through
 * `row proxy` over a READ-ONLY nfs-ganesha main. Main files read back intact, new files land
 * in the shadow and read back, the listing merges both, and the main tree never changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGanesha } from '../helpers/ganesha.js';
import { makeImageTree } from '../helpers/image-tree.js';
import { nfsCat, nfsCp, nfsLs, nfsUrlFor } from '../helpers/libnfs.js';
import { startRowServer } from '../helpers/row-process.js';
import { treeDigest } from '../helpers/tree-digest.js';

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

test('libnfs-utils through row proxy over read-only ganesha', { timeout: 300_000 }, async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'rowboot-rowfs-libnfs-'));
  const mainDir = join(scratch, 'main');
  mkdirSync(mainDir);
  const image = makeImageTree(mainDir);
  const rootData = randomBytes(5 * 1024 * 1024 + 11);
  writeFileSync(join(mainDir, 'root.bin'), rootData);
  const mainBefore = treeDigest(mainDir);
  const ganesha = await startGanesha({ exportDir: mainDir, readOnly: true });
  const proxy = await startRowServer([
    'proxy', '--main', `${ganesha.host}:${ganesha.nfsPort}:${ganesha.exportPath}`,
    '--listen', `${ganesha.netns.nsAddress}:0`, '--state', join(scratch, 'state'), '--shadow-dir', join(scratch, 'shadow'),
  ], ganesha.netns.nsAddress, ['ip', 'netns', 'exec', ganesha.netns.name]);
  const endpoint = { host: proxy.host, exportPath: ganesha.exportPath, nfsPort: proxy.port, mountPort: proxy.port };
  try {
    assert.equal(sha256(await nfsCat(nfsUrlFor(endpoint, 'root.bin'))), sha256(rootData), 'main file through the proxy');
    // libnfs mounts a file URL's directory: these go through MNT of subdirectories of the export.
    for (const [path, digest] of image.files) {
      assert.equal(sha256(await nfsCat(nfsUrlFor(endpoint, path))), digest, `main file ${path} through the proxy`);
    }
    for (const size of [0, 1, 8191, 1024 * 1024 + 3, 20 * 1024 * 1024]) {
      const payload = randomBytes(size);
      const local = join(scratch, `in-${size}`);
      writeFileSync(local, payload);
      await nfsCp(local, nfsUrlFor(endpoint, `new-${size}.bin`));
      const out = join(scratch, `out-${size}`);
      await nfsCp(nfsUrlFor(endpoint, `new-${size}.bin`), out);
      assert.equal(sha256(readFileSync(out)), sha256(payload), `${size} B written through the proxy`);
    }
    const listing = await nfsLs(nfsUrlFor(endpoint));
    const names = new Set(listing.entries.map((entry) => entry.name));
    assert.ok(names.has('etc') && names.has('root.bin'), 'main entries listed');
    assert.ok(names.has('new-8191.bin'), 'shadow entry listed');
    assert.equal(treeDigest(mainDir), mainBefore, 'the main tree is unchanged');
  } finally {
    await proxy.stop();
    await ganesha.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
});
