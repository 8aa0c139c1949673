import { test } from 'node:test';
import assert from 'node:assert/strict';
import sodium from 'sodium-universal';
import {
  RecordFormatError,
  USERS_SHARDS,
  decodeLatest,
  derivePublicKey,
  derivedSigner,
  encodeLatest,
  generateKeyPair,
  latestNamespace,
  serversTopic,
  usersTopic,
} from '../../src/registry/index.js';

const hash = 'c0ffee'.padEnd(64, '0');

test('latest records round-trip and refuse anything malformed', () => {
  const value = { name: 'tiny', version: 3, manifestHash: hash, publishedAt: 1_700_000_000_000 };
  assert.deepEqual(decodeLatest(encodeLatest(value)), value);
  const bad = [
    'not json',
    '[]',
    JSON.stringify({ ...value, type: 'rowboot.user' }),
    JSON.stringify({ type: 'rowboot.latest', ...value, version: '3' }),
    JSON.stringify({ type: 'rowboot.latest', ...value, version: 0 }),
    JSON.stringify({ type: 'rowboot.latest', ...value, version: 1.5 }),
    JSON.stringify({ type: 'rowboot.latest', ...value, name: '../etc' }),
    JSON.stringify({ type: 'rowboot.latest', ...value, manifestHash: 'ABC' }),
    JSON.stringify({ type: 'rowboot.latest', ...value, publishedAt: undefined }),
    JSON.stringify({ type: 'rowboot.latest', ...value, pad: 'x'.repeat(1000) }),
  ];
  for (const text of bad) assert.throws(() => decodeLatest(Buffer.from(text)), RecordFormatError, text.slice(0, 60));
  assert.throws(() => encodeLatest({ ...value, manifestHash: 'nope' }), RecordFormatError);
});

test('derived keys: computable from the public key, signable only with the secret, distinct per name', () => {
  const publisher = generateKeyPair();
  const namespace = latestNamespace(publisher.publicKey, 'tiny');
  const signer = derivedSigner(publisher, namespace);
  assert.deepEqual(signer.publicKey, derivePublicKey(publisher.publicKey, namespace));
  assert.notDeepEqual(signer.publicKey, publisher.publicKey);
  assert.notDeepEqual(signer.publicKey, derivePublicKey(publisher.publicKey, latestNamespace(publisher.publicKey, 'tinY')));

  const message = Buffer.from('move tiny to v9');
  const signature = signer.sign(message);
  assert.equal(sodium.crypto_sign_verify_detached(signature, message, signer.publicKey), true);
  assert.equal(sodium.crypto_sign_verify_detached(signature, Buffer.from('move tiny to v8'), signer.publicKey), false);
  assert.equal(sodium.crypto_sign_verify_detached(signature, message, publisher.publicKey), false);

  // Another key tweaked with the same namespace lands elsewhere and cannot sign for this one.
  const attacker = derivedSigner(generateKeyPair(), namespace);
  assert.notDeepEqual(attacker.publicKey, signer.publicKey);
  assert.equal(sodium.crypto_sign_verify_detached(attacker.sign(message), message, signer.publicKey), false);
});

test('topics differ per publisher, version, table and shard', () => {
  const a = generateKeyPair().publicKey;
  const b = generateKeyPair().publicKey;
  const topics = [
    serversTopic({ publisherKey: a, name: 'tiny', version: 1 }),
    serversTopic({ publisherKey: b, name: 'tiny', version: 1 }),
    serversTopic({ publisherKey: a, name: 'tiny', version: 2 }),
    ...Array.from({ length: USERS_SHARDS }, (_, shard) => usersTopic({ publisherKey: a, name: 'tiny', version: 1 }, shard)),
  ];
  assert.equal(new Set(topics.map((topic) => topic.toString('hex'))).size, topics.length);
  for (const topic of topics) assert.equal(topic.length, 32);
});
