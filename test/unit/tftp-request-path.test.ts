import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRequestPath, TftpErrorCode, TftpRequestError } from '../../src/boot/tftp/index.js';

test('ordinary names pass; empty and "." components are dropped', () => {
  assert.equal(normalizeRequestPath('pxelinux.0'), 'pxelinux.0');
  assert.equal(normalizeRequestPath('pxelinux.cfg/01-52-54-00-12-34-56'), 'pxelinux.cfg/01-52-54-00-12-34-56');
  assert.equal(normalizeRequestPath('a//./b/'), 'a/b');
  assert.equal(normalizeRequestPath('..a/b..'), '..a/b..', 'dots inside a name are fine');
});

test('traversal, absolute names, backslashes and NUL are access violations', () => {
  for (const name of ['../etc/passwd', 'a/../../b', 'a/..', '..', '/etc/passwd', '//x', 'a\\..\\b', 'pxelinux.cfg\\default', 'a\0b', '', '.', './', 'x'.repeat(1025)]) {
    assert.throws(
      () => normalizeRequestPath(name),
      (error: unknown) => error instanceof TftpRequestError && error.code === TftpErrorCode.ACCESS_VIOLATION && error.wireMessage === 'access violation',
      JSON.stringify(name),
    );
  }
});
