import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrError, XdrReader, XdrWriter, padLength, readUint32At, writeUint32At, type XdrErrorCode } from '../../src/xdr/index.js';

function bytes(...words: number[]): Buffer {
  const out = Buffer.alloc(words.length * 4);
  words.forEach((word, i) => out.writeUInt32BE(word >>> 0, i * 4));
  return out;
}

function expectXdrError(code: XdrErrorCode, read: () => unknown): void {
  assert.throws(read, (error: unknown) => error instanceof XdrError && error.code === code);
}

test('integers, hypers, floats and bools round-trip at their extremes', () => {
  const writer = new XdrWriter(4);
  writer
    .uint32(0)
    .uint32(0xffffffff)
    .int32(-0x80000000)
    .int32(0x7fffffff)
    .uint64(0xffffffffffffffffn)
    .uint64(2 ** 53 - 1)
    .int64(-(2n ** 63n))
    .int64(-1)
    .float32(1.5)
    .float64(-Math.PI)
    .bool(true)
    .bool(false);
  const encoded = writer.toBuffer();
  assert.equal(encoded.length, 4 * 4 + 8 * 4 + 4 + 8 + 4 * 2);
  const reader = new XdrReader(encoded);
  assert.equal(reader.uint32(), 0);
  assert.equal(reader.uint32(), 0xffffffff);
  assert.equal(reader.int32(), -0x80000000);
  assert.equal(reader.int32(), 0x7fffffff);
  assert.equal(reader.uint64(), 0xffffffffffffffffn);
  assert.equal(reader.uint64Number(), 2 ** 53 - 1);
  assert.equal(reader.int64(), -(2n ** 63n));
  assert.equal(reader.int64(), -1n);
  assert.equal(reader.float32(), 1.5);
  assert.equal(reader.float64(), -Math.PI);
  assert.equal(reader.bool(), true);
  assert.equal(reader.bool(), false);
  assert.equal(reader.remaining, 0);
});

test('big-endian layout matches RFC 4506 (most significant byte first)', () => {
  assert.deepEqual([...new XdrWriter().uint32(0x01020304).toBuffer()], [1, 2, 3, 4]);
  assert.deepEqual([...new XdrWriter().int32(-2).toBuffer()], [0xff, 0xff, 0xff, 0xfe]);
  assert.deepEqual([...new XdrWriter().uint64(0x0102030405060708n).toBuffer()], [1, 2, 3, 4, 5, 6, 7, 8]);
  const word = Buffer.alloc(6);
  writeUint32At(word, 1, 0x80000010);
  assert.deepEqual([...word], [0, 0x80, 0, 0, 0x10, 0]);
  assert.equal(readUint32At(word, 1), 0x80000010);
  assert.throws(() => readUint32At(word, 3), RangeError);
  assert.throws(() => writeUint32At(word, 0, -1), RangeError);
});

test('opaque, strings and padding round-trip for every length mod 4', () => {
  for (let length = 0; length <= 9; length++) {
    const data = Buffer.alloc(length, 0xab);
    const text = 'x'.repeat(length);
    const writer = new XdrWriter(8);
    writer.opaque(data).opaqueFixed(data).string(text).uint32(7);
    const encoded = writer.toBuffer();
    const padded = length + padLength(length);
    assert.equal(encoded.length, 4 + padded + padded + 4 + padded + 4);
    const reader = new XdrReader(encoded);
    assert.deepEqual(reader.opaque(), data);
    assert.deepEqual(reader.opaqueFixed(length), data);
    assert.equal(reader.string(), text);
    assert.equal(reader.uint32(), 7);
  }
});

test('multi-byte UTF-8 strings count bytes, not characters', () => {
  const name = 'héllo-✓';
  const encoded = new XdrWriter().string(name).toBuffer();
  assert.equal(encoded.readUInt32BE(0), Buffer.byteLength(name));
  assert.equal(new XdrReader(encoded).string(), name);
  assert.equal(new XdrReader(encoded).strictString(), name);
});

test('arrays, fixed arrays, optionals, lists and unions round-trip', () => {
  const arms = new Map<number, (reader: XdrReader) => string>([
    [0, (r) => `ok:${r.uint32()}`],
    [5, () => 'void arm'],
  ]);
  const writer = new XdrWriter();
  writer
    .array([1, 2, 3], (w, v) => w.uint32(v))
    .arrayFixed([9, 8], (w, v) => w.int32(v))
    .optional(42, (w, v) => w.uint32(v))
    .optional(undefined, (w, v: number) => w.uint32(v))
    .list(['a', 'bc'], (w, v) => w.string(v))
    .union(0, (w) => w.uint32(77))
    .union(5);
  const reader = new XdrReader(writer.toBuffer());
  assert.deepEqual(reader.array((r) => r.uint32()), [1, 2, 3]);
  assert.deepEqual(reader.arrayFixed(2, (r) => r.int32()), [9, 8]);
  assert.equal(reader.optional((r) => r.uint32()), 42);
  assert.equal(reader.optional((r) => r.uint32()), undefined);
  assert.deepEqual(reader.list((r) => r.string()), ['a', 'bc']);
  assert.equal(reader.union(arms, 'test union'), 'ok:77');
  assert.equal(reader.union(arms, 'test union'), 'void arm');
  assert.equal(reader.remaining, 0);
});

