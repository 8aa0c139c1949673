import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ImageRefError,
  MAX_VERSION,
  formatImageRef,
  parseBootstrapList,
  parseImageRef,
  parsePublicKey,
  parseVersion,
  parseVersionedImageRef,
  PublicKeyFormatError,
  RegistryError,
} from '../../src/registry/index.js';

test('A and A@vN parse and format back', () => {
  assert.deepEqual(parseImageRef('debian'), { name: 'debian' });
  assert.deepEqual(parseImageRef('tiny-busybox_1.2@v7'), { name: 'tiny-busybox_1.2', version: 7 });
  assert.equal(formatImageRef({ name: 'a', version: 12 }), 'a@v12');
  assert.equal(formatImageRef({ name: 'a' }), 'a');
  assert.deepEqual(parseVersionedImageRef('a@v1'), { name: 'a', version: 1 });
  assert.equal(parseVersion(`v${MAX_VERSION}`), MAX_VERSION);
});

test('bad names and versions are refused with ImageRefError', () => {
  for (const text of ['', '@v1', '.hidden', '..', 'a/b', 'a b', 'x'.repeat(65), 'a@', 'a@1', 'a@v0', 'a@v01', 'a@v-1', 'a@v1.5', 'a@v1@v2', `a@v${MAX_VERSION + 1}`]) {
    assert.throws(() => parseImageRef(text), ImageRefError, text);
  }
  assert.throws(() => parseVersionedImageRef('a'), /names no version/);
});

test('public keys are 64 hex digits', () => {
  const hex = 'ab'.repeat(32);
  assert.equal(parsePublicKey(` ${hex}\n`).toString('hex'), hex);
  assert.throws(() => parsePublicKey('ab'.repeat(31)), PublicKeyFormatError);
  assert.throws(() => parsePublicKey('zz'.repeat(32)), PublicKeyFormatError);
});

test('bootstrap lists parse HOST:PORT pairs', () => {
  assert.deepEqual(parseBootstrapList('10.0.0.1:25001, dht.example:49737,'), [
    { host: '10.0.0.1', port: 25001 },
    { host: 'dht.example', port: 49737 },
  ]);
  for (const text of ['host', ':1', 'h:0', 'h:65536', 'h:x']) assert.throws(() => parseBootstrapList(text), RegistryError, text);
});
