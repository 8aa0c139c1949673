/** curl (an independent TFTP client) against our server on loopback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TftpErrorCode } from '../../src/boot/tftp/index.js';
import { CommandError, run } from '../helpers/command.js';
import { LOOPBACK, patternBytes, sha256, startTftpFixture } from './tftp-fixture.js';

/** curl's exit codes for TFTP errors (curl(1) "EXIT CODES"). */
const CURL_TFTP_NOT_FOUND = 68;
const CURL_TFTP_PERMISSION = 69;

async function curlGet(port: number, name: string, extra: string[], outDir: string): Promise<Buffer> {
  const out = join(outDir, `out-${Math.random().toString(36).slice(2)}`);
  await run('curl', ['--silent', '--show-error', '--output', out, ...extra, `tftp://${LOOPBACK}:${port}/${name}`], { timeoutMs: 60_000 });
  return readFileSync(out);
}

async function curlExitCode(port: number, name: string): Promise<number | null> {
  try {
    await run('curl', ['--silent', '--output', '/dev/null', `tftp://${LOOPBACK}:${port}/${name}`], { timeoutMs: 20_000 });
    return 0;
  } catch (error) {
    assert.ok(error instanceof CommandError, String(error));
    return error.exitCode;
  }
}

test('curl downloads with blksize 512, 1468, 8192, its default and without options', async () => {
  const kernel = patternBytes(3 * 1024 * 1024 + 123);
  const fixture = await startTftpFixture({ files: { vmlinuz: kernel, empty: '', 'boot/even': patternBytes(1468 * 4) } });
  const outDir = mkdtempSync(join(tmpdir(), 'rowboot-tftp-curl-'));
  try {
    for (const extra of [['--tftp-blksize', '512'], ['--tftp-blksize', '1468'], ['--tftp-blksize', '8192'], [], ['--tftp-no-options']]) {
      const data = await curlGet(fixture.port, 'vmlinuz', extra, outDir);
      assert.equal(sha256(data), sha256(kernel), extra.join(' ') || 'curl defaults');
    }
    // Without options: curl 7.88 rejects an OACK carrying tsize 0 (RFC 2349 allows it; a raw test covers it).
    assert.equal((await curlGet(fixture.port, 'empty', ['--tftp-no-options'], outDir)).length, 0);
    assert.equal(sha256(await curlGet(fixture.port, 'boot/even', ['--tftp-blksize', '1468'], outDir)), sha256(patternBytes(1468 * 4)));
    const counters = fixture.server.counters();
    assert.equal(counters.transfersStarted, 7);
    assert.equal(counters.retransmissions, 0);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    await fixture.close();
  }
});

test('curl sees ERROR 1 for a missing file and ERROR 2 for a symlink out of the root', async () => {
  const fixture = await startTftpFixture({ files: { present: 'x' } });
  try {
    symlinkSync('/etc/hostname', join(fixture.root, 'outside'));
    assert.equal(await curlExitCode(fixture.port, 'pxelinux.cfg/01-52-54-00-12-34-56'), CURL_TFTP_NOT_FOUND);
    assert.equal(await curlExitCode(fixture.port, 'outside'), CURL_TFTP_PERMISSION);
    const counters = fixture.server.counters();
    assert.equal(counters.errorsSent[TftpErrorCode.FILE_NOT_FOUND], 1);
    assert.equal(counters.errorsSent[TftpErrorCode.ACCESS_VIOLATION], 1);
  } finally {
    await fixture.close();
  }
});

test('curl gets a generated per-client file', async () => {
  const fixture = await startTftpFixture({
    virtualFiles: { resolveVirtual: (path, client) => (path === 'pxelinux.cfg/default' ? Buffer.from(`menu for ${client.address}\n`) : undefined) },
  });
  const outDir = mkdtempSync(join(tmpdir(), 'rowboot-tftp-curl-'));
  try {
    assert.equal((await curlGet(fixture.port, 'pxelinux.cfg/default', [], outDir)).toString(), 'menu for 127.0.0.1\n');
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    await fixture.close();
  }
});

test('16 concurrent curl downloads all arrive intact', async () => {
  const files: Record<string, Buffer> = {};
  for (let index = 0; index < 4; index++) files[`f${index}`] = patternBytes(400_000 + index * 99_991, index + 7);
  const fixture = await startTftpFixture({ files });
  const outDir = mkdtempSync(join(tmpdir(), 'rowboot-tftp-curl-'));
  try {
    await Promise.all(
      Array.from({ length: 16 }, async (_, index) => {
        const name = `f${index % 4}`;
        const data = await curlGet(fixture.port, name, ['--tftp-blksize', index % 2 === 0 ? '1468' : '512'], outDir);
        assert.equal(sha256(data), sha256(files[name] as Buffer), name);
      }),
    );
    assert.equal(fixture.server.counters().transfersCompleted, 16);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    await fixture.close();
  }
});
