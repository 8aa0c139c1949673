/** The npm `tftp` client (0.1.2, an independent implementation with windowsize) against our server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { npmDownload, patternBytes, sha256, startTftpFixture } from './tftp-fixture.js';

test('npm tftp client: blksize 512 and 1468, windowsize 1, 4 and 16', async () => {
  const kernel = patternBytes(2 * 1024 * 1024 + 999);
  const fixture = await startTftpFixture({ files: { 'boot/vmlinuz': kernel } });
  try {
    for (const blockSize of [512, 1468]) {
      for (const windowSize of [1, 4, 16]) {
        const { data, stats } = await npmDownload(fixture.port, 'boot/vmlinuz', { blockSize, windowSize });
        assert.equal(sha256(data), sha256(kernel), `blksize ${blockSize} windowsize ${windowSize}`);
        assert.equal(stats?.blockSize, blockSize);
        assert.equal(stats?.windowSize, windowSize);
        assert.equal(stats?.size, kernel.length);
      }
    }
    assert.equal(fixture.server.counters().retransmissions, 0);
  } finally {
    await fixture.close();
  }
});

test('npm tftp client: a missing file is an error, not a crash', async () => {
  const fixture = await startTftpFixture();
  try {
    await assert.rejects(npmDownload(fixture.port, 'pxelinux.cfg/01-52-54-00-12-34-56'), /file not found/i);
    symlinkSync('/etc/hostname', join(fixture.root, 'outside'));
    await assert.rejects(npmDownload(fixture.port, 'outside'), /access violation/i);
  } finally {
    await fixture.close();
  }
});

test('npm tftp client: windowsize 16 past block 65535 (rollover to 0)', async () => {
  const data = patternBytes(512 * 66_000 + 17, 5);
  const fixture = await startTftpFixture({ files: { big: data } });
  try {
    const result = await npmDownload(fixture.port, 'big', { blockSize: 512, windowSize: 16 });
    assert.equal(result.data.length, data.length);
    assert.equal(sha256(result.data), sha256(data));
  } finally {
    await fixture.close();
  }
});
