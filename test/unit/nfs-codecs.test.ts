import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrError, XdrReader } from '../../src/xdr/index.js';
import { Ftype3, Nfs3Proc, nfs3CodecFor, nfs3CodecList, nfs3Codecs } from '../../src/nfs/index.js';
import type { Nfs3Codec } from '../../src/nfs/index.js';
import { decodeAll, encodeToBuffer, fullSattr3, fh, nfs3Samples, prng } from './nfs-samples.js';

interface Case {
  label: string;
  bytes: Buffer;
  decode: (r: XdrReader) => unknown;
  value: unknown;
}

/** Every sample argument and result of every procedure, encoded. */
function allCases(): Case[] {
  const cases: Case[] = [];
  for (const codec of nfs3CodecList) {
    const sample = nfs3Samples[codec.proc] as { args: unknown; results: unknown[] };
    cases.push({
      label: `${codec.name} args`,
      bytes: encodeToBuffer((w, v) => codec.encodeArgs(w, v), sample.args),
      decode: (r) => codec.decodeArgs(r),
      value: sample.args,
    });
    sample.results.forEach((result, index) => {
      cases.push({
        label: `${codec.name} result #${index}`,
        bytes: encodeToBuffer((w, v) => codec.encodeResult(w, v), result),
        decode: (r) => codec.decodeResult(r),
        value: result,
      });
    });
  }
  return cases;
}

test('the codec table covers every procedure in number order', () => {
  const procs = Object.values(Nfs3Proc);
  assert.equal(nfs3CodecList.length, procs.length);
  for (const proc of procs) {
    assert.equal(nfs3Codecs[proc].proc, proc);
    assert.equal(Nfs3Proc[nfs3Codecs[proc].name], proc);
    assert.equal(nfs3CodecFor(proc), nfs3Codecs[proc]);
  }
  assert.equal(nfs3CodecFor(22), undefined);
  assert.equal(nfs3CodecFor(-1), undefined);
});

test('every procedure round-trips its arguments and both result arms', () => {
  for (const { label, bytes, decode, value } of allCases()) {
    const decoded = decodeAll(decode, bytes);
    assert.deepEqual(decoded, value, label);
  }
});

test('a decoded value re-encodes to the same bytes', () => {
  for (const codec of nfs3CodecList as Nfs3Codec<unknown, unknown>[]) {
    const sample = nfs3Samples[codec.proc] as { args: unknown; results: unknown[] };
    const argBytes = encodeToBuffer((w, v) => codec.encodeArgs(w, v), sample.args);
    const again = encodeToBuffer((w, v) => codec.encodeArgs(w, v), decodeAll((r) => codec.decodeArgs(r), argBytes));
    assert.deepEqual(again, argBytes, codec.name);
    for (const result of sample.results) {
      const bytes = encodeToBuffer((w, v) => codec.encodeResult(w, v), result);
      const back = encodeToBuffer((w, v) => codec.encodeResult(w, v), decodeAll((r) => codec.decodeResult(r), bytes));
      assert.deepEqual(back, bytes, codec.name);
    }
  }
});

test('the other arms of CREATE, MKNOD and SETATTR round-trip', () => {
  const create = nfs3Codecs[Nfs3Proc.CREATE];
  const mknod = nfs3Codecs[Nfs3Proc.MKNOD];
  const setattr = nfs3Codecs[Nfs3Proc.SETATTR];
  const where = { dir: fh(1), name: 'n' };
  const createArgs = [
    { where, how: { mode: 'unchecked' as const, attributes: fullSattr3 } },
    { where, how: { mode: 'exclusive' as const, verf: Buffer.from('01234567') } },
  ];
  for (const args of createArgs) {
    assert.deepEqual(decodeAll(create.decodeArgs, encodeToBuffer(create.encodeArgs, args)), args);
  }
  const mknodArgs = [
    { where, what: { type: Ftype3.NF3BLK, devAttributes: fullSattr3, spec: { specdata1: 8, specdata2: 0 } } },
    { where, what: { type: Ftype3.NF3FIFO, pipeAttributes: fullSattr3 } },
    { where, what: { type: Ftype3.NF3SOCK, pipeAttributes: fullSattr3 } },
    { where, what: { type: Ftype3.NF3REG } },
  ] as const;
  for (const args of mknodArgs) {
    assert.deepEqual(decodeAll(mknod.decodeArgs, encodeToBuffer(mknod.encodeArgs, args)), args);
  }
  const unguarded = {
    object: fh(2),
    newAttributes: { size: 0, atime: { how: 'dont-change' as const }, mtime: { how: 'dont-change' as const } },
    guard: undefined,
  };
  const decoded = decodeAll(setattr.decodeArgs, encodeToBuffer(setattr.encodeArgs, unguarded));
  assert.deepEqual(decoded, unguarded);
  assert.ok(!('mode' in decoded.newAttributes), 'unset sattr3 fields are absent, not undefined');
});

test('every truncation of every encoding is an XdrError', () => {
  for (const { label, bytes, decode } of allCases()) {
    for (let length = 0; length < bytes.length; length++) {
      assert.throws(
        () => decode(new XdrReader(bytes, 0, length)),
        (error) => error instanceof XdrError,
        `${label} truncated to ${length} of ${bytes.length} bytes`,
      );
    }
  }
});

test('mutated encodings decode or fail with XdrError, never another exception', () => {
  const random = prng(0x5eed);
  const interesting = [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 64, 65, 255, 256, 0x100000, 0x100001];
  for (const { label, bytes, decode } of allCases()) {
    if (bytes.length === 0) continue;
    for (let round = 0; round < 300; round++) {
      const mutated = Buffer.from(bytes);
      const words = Math.floor(mutated.length / 4);
      const at = Math.floor(random() * words) * 4;
      if (random() < 0.5) {
        mutated.writeUInt32BE(interesting[Math.floor(random() * interesting.length)] ?? 0, at);
      } else {
        const byte = Math.floor(random() * mutated.length);
        mutated[byte] = Math.floor(random() * 256);
      }
      try {
        decode(new XdrReader(mutated));
      } catch (error) {
        assert.ok(error instanceof XdrError, `${label} round ${round}: ${String(error)}`);
      }
    }
  }
});
