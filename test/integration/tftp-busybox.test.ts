/** busybox tftp (an independent TFTP client) against our server on loopback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, run } from '../helpers/command.js';
import { LOOPBACK, patternBytes, sha256, startTftpFixture } from './tftp-fixture.js';

async function busyboxTftp(args: string[]): Promise<{ ok: boolean; stderr: string }> {
  try {
    const { stderr } = await run('busybox', ['tftp', ...args], { timeoutMs: 60_000 });
    return { ok: true, stderr };
  } catch (error) {
    assert.ok(error instanceof CommandError, String(error));
    return { ok: false, stderr: error.stderr };
  }
}

test('busybox tftp downloads with blksize 512, 1468 and without options; past 65535 blocks too', async () => {
  const kernel = patternBytes(2 * 1024 * 1024 + 77);
  const tiny = patternBytes(64 * 65_600 + 5, 3);
  const fixture = await startTftpFixture({ files: { vmlinuz: kernel, tiny } });
  const outDir = mkdtempSync(join(tmpdir(), 'rowboot-tftp-busybox-'));
  try {
    for (const blksize of ['512', '1468', undefined]) {
      const out = join(outDir, `k-${blksize ?? 'none'}`);
      const result = await busyboxTftp(['-g', '-r', 'vmlinuz', '-l', out, ...(blksize ? ['-b', blksize] : []), LOOPBACK, String(fixture.port)]);
      assert.ok(result.ok, result.stderr);
      assert.equal(sha256(readFileSync(out)), sha256(kernel), `blksize ${blksize ?? 'default'}`);
    }
    // 65,601 blocks of 64 bytes (busybox's smallest is 64): its 16-bit block counter wraps to 0 as ours does.
    const out = join(outDir, 'tiny');
    const result = await busyboxTftp(['-g', '-r', 'tiny', '-l', out, '-b', '64', LOOPBACK, String(fixture.port)]);
    assert.ok(result.ok, result.stderr);
    assert.equal(sha256(readFileSync(out)), sha256(tiny));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    await fixture.close();
  }
});

test('busybox tftp: a missing file and a traversal are errors, an upload is refused', async () => {
  const fixture = await startTftpFixture({ files: { present: 'x' } });
  const outDir = mkdtempSync(join(tmpdir(), 'rowboot-tftp-busybox-'));
  try {
    const missing = await busyboxTftp(['-g', '-r', 'missing.cfg', '-l', join(outDir, 'm'), LOOPBACK, String(fixture.port)]);
    assert.equal(missing.ok, false);
    assert.match(missing.stderr, /\(1\) file not found/);
    const traversal = await busyboxTftp(['-g', '-r', '../../etc/passwd', '-l', join(outDir, 't'), LOOPBACK, String(fixture.port)]);
    assert.equal(traversal.ok, false);
    assert.match(traversal.stderr, /\(2\) access violation/);
    const upload = join(outDir, 'upload');
    writeFileSync(upload, 'data');
    const put = await busyboxTftp(['-p', '-l', upload, '-r', 'uploaded', LOOPBACK, String(fixture.port)]);
    assert.equal(put.ok, false);
    assert.match(put.stderr, /\(2\) server is read-only/);
    assert.equal(fixture.server.counters().writeRequestsRefused, 1);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    await fixture.close();
  }
});