test('union without a matching arm is XDR_BAD_ENUM unless a default arm exists', () => {
  const arms = new Map<number, (reader: XdrReader) => number>([[1, () => 1]]);
  expectXdrError('XDR_BAD_ENUM', () => new XdrReader(bytes(3)).union(arms, 'u'));
  assert.equal(new XdrReader(bytes(3)).union(arms, 'u', (_r, d) => d * 10), 30);
});

test('every read past the end is XDR_SHORT, never an out-of-range read', () => {
  const four = bytes(1);
  expectXdrError('XDR_SHORT', () => new XdrReader(Buffer.alloc(3)).uint32());
  expectXdrError('XDR_SHORT', () => new XdrReader(Buffer.alloc(3)).int32());
  expectXdrError('XDR_SHORT', () => new XdrReader(four).uint64());
  expectXdrError('XDR_SHORT', () => new XdrReader(four).int64());
  expectXdrError('XDR_SHORT', () => new XdrReader(four).uint64Number());
  expectXdrError('XDR_SHORT', () => new XdrReader(four).float64());
  expectXdrError('XDR_SHORT', () => new XdrReader(Buffer.alloc(0)).bool());
  expectXdrError('XDR_SHORT', () => new XdrReader(four).opaqueFixed(5));
  expectXdrError('XDR_SHORT', () => new XdrReader(four).skip(5));
  // A length prefix that claims more than the buffer holds.
  expectXdrError('XDR_SHORT', () => new XdrReader(bytes(5, 0)).opaque());
  expectXdrError('XDR_SHORT', () => new XdrReader(bytes(0xffffffff)).opaque());
  expectXdrError('XDR_SHORT', () => new XdrReader(bytes(0xffffffff)).string());
  // Data present but the pad bytes missing.
  expectXdrError('XDR_SHORT', () => new XdrReader(Buffer.from([0, 0, 0, 1, 0x61])).opaque());
  // Hostile counts are refused before anything is allocated.
  expectXdrError('XDR_SHORT', () => new XdrReader(bytes(0xffffffff)).array((r) => r.uint32()));
  expectXdrError('XDR_SHORT', () => new XdrReader(Buffer.alloc(0)).arrayFixed(1, (r) => r.uint32()));
  // A list whose terminator is missing.
  expectXdrError('XDR_SHORT', () => new XdrReader(bytes(1, 5, 1, 6)).list((r) => r.uint32()));
  // Nonsense lengths from a caller's arithmetic on untrusted numbers.
  expectXdrError('XDR_SHORT', () => new XdrReader(four).opaqueFixed(-1));
  expectXdrError('XDR_SHORT', () => new XdrReader(four).opaqueFixed(Number.NaN));
  expectXdrError('XDR_SHORT', () => new XdrReader(four).opaqueFixed(1.5));
});

test('a reader window never reads outside [start, end)', () => {
  const buffer = bytes(1, 2, 3, 4);
  const reader = new XdrReader(buffer, 4, 8);
  assert.equal(reader.uint32(), 2);
  expectXdrError('XDR_SHORT', () => reader.uint32());
  assert.equal(reader.offset, 8);
  assert.throws(() => new XdrReader(buffer, 8, 20), RangeError);
  assert.throws(() => new XdrReader(buffer, 8, 4), RangeError);
  assert.throws(() => new XdrReader(buffer, -1), RangeError);
});

test('length limits are XDR_TOO_LONG', () => {
  expectXdrError('XDR_TOO_LONG', () => new XdrReader(bytes(5, 0, 0)).opaque(4));
  expectXdrError('XDR_TOO_LONG', () => new XdrReader(bytes(5, 0, 0)).string(4));
  expectXdrError('XDR_TOO_LONG', () => new XdrReader(bytes(3, 1, 2, 3)).array((r) => r.uint32(), 2));
  expectXdrError('XDR_TOO_LONG', () => new XdrReader(bytes(1, 7, 1, 8, 0)).list((r) => r.uint32(), 1));
  expectXdrError('XDR_TOO_LONG', () => new XdrReader(bytes(0x200000, 0)).uint64Number());
  assert.equal(new XdrReader(bytes(0x1fffff, 0xffffffff)).uint64Number(), Number.MAX_SAFE_INTEGER);
});

