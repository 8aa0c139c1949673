import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiateOptions } from '../../src/boot/tftp/index.js';

const limits = { maxBlksize: 65464, maxWindowsize: 64 };
const request = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));

test('no options: no OACK, RFC 1350 defaults', () => {
  const result = negotiateOptions(new Map(), 1000, limits);
  assert.deepEqual(result, { blksize: 512, windowsize: 1, timeoutMs: undefined, rollover: 0, oack: [] });
});

test('blksize, tsize, timeout and windowsize are granted in request order (RFC 2348, 2349, 7440)', () => {
  const result = negotiateOptions(request({ tsize: '0', blksize: '1432', windowsize: '8', timeout: '3' }), 42430, limits);
  assert.deepEqual(result.oack, [
    ['tsize', '42430'],
    ['blksize', '1432'],
    ['windowsize', '8'],
    ['timeout', '3'],
  ]);
  assert.equal(result.blksize, 1432);
  assert.equal(result.windowsize, 8);
  assert.equal(result.timeoutMs, 3000);
});

test('too large blksize and windowsize are lowered to the server limits', () => {
  const result = negotiateOptions(request({ blksize: '70000', windowsize: '1000' }), 1, { maxBlksize: 1468, maxWindowsize: 16 });
  assert.deepEqual(result.oack, [
    ['blksize', '1468'],
    ['windowsize', '16'],
  ]);
});

test('invalid values are left out of the OACK (RFC 2347), unknown options too', () => {
  const result = negotiateOptions(
    request({ blksize: '7', timeout: '3000', windowsize: '0', tsize: 'x', rollover: '2', multicast: '', color: 'blue', blksize2: '9' }),
    5,
    limits,
  );
  assert.deepEqual(result.oack, []);
  assert.equal(result.blksize, 512);
  assert.equal(negotiateOptions(request({ blksize: '-1' }), 5, limits).oack.length, 0);
  assert.equal(negotiateOptions(request({ blksize: ' 512' }), 5, limits).oack.length, 0);
  assert.equal(negotiateOptions(request({ timeout: '256' }), 5, limits).oack.length, 0);
});

test('rollover 0 or 1 is echoed and chosen', () => {
  assert.equal(negotiateOptions(request({ rollover: '1' }), 5, limits).rollover, 1);
  assert.deepEqual(negotiateOptions(request({ rollover: '0' }), 5, limits).oack, [['rollover', '0']]);
});
