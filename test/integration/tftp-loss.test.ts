/**
 * Loss injection: a UDP relay between client and server drops a seeded share of the packets
 * in both directions; every client still gets the exact file, and the server retransmits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../helpers/command.js';
import { LossyRelay, LOOPBACK, npmDownload, patternBytes, rawDownload, seededDrops, sha256, startTftpFixture } from './tftp-fixture.js';

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The server's retransmission timeout here: short, so each loss costs little. */
const SERVER_TIMEOUT_MS = 60;
const DROP_RATE = 0.05;

test('curl through a lossy relay (5% each way) gets the exact file', async () => {
  const data = patternBytes(200 * 512 + 99, 11);
  const fixture = await startTftpFixture({ files: { f: data }, timeoutMs: SERVER_TIMEOUT_MS, retries: 50 });
  const drop = seededDrops(DROP_RATE, 42);
  const relay = await LossyRelay.open(fixture.port, () => drop());
  const outDir = mkdtempSync(join(tmpdir(), 'rowboot-tftp-loss-'));
  try {
    const out = join(outDir, 'f');
    // No options: curl asks for timeout=6 otherwise, which the server would honour (RFC 2349).
    await run('curl', ['--silent', '--show-error', '--tftp-no-options', '--output', out, `tftp://${LOOPBACK}:${relay.port}/f`], { timeoutMs: 120_000 });
    assert.equal(sha256(readFileSync(out)), sha256(data));
    assert.ok(relay.dropped.toServer + relay.dropped.toClient > 0, 'the relay dropped packets');
    assert.ok(fixture.server.counters().retransmissions > 0);
  } finally {
    relay.close();
    rmSync(outDir, { recursive: true, force: true });
    await fixture.close();
  }
});

// The npm client (0.1.2) runs lock-step here: with windowsize > 1 it does not recover from a
// lost DATA (after its timeout its window end goes stale and it rejects every later block;
// against the package's own server it fails too). The windowed loss test uses the raw client.
test('the npm client through a lossy relay gets the exact file', async () => {
  const data = patternBytes(300 * 1468 + 5, 12);
  const fixture = await startTftpFixture({ files: { f: data }, timeoutMs: SERVER_TIMEOUT_MS, retries: 50 });
  const drop = seededDrops(DROP_RATE, 7);
  const relay = await LossyRelay.open(fixture.port, () => drop());
  try {
    // 300 ms: above 255, so the server ignores it as an RFC 2349 timeout (seconds) and keeps its own.
    const result = await npmDownload(relay.port, 'f', { blockSize: 1468, windowSize: 1, timeout: 300, retries: 50 });
    assert.equal(sha256(result.data), sha256(data));
    assert.ok(relay.dropped.toServer + relay.dropped.toClient > 0);
  } finally {
    relay.close();
    await fixture.close();
  }
});

test('a windowed raw client through a lossy relay (10% each way) gets the exact file', async () => {
  const data = patternBytes(500 * 1000 + 1, 13);
  const fixture = await startTftpFixture({ files: { f: data }, timeoutMs: SERVER_TIMEOUT_MS, retries: 50 });
  const drop = seededDrops(0.1, 99);
  const relay = await LossyRelay.open(fixture.port, () => drop());
  try {
    const result = await rawDownload(relay.port, 'f', { options: { blksize: '1000', windowsize: '8' }, idleMs: 150, maxIdle: 100, dallyMs: 500 });
    assert.equal(sha256(result.data), sha256(data));
    assert.ok(relay.dropped.toServer + relay.dropped.toClient > 0);
    assert.ok(fixture.server.counters().retransmissions > 0);
    await until(() => fixture.server.counters().transfersCompleted === 1, 'the final ACK (the client dallies)');
  } finally {
    relay.close();
    await fixture.close();
  }
});
