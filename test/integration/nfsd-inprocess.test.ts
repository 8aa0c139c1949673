/**
 * ExportFs without any socket: what the ROW-FS proxy uses when its shadow or image server
 * is local. Same results as over the wire, and the caller identity is a parameter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mountstat3, Nfsstat3, StableHow } from '../../src/nfs/index.js';
import { ExportDirError, ExportFs } from '../../src/nfsd/index.js';
import { fails, ok, withMode } from './nfsd-fixture.js';

test('ExportFs serves the procedures in-process', async () => {
  const base = mkdtempSync(join(tmpdir(), 'rowboot-nfsd-inproc-'));
  const exportDir = join(base, 'export');
  mkdirSync(exportDir);
  const fs = await ExportFs.open({ exportDir, stateDir: join(base, 'state') });
  try {
    const mounted = fs.mount(exportDir);
    assert.ok(mounted.status === Mountstat3.MNT3_OK);
    assert.deepEqual(mounted.fhandle, fs.rootHandle);
    const created = ok(await fs.create({ where: { dir: fs.rootHandle, name: 'f' }, how: { mode: 'guarded', attributes: withMode(0o600) } }, { uid: 77, gid: 88, gids: [] }));
    assert.ok(created.obj);
    assert.equal(lstatSync(join(exportDir, 'f')).uid, 77);
    const data = Buffer.from('in-process');
    const written = ok(await fs.write({ file: created.obj, offset: 0, count: data.length, stable: StableHow.UNSTABLE, data }));
    assert.deepEqual(written.verf, fs.writeVerifier);
    assert.equal(ok(await fs.read({ file: created.obj, offset: 0, count: 100 })).data.toString(), 'in-process');
    const listed = ok(await fs.readdirplus({ dir: fs.rootHandle, cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 1024, maxcount: 4096 }));
    assert.deepEqual(listed.entries.map((e) => e.name), ['.', '..', 'f']);
    fails(await fs.getattr({ object: Buffer.from('nonsense') }), Nfsstat3.NFS3ERR_BADHANDLE);
    assert.ok(fs.stats.knownObjects >= 2);
  } finally {
    fs.close();
    rmSync(base, { recursive: true, force: true });
  }
});

test('opening a missing or non-directory export fails with ExportDirError', async () => {
  const base = mkdtempSync(join(tmpdir(), 'rowboot-nfsd-inproc-'));
  try {
    await assert.rejects(ExportFs.open({ exportDir: join(base, 'missing'), stateDir: join(base, 'state') }), ExportDirError);
    writeFileSync(join(base, 'plain-file'), '');
    await assert.rejects(ExportFs.open({ exportDir: join(base, 'plain-file'), stateDir: join(base, 'state') }), ExportDirError);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
