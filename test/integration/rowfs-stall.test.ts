/**
 * ROW-FS proxy with a stalling main server (issue 3): main is `row nfsd` in its own
 * process, paused with SIGSTOP. A call waits (the proxy retries) and succeeds when main
 * resumes within the deadline; past the deadline the client gets NFS3ERR_JUKEBOX, never
 * wrong data, and a log line names the server.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Nfsstat3 } from '../../src/nfs/index.js';
import { connectUpstream } from '../../src/rowfs/index.js';
import type { ConnectedUpstream } from '../../src/rowfs/index.js';
import { signalPid, sleep } from '../helpers/command.js';
import { startRowNfsd } from '../helpers/row-process.js';
import type { RowNfsdProcess } from '../helpers/row-process.js';
import type { RowfsFixture } from './rowfs-fixture.js';
import { fails, lookupPath, ok, pattern, pauseProcess, readAll, startRowfsFixture } from './rowfs-fixture.js';

const DEADLINE_MS = 1500;
const CALL_TIMEOUT_MS = 300;

describe('rowfs with a stalled main server', () => {
  let base: string;
  let main: RowNfsdProcess;
  let upstream: ConnectedUpstream;
  let fx: RowfsFixture;
  let paused = false;
  const warnings: string[] = [];
  const content = pattern(200_000, 3);

  const pause = async (): Promise<void> => {
    paused = true;
    await pauseProcess(main.pid);
  };
  const resume = (): void => {
    signalPid(main.pid, 'SIGCONT');
    paused = false;
  };

  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'rowboot-rowfs-stall-'));
    const mainDir = join(base, 'main');
    mkdirSync(join(mainDir, 'dir'), { recursive: true });
    writeFileSync(join(mainDir, 'file.bin'), content);
    main = await startRowNfsd({ exportDir: mainDir, stateDir: join(base, 'main-state'), readOnly: true });
    upstream = await connectUpstream({
      host: main.host,
      port: main.port,
      mountPort: main.port,
      exportPath: main.exportPath,
      role: 'main',
      deadlineMs: DEADLINE_MS,
      callTimeoutMs: CALL_TIMEOUT_MS,
      logger: { debug() {}, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) },
    });
    fx = await startRowfsFixture({ upstream, mainDir });
  });
  after(async () => {
    if (paused) resume();
    await fx.close();
    await upstream.close();
    await main.stop();
    rmSync(base, { recursive: true, force: true });
  });

  test('a call waits while main is paused and succeeds when it resumes', async () => {
    const file = await lookupPath(fx.nfs, fx.root, 'file.bin');
    await pause();
    const started = performance.now();
    const reading = fx.nfs.read({ file, offset: 1000, count: 5000 });
    await sleep(DEADLINE_MS / 2);
    resume();
    const read = ok(await reading);
    assert.ok(performance.now() - started >= DEADLINE_MS / 2 - 50, 'the call waited for main');
    assert.deepEqual(Buffer.from(read.data), content.subarray(1000, 6000));
  });

  test('past the deadline the client gets JUKEBOX, then data once main is back', async () => {
    const file = await lookupPath(fx.nfs, fx.root, 'file.bin');
    const jukeboxBefore = fx.proxy.metrics().jukebox;
    await pause();
    try {
      const started = performance.now();
      fails(await fx.nfs.read({ file, offset: 0, count: 100 }), Nfsstat3.NFS3ERR_JUKEBOX, 'READ');
      const waited = performance.now() - started;
      assert.ok(waited >= DEADLINE_MS - 50 && waited < DEADLINE_MS + 3000, `waited ${waited} ms`);
      fails(await fx.nfs.lookup({ what: { dir: fx.root, name: 'dir' } }), Nfsstat3.NFS3ERR_JUKEBOX, 'LOOKUP');
    } finally {
      resume();
    }
    assert.equal(fx.proxy.metrics().jukebox, jukeboxBefore + 2);
    assert.ok(warnings.some((line) => line.includes(`${main.host}:${main.port}`)), 'a log line names the server');
    assert.deepEqual(await readAll(fx.nfs, file), content);
    fx.assertMainUnchanged();
  });
});
