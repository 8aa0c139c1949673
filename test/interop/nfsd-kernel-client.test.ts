/**
 * Issue 2: the Linux kernel NFSv3 client (Debian's kernel in a TCG guest) mounts `row nfsd`
 * and runs the POSIX workload; every step passes in the guest and every fact it recorded
 * holds in the export directory on the host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns } from '../helpers/netns.js';
import { runGuest } from '../helpers/guest.js';
import { posixResultNames, posixWorkload, verifyPosixWorkload } from '../helpers/posix-workload.js';
import { startRowNfsd } from '../helpers/row-process.js';

test('the kernel NFS client in a TCG guest runs the POSIX workload on row nfsd', { timeout: 300_000 }, async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'rowboot-kernel-'));
  const exportDir = join(scratch, 'export');
  const netns = await createNetns({ prefix: 'rbhk' });
  try {
    mkdirSync(exportDir);
    const nfsd = await startRowNfsd({
      exportDir,
      stateDir: join(scratch, 'state'),
      host: netns.nsAddress,
      prefix: ['ip', 'netns', 'exec', netns.name],
    });
    try {
      const guest = await runGuest({
        netns,
        serverAddress: nfsd.host,
        guestAddress: netns.guestAddress(0),
        nfs: { path: nfsd.exportPath, port: nfsd.port, mountPort: nfsd.port },
        workload: await posixWorkload(),
        timeoutMs: 240_000,
      });
      t.diagnostic(`guest: mounted at ${guest.mountedMs?.toFixed(0)} ms, powered off at ${guest.durationMs.toFixed(0)} ms (TCG)`);
      const failed = guest.resultList.filter((result) => !result.ok);
      assert.deepEqual(failed, [], `failed guest steps; console:\n${guest.console}`);
      for (const name of posixResultNames) {
        assert.ok(guest.results.get(name)?.ok, `missing RB-RESULT ${name}; console:\n${guest.console}`);
      }
      const verification = await verifyPosixWorkload(exportDir);
      assert.deepEqual(verification.failures, [], 'facts that do not hold on the server');
      assert.ok(verification.checked >= 24, `only ${verification.checked} facts recorded`);
    } finally {
      const exit = await nfsd.stop();
      assert.equal(exit, 0, nfsd.output());
    }
  } finally {
    await netns.destroy();
    rmSync(scratch, { recursive: true, force: true });
  }
});
