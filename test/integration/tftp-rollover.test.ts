/**
 * A 100 MiB file in 512-byte blocks: 204,800 blocks, so the 16-bit block number wraps three
 * times (to 0, as curl expects). curl checks every block number; the bytes must match.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../helpers/command.js';
import { LOOPBACK, patternBytes, sha256, startTftpFixture } from './tftp-fixture.js';

const MiB = 1024 * 1024;

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

test('curl downloads 100 MiB with blksize 512 across three block-number rollovers', { timeout: 600_000 }, async () => {
  // One MiB of pattern repeated, each MiB stamped with its index so a misplaced block shows.
  const unit = patternBytes(MiB, 21);
  const image = Buffer.allocUnsafe(100 * MiB);
  for (let index = 0; index < 100; index++) {
    unit.copy(image, index * MiB);
    image.writeUInt32BE(index, index * MiB);
  }
  const fixture = await startTftpFixture({ files: { big: image } });
  const outDir = mkdtempSync(join(tmpdir(), 'rowboot-tftp-rollover-'));
  try {
    const out = join(outDir, 'big');
    await run('curl', ['--silent', '--show-error', '--tftp-blksize', '512', '--output', out, `tftp://${LOOPBACK}:${fixture.port}/big`], {
      timeoutMs: 590_000,
    });
    assert.equal(await fileSha256(out), sha256(image));
    const counters = fixture.server.counters();
    assert.equal(counters.blocksSent, 204_801, '204,800 full blocks and the empty last one');
    assert.equal(counters.transfersCompleted, 1);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    await fixture.close();
  }
});
