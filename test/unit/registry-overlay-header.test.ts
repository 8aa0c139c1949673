import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllowListError, MAX_HEADER_BYTES, encodeServiceHeader, isAllowed, parseAllowList, parseServiceHeader } from '../../src/overlay/index.js';

test('service headers parse whole, in pieces, and with the first service bytes behind them', () => {
  const header = encodeServiceHeader('nfs');
  const withData = Buffer.concat([header, Buffer.from([0x80, 0, 0, 0x28])]);
  assert.deepEqual(parseServiceHeader(withData), { state: 'done', service: 'nfs', rest: Buffer.from([0x80, 0, 0, 0x28]) });
  assert.deepEqual(parseServiceHeader(header.subarray(0, 5)), { state: 'partial' });
  for (const bad of ['GET / HTTP/1.0\n', 'ROWBOOT-OVERLAY/1 NFS\n', 'ROWBOOT-OVERLAY/1 \n', 'ROWBOOT-OVERLAY/2 nfs\n', 'x'.repeat(MAX_HEADER_BYTES)]) {
    assert.equal(parseServiceHeader(Buffer.from(bad)).state, 'invalid', bad.slice(0, 30));
  }
});

test('allow lists take one hex key per line with comments, and refuse anything else', () => {
  const key = Buffer.alloc(32, 0xab);
  const allow = parseAllowList(`# gateways\n\n${key.toString('hex').toUpperCase()}  # lab\n`);
  assert.equal(isAllowed(allow, key), true);
  assert.equal(isAllowed(allow, Buffer.alloc(32, 1)), false);
  assert.equal(isAllowed(undefined, Buffer.alloc(32, 1)), true);
  assert.throws(() => parseAllowList('abc\n'), (error: unknown) => error instanceof AllowListError && /:1:/.test(error.message));
});
