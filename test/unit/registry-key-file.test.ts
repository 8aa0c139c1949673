import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyFileError, formatPublicKey, generateKeyPair, readKeyFile, writeKeyFile } from '../../src/registry/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rowboot-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a written key file is owner-only and reads back the same key pair', async () => {
  const path = join(dir, 'publisher.key');
  const written = await writeKeyFile(path);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const read = await readKeyFile(path);
  assert.deepEqual(read.publicKey, written.publicKey);
  assert.deepEqual(read.secretKey, written.secretKey);
  assert.match(readFileSync(path, 'utf8'), new RegExp(formatPublicKey(written.publicKey)));
});

test('an existing key file is not overwritten unless asked, and overwriting resets the mode', async () => {
  const path = join(dir, 'twice.key');
  const first = await writeKeyFile(path);
  await assert.rejects(writeKeyFile(path), (error: unknown) => error instanceof KeyFileError && /already exists/.test(error.message));
  assert.deepEqual((await readKeyFile(path)).publicKey, first.publicKey);
  chmodSync(path, 0o644);
  const second = await writeKeyFile(path, generateKeyPair(), { overwrite: true });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual((await readKeyFile(path)).publicKey, second.publicKey);
});

test('a key file readable by group or others is refused with the fix in the message', async () => {
  const path = join(dir, 'open.key');
  await writeKeyFile(path);
  for (const mode of [0o644, 0o640, 0o604, 0o620]) {
    chmodSync(path, mode);
    await assert.rejects(readKeyFile(path), (error: unknown) => error instanceof KeyFileError && /chmod 600/.test(error.message), mode.toString(8));
  }
  chmodSync(path, 0o400);
  await readKeyFile(path);
});

test('corrupted or foreign key files are refused', async () => {
  const cases: Record<string, string> = {
    'not-json.key': 'hello',
    'wrong-type.key': JSON.stringify({ type: 'ssh', seed: '00'.repeat(32), publicKey: '00'.repeat(32) }),
    'short-seed.key': JSON.stringify({ type: 'rowboot-ed25519-key', seed: '00'.repeat(31), publicKey: '00'.repeat(32) }),
    'mismatch.key': JSON.stringify({ type: 'rowboot-ed25519-key', seed: '00'.repeat(32), publicKey: '11'.repeat(32) }),
  };
  for (const [name, body] of Object.entries(cases)) {
    const path = join(dir, name);
    writeFileSync(path, body, { mode: 0o600 });
    await assert.rejects(readKeyFile(path), KeyFileError, name);
  }
  await assert.rejects(readKeyFile(join(dir, 'missing.key')), KeyFileError);
});
