/**
 * Issue 2: libnfs-utils (nfs-ls, nfs-cat, nfs-cp), unmodified clients nobody here wrote,
 * against a real `row nfsd` process: files of 0 B, 1 B, 8191 B, 1 MiB + 3 B and 50 MiB copied
 * in and out with equal checksums, and a directory of 2,000 entries listed whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nfsCat, nfsCp, nfsLs, nfsUrlFor } from '../helpers/libnfs.js';
import { startRowNfsd, type RowNfsdProcess } from '../helpers/row-process.js';

const SIZES = [0, 1, 8191, 1024 * 1024 + 3, 50 * 1024 * 1024];
const DIRECTORY_ENTRIES = 2000;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function endpoint(nfsd: RowNfsdProcess) {
  return { host: nfsd.host, exportPath: nfsd.exportPath, nfsPort: nfsd.port, mountPort: nfsd.port };
}

test('libnfs-utils copy files in and out of row nfsd and list 2,000 entries', { timeout: 300_000 }, async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'rowboot-libnfs-'));
  const exportDir = join(scratch, 'export');
  mkdirSync(exportDir);
  const nfsd = await startRowNfsd({ exportDir, stateDir: join(scratch, 'state') });
  try {
    for (const size of SIZES) {
      const payload = randomBytes(size);
      const localIn = join(scratch, `in-${size}.bin`);
      writeFileSync(localIn, payload);
      const started = performance.now();
      await nfsCp(localIn, nfsUrlFor(endpoint(nfsd), `copy-${size}.bin`));
      const copiedIn = performance.now() - started;
      assert.equal(sha256(readFileSync(join(exportDir, `copy-${size}.bin`))), sha256(payload), `${size} B on the server`);

      const localOut = join(scratch, `out-${size}.bin`);
      await nfsCp(nfsUrlFor(endpoint(nfsd), `copy-${size}.bin`), localOut);
      assert.equal(sha256(readFileSync(localOut)), sha256(payload), `${size} B copied back out`);
      assert.equal(sha256(await nfsCat(nfsUrlFor(endpoint(nfsd), `copy-${size}.bin`))), sha256(payload), `${size} B through nfs-cat`);
      t.diagnostic(`${size} B: nfs-cp in ${copiedIn.toFixed(0)} ms`);
    }

    const bigDir = join(exportDir, 'many');
    mkdirSync(bigDir);
    const expected = new Set<string>();
    for (let i = 0; i < DIRECTORY_ENTRIES; i++) {
      const name = `entry-${String(i).padStart(5, '0')}`;
      writeFileSync(join(bigDir, name), String(i));
      expected.add(name);
    }
    const listing = await nfsLs(nfsUrlFor(endpoint(nfsd), 'many'));
    const names = listing.entries.map((entry) => entry.name).filter((name) => name !== '.' && name !== '..');
    assert.equal(names.length, DIRECTORY_ENTRIES, 'every entry listed exactly once');
    assert.deepEqual(new Set(names), expected);
  } finally {
    const exit = await nfsd.stop();
    rmSync(scratch, { recursive: true, force: true });
    assert.equal(exit, 0, nfsd.output());
  }
});
