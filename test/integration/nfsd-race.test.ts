/**
 * A call that waits (here: for a rescan of the export after a restart) must not act on
 * paths that other calls changed meanwhile: a client that renames a directory away and
 * plants a symlink with its name must not make the waiting call reach outside the export.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportFs } from '../../src/nfsd/index.js';
import { lookupHandle, noAttrs, ok } from './nfsd-fixture.js';

test('a RENAME waiting for a rescan does not follow a symlink planted meanwhile', async () => {
  const base = mkdtempSync(join(tmpdir(), 'rowboot-nfsd-race-'));
  const exportDir = join(base, 'export');
  const stateDir = join(base, 'state');
  const outside = join(base, 'outside');
  mkdirSync(join(exportDir, 'dir'), { recursive: true });
  mkdirSync(join(exportDir, 'target'));
  // Enough objects that the rescan yields to the event loop several times.
  mkdirSync(join(exportDir, 'many'));
  for (let i = 0; i < 5000; i++) writeFileSync(join(exportDir, 'many', `f${i}`), '');
  writeFileSync(join(exportDir, 'dir', 'secret'), 'inside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'outside');

  const before = await ExportFs.open({ exportDir, stateDir });
  const targetHandle = ok(await before.lookup({ what: { dir: before.rootHandle, name: 'target' } })).object;
  before.close();

  const fs = await ExportFs.open({ exportDir, stateDir });
  try {
    const root = fs.rootHandle;
    const dir = ok(await fs.lookup({ what: { dir: root, name: 'dir' } })).object;
    // The new instance does not know `target`: this RENAME waits for a walk of the export.
    const waiting = fs.rename({ from: { dir, name: 'secret' }, to: { dir: targetHandle, name: 'moved' } });
    await new Promise((resolve) => setImmediate(resolve));
    ok(await fs.rename({ from: { dir: root, name: 'dir' }, to: { dir: root, name: 'dir2' } }));
    ok(await fs.symlink({ where: { dir: root, name: 'dir' }, symlink: { symlinkAttributes: noAttrs, symlinkData: outside } }));
    const result = await waiting;
    // Either outcome inside the export is fine; touching the outside file is not.
    assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'outside');
    if (result.status === 0) assert.equal(readFileSync(join(exportDir, 'target', 'moved'), 'utf8'), 'inside');
    else assert.ok(existsSync(join(exportDir, 'dir2', 'secret')));
    // And the directory handle follows the directory, not the name.
    assert.deepEqual(await lookupHandle(fs, root, 'dir2'), dir);
  } finally {
    fs.close();
    rmSync(base, { recursive: true, force: true });
  }
});
