/**
 * Proves the guest harness against nfs-ganesha: the Linux kernel NFSv3 client in a TCG guest
 * mounts a ganesha export and runs the POSIX workload; every step must pass in the guest and
 * every recorded fact must hold in the server's export directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGanesha } from '../helpers/ganesha.js';
import { runGuest } from '../helpers/guest.js';
import { posixResultNames, posixWorkload, verifyPosixWorkload } from '../helpers/posix-workload.js';

test('the kernel NFS client in a TCG guest runs the POSIX workload on a ganesha export', { timeout: 300_000 }, async (t) => {
  const exportDir = mkdtempSync(join(tmpdir(), 'rbh-kernel-export-'));
  const ganesha = await startGanesha({ exportDir });
  try {
    const guest = await runGuest({
      netns: ganesha.netns,
      serverAddress: ganesha.host,
      guestAddress: ganesha.netns.guestAddress(0),
      nfs: { path: ganesha.exportPath, port: ganesha.nfsPort, mountPort: ganesha.mountPort },
      workload: await posixWorkload(),
      timeoutMs: 240_000,
    });
    t.diagnostic(`ganesha ready in ${ganesha.startupMs.toFixed(0)} ms`);
    t.diagnostic(`guest: mounted at ${guest.mountedMs?.toFixed(0)} ms, powered off at ${guest.durationMs.toFixed(0)} ms (TCG)`);
    for (const line of guest.resultList) t.diagnostic(`${line.name} ${line.ok ? 'ok' : 'FAIL'} ${line.detail}`);

    const failed = guest.resultList.filter((r) => !r.ok);
    assert.deepEqual(failed, [], `failed guest steps; console:\n${guest.console}`);
    for (const name of posixResultNames) {
      assert.ok(guest.results.get(name)?.ok, `missing RB-RESULT ${name}; console:\n${guest.console}`);
    }

    const verification = await verifyPosixWorkload(ganesha.exportPath);
    assert.deepEqual(verification.failures, [], 'facts that do not hold on the server');
    assert.ok(verification.checked >= 24, `only ${verification.checked} facts recorded`);
    t.diagnostic(`server side: ${verification.checked} facts hold`);
  } finally {
    await ganesha.stop();
    rmSync(exportDir, { recursive: true, force: true });
  }
});
