import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrWriter } from '../../src/xdr/index.js';
import {
  LAST_FRAGMENT,
  RecordDecoder,
  RpcRecordTooLargeError,
  finishRecord,
  frameRecord,
  startRecord,
} from '../../src/rpc/index.js';

function collect(maxRecordBytes?: number): { decoder: RecordDecoder; records: Buffer[] } {
  const records: Buffer[] = [];
  const decoder = new RecordDecoder((record) => records.push(Buffer.from(record)), maxRecordBytes);
  return { decoder, records };
}

function header(length: number, last: boolean): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE((last ? LAST_FRAGMENT : 0) + length);
  return out;
}

function pattern(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + seed) & 0xff;
  return out;
}

test('a single-fragment record inside one chunk is a zero-copy slice', () => {
  const stream = Buffer.concat([header(8, true), pattern(8, 1), header(4, true), pattern(4, 2)]);
  const slices: Buffer[] = [];
  const decoder = new RecordDecoder((record) => slices.push(record));
  decoder.push(stream);
  assert.equal(slices.length, 2);
  assert.equal(slices[0]?.buffer, stream.buffer);
  assert.deepEqual(slices[0], pattern(8, 1));
  assert.deepEqual(slices[1], pattern(4, 2));
  assert.ok(decoder.idle);
});

test('multi-fragment records are joined, including zero-length fragments', () => {
  const { decoder, records } = collect();
  decoder.push(Buffer.concat([
    header(3, false), pattern(3, 1),
    header(0, false),
    header(5, true), pattern(5, 2),
    header(0, true),
    header(2, false), pattern(2, 3), header(0, true),
  ]));
  assert.deepEqual(records, [
    Buffer.concat([pattern(3, 1), pattern(5, 2)]),
    Buffer.alloc(0),
    pattern(2, 3),
  ]);
});

test('every split point of a stream gives the same records', () => {
  const expected = [pattern(13, 1), Buffer.concat([pattern(6, 2), pattern(9, 3)]), Buffer.alloc(0), pattern(1, 4)];
  const stream = Buffer.concat([
    header(13, true), pattern(13, 1),
    header(6, false), pattern(6, 2), header(9, true), pattern(9, 3),
    header(0, true),
    header(1, true), pattern(1, 4),
  ]);
  for (let first = 0; first <= stream.length; first++) {
    for (let second = first; second <= stream.length; second += 3) {
      const { decoder, records } = collect();
      decoder.push(stream.subarray(0, first));
      decoder.push(stream.subarray(first, second));
      decoder.push(stream.subarray(second));
      assert.deepEqual(records, expected, `split at ${first}/${second}`);
    }
  }
  // And one byte at a time.
  const { decoder, records } = collect();
  for (let i = 0; i < stream.length; i++) decoder.push(stream.subarray(i, i + 1));
  assert.deepEqual(records, expected);
  assert.ok(decoder.idle);
});

test('a record over the limit throws as soon as its header arrives, and forever after', () => {
  const { decoder, records } = collect(16);
  decoder.push(Buffer.concat([header(16, true), pattern(16, 1)]));
  assert.equal(records.length, 1);
  // The header alone is enough to refuse: the 1 GiB body never has to arrive.
  assert.throws(() => decoder.push(header(1 << 30, true)), (error: unknown) => {
    return error instanceof RpcRecordTooLargeError && error.recordBytes === 1 << 30 && error.maxRecordBytes === 16;
  });
  assert.throws(() => decoder.push(Buffer.alloc(4)), RpcRecordTooLargeError);
  assert.equal(decoder.bufferedBytes, 0);
});

test('the limit counts all fragments of a record together', () => {
  const { decoder } = collect(10);
  decoder.push(Buffer.concat([header(6, false), pattern(6, 1)]));
  assert.equal(decoder.bufferedBytes, 6);
  assert.throws(() => decoder.push(header(5, true)), RpcRecordTooLargeError);
  const ok = collect(10);
  ok.decoder.push(Buffer.concat([header(6, false), pattern(6, 1), header(4, true), pattern(4, 2)]));
  assert.equal(ok.records.length, 1);
});

test('frameRecord adds one header and passes the chunks by reference', () => {
  const a = pattern(8, 1);
  const b = pattern(2000, 2);
  const framed = frameRecord([a, b]);
  assert.equal(framed.length, 3);
  assert.equal(framed[1], a);
  assert.equal(framed[2], b);
  assert.equal(framed[0]?.readUInt32BE(0), LAST_FRAGMENT + 2008);
  const { decoder, records } = collect();
  decoder.push(Buffer.concat(framed));
  assert.deepEqual(records, [Buffer.concat([a, b])]);
});

test('frameRecord splits into fragments without copying and decodes back', () => {
  const chunks = [pattern(10, 1), pattern(3, 2), pattern(25, 3)];
  const whole = Buffer.concat(chunks);
  for (const max of [1, 4, 7, 13, 38, 100]) {
    const framed = frameRecord(chunks, max);
    for (const piece of framed) {
      const owner = chunks.find((chunk) => chunk.buffer === piece.buffer);
      assert.ok(owner !== undefined || piece.length === 4, 'payload pieces are views of the input');
    }
    const { decoder, records } = collect();
    decoder.push(Buffer.concat(framed));
    assert.deepEqual(records, [whole], `max fragment ${max}`);
  }
  const empty = frameRecord([]);
  assert.deepEqual(empty.map((b) => [...b]), [[0x80, 0, 0, 0]]);
});

test('startRecord/finishRecord patch the mark into the first chunk', () => {
  const writer = new XdrWriter(8);
  startRecord(writer);
  writer.uint32(5).opaque(Buffer.alloc(700, 1));
  const chunks = finishRecord(writer);
  const joined = Buffer.concat(chunks);
  assert.equal(joined.readUInt32BE(0), LAST_FRAGMENT + joined.length - 4);
  const { decoder, records } = collect();
  decoder.push(joined);
  assert.equal(records[0]?.length, 4 + 4 + 700);
  const late = new XdrWriter();
  late.uint32(1);
  assert.throws(() => startRecord(late), RangeError);
  assert.throws(() => finishRecord(new XdrWriter()), RangeError);
});