test('bool other than 0/1, non-zero padding, bad enum and bad UTF-8 are rejected', () => {
  expectXdrError('XDR_BAD_BOOL', () => new XdrReader(bytes(2)).bool());
  expectXdrError('XDR_BAD_BOOL', () => new XdrReader(bytes(0xffffffff)).optional((r) => r.uint32()));
  expectXdrError('XDR_BAD_PADDING', () => new XdrReader(Buffer.from([0, 0, 0, 1, 0x61, 0, 1, 0])).opaque());
  expectXdrError('XDR_BAD_PADDING', () => new XdrReader(Buffer.from([0x61, 0x62, 0, 9])).opaqueFixed(2));
  expectXdrError('XDR_BAD_ENUM', () => new XdrReader(bytes(3)).enumOf(new Set([0, 1, 2]), 'ftype'));
  assert.equal(new XdrReader(bytes(2)).enumOf(new Set([0, 1, 2]), 'ftype'), 2);
  const invalidUtf8 = Buffer.from([0, 0, 0, 2, 0xc3, 0x28, 0, 0]);
  expectXdrError('XDR_BAD_STRING', () => new XdrReader(invalidUtf8).strictString());
  assert.equal(new XdrReader(invalidUtf8).string(), '\ufffd(');
});

test('reader opaque results are zero-copy slices sharing memory with the input', () => {
  const payload = Buffer.alloc(4096, 1);
  const encoded = new XdrWriter().opaque(payload).toBuffer();
  const reader = new XdrReader(encoded);
  const slice = reader.opaque();
  assert.equal(slice.buffer, encoded.buffer);
  assert.equal(slice.byteOffset, encoded.byteOffset + 4);
  encoded[4] = 99;
  assert.equal(slice[0], 99);
  const rest = new XdrReader(encoded, 4).rest();
  assert.equal(rest.buffer, encoded.buffer);
});

test('writer keeps large opaque payloads by reference and pads them', () => {
  const payload = Buffer.alloc(1001, 7);
  const writer = new XdrWriter(16);
  writer.uint32(1).opaque(payload).uint32(2);
  const chunks = writer.toChunks();
  assert.ok(chunks.includes(payload), 'the payload itself is one of the chunks');
  const joined = Buffer.concat(chunks);
  assert.equal(joined.length, 4 + 4 + 1004 + 4);
  assert.deepEqual([...joined.subarray(8 + 1001, 8 + 1004)], [0, 0, 0]);
  assert.equal(joined.readUInt32BE(joined.length - 4), 2);
  // A Uint8Array that is not a Buffer is referenced too, not copied.
  const view = new Uint8Array(600);
  const viewChunks = new XdrWriter().opaqueFixed(view).toChunks();
  assert.ok(viewChunks.some((chunk) => chunk.buffer === view.buffer));
});

test('padding after a referenced payload is written even when scratch must grow', () => {
  // Regression: opaqueFixed evaluated this.scratch before reserve() replaced it, so the
  // pad bytes went into the old buffer and the new one kept garbage.
  for (let fill = 0; fill <= 24; fill += 4) {
    const writer = new XdrWriter(16);
    for (let i = 0; i < fill / 4; i++) writer.uint32(0xffffffff);
    writer.opaqueFixed(Buffer.alloc(513, 0x55));
    for (let i = 0; i < 8; i++) writer.uint32(0xeeeeeeee);
    const joined = writer.toBuffer();
    const padStart = fill + 513;
    assert.deepEqual([...joined.subarray(padStart, padStart + 3)], [0, 0, 0], `fill ${fill}`);
    assert.equal(joined.length, fill + 516 + 32);
    const reader = new XdrReader(joined);
    for (let i = 0; i < fill / 4; i++) assert.equal(reader.uint32(), 0xffffffff, 'earlier words untouched');
    assert.equal(reader.opaqueFixed(513).length, 513);
    for (let i = 0; i < 8; i++) assert.equal(reader.uint32(), 0xeeeeeeee);
  }
});

test('writer growth keeps earlier chunks intact', () => {
  const writer = new XdrWriter(16);
  const big = Buffer.alloc(600, 3);
  writer.uint32(11).opaque(big);
  for (let i = 0; i < 500; i++) writer.uint32(i);
  writer.string('tail');
  const reader = new XdrReader(writer.toBuffer());
  assert.equal(reader.uint32(), 11);
  assert.deepEqual(reader.opaque(), big);
  for (let i = 0; i < 500; i++) assert.equal(reader.uint32(), i);
  assert.equal(reader.string(), 'tail');
  assert.equal(writer.length, 4 + 604 + 2000 + 8);
});

test('writer refuses values it would otherwise silently wrap', () => {
  const writer = new XdrWriter();
  assert.throws(() => writer.uint32(-1), RangeError);
  assert.throws(() => writer.uint32(2 ** 32), RangeError);
  assert.throws(() => writer.uint32(1.5), RangeError);
  assert.throws(() => writer.int32(2 ** 31), RangeError);
  assert.throws(() => writer.uint64(-1), RangeError);
  assert.throws(() => writer.uint64(2n ** 64n), RangeError);
  assert.throws(() => writer.int64(2n ** 63n), RangeError);
  assert.throws(() => writer.raw(Buffer.alloc(3)), RangeError);
  assert.equal(writer.length, 0);
});

test('raw appends pre-encoded words, large ones by reference', () => {
  const small = bytes(1, 2);
  const large = Buffer.alloc(1024, 9);
  const chunks = new XdrWriter().raw(small).raw(large).toChunks();
  assert.ok(chunks.includes(large));
  assert.deepEqual(Buffer.concat(chunks), Buffer.concat([small, large]));
});
