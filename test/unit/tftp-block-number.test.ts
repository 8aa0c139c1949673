import { test } from 'node:test';
import assert from 'node:assert/strict';
import { absoluteBlockIndex, wireBlockNumber } from '../../src/boot/tftp/index.js';

test('block numbers wrap to 0 after 65535 by default, to 1 with rollover=1', () => {
  assert.equal(wireBlockNumber(1, 0), 1);
  assert.equal(wireBlockNumber(65535, 0), 65535);
  assert.equal(wireBlockNumber(65536, 0), 0);
  assert.equal(wireBlockNumber(65537, 0), 1);
  assert.equal(wireBlockNumber(204800, 0), 204800 % 65536);
  assert.equal(wireBlockNumber(65535, 1), 65535);
  assert.equal(wireBlockNumber(65536, 1), 1);
  assert.equal(wireBlockNumber(65535 * 2, 1), 65535);
  assert.equal(wireBlockNumber(65535 * 2 + 1, 1), 1);
  assert.equal(wireBlockNumber(0, 1), 0, 'ACK 0 is the OACK acknowledgement');
});

test('an ACK number maps back to the one block of the window that carries it', () => {
  for (const rollover of [0, 1] as const) {
    for (const low of [0, 1, 100, 65530, 65535, 65536, 131060, 200000]) {
      for (const width of [0, 1, 7, 64]) {
        const high = low + width;
        for (let block = low; block <= high; block++) {
          if (rollover === 1 && block === 0 && low !== 0) continue;
          assert.equal(absoluteBlockIndex(wireBlockNumber(block, rollover), low, high, rollover), block, `rollover ${rollover} ${low}..${high} block ${block}`);
        }
      }
    }
  }
});

test('ACK numbers outside the window are not mapped', () => {
  assert.equal(absoluteBlockIndex(5, 10, 20, 0), undefined);
  assert.equal(absoluteBlockIndex(21, 10, 20, 0), undefined);
  assert.equal(absoluteBlockIndex(0, 65530, 65540, 1), undefined, 'no block 0 after a rollover to 1');
  assert.equal(absoluteBlockIndex(0, 65530, 65540, 0), 65536);
  assert.equal(absoluteBlockIndex(70000, 0, 10, 0), undefined);
  assert.equal(absoluteBlockIndex(1, 5, 4, 0), undefined, 'empty range');
});
