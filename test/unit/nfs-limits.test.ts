/** Decoders never trust a length or an enum off the wire (limits in src/nfs/limits.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrError, XdrReader, XdrWriter } from '../../src/xdr/index.js';
import type { XdrErrorCode } from '../../src/xdr/index.js';
import {
  NFS3_MAX_DATA_BYTES,
  NFS3_MAX_DIR_ENTRIES,
  NFS3_MAX_NAME_BYTES,
  NFS3_MAX_PATH_BYTES,
  Nfs3Proc,
  Nfsstat3,
  decodeFattr3,
  decodeMntArgs,
  decodeMntResult,
  encodeFattr3,
  nfs3Codecs,
} from '../../src/nfs/index.js';
import { decodeAll, encodeToBuffer, fh, nfs3Samples, sampleFattr3 } from './nfs-samples.js';

function build(write: (w: XdrWriter) => void): Buffer {
  const writer = new XdrWriter();
  write(writer);
  return writer.toBuffer();
}

function rejects(decode: (r: XdrReader) => unknown, bytes: Buffer, code: XdrErrorCode, label: string): void {
  assert.throws(
    () => decode(new XdrReader(bytes)),
    (error) => error instanceof XdrError && error.code === code,
    label,
  );
}

const getattr = nfs3Codecs[Nfs3Proc.GETATTR];
const lookup = nfs3Codecs[Nfs3Proc.LOOKUP];
const readlink = nfs3Codecs[Nfs3Proc.READLINK];
const read = nfs3Codecs[Nfs3Proc.READ];
const write = nfs3Codecs[Nfs3Proc.WRITE];

test('file handles longer than NFS3_FHSIZE are refused both ways', () => {
  rejects(getattr.decodeArgs, build((w) => w.opaque(fh(1, 65))), 'XDR_TOO_LONG', 'decode 65-byte handle');
  assert.deepEqual(decodeAll(getattr.decodeArgs, build((w) => w.opaque(fh(1, 64)))), { object: fh(1, 64) });
  assert.throws(() => encodeToBuffer(getattr.encodeArgs, { object: fh(1, 65) }), RangeError);
});

test('names are bounded at 255 bytes and paths at 4096', () => {
  const name = (length: number) => build((w) => { w.opaque(fh(1)); w.string('n'.repeat(length)); });
  assert.equal(decodeAll(lookup.decodeArgs, name(NFS3_MAX_NAME_BYTES)).what.name.length, NFS3_MAX_NAME_BYTES);
  rejects(lookup.decodeArgs, name(NFS3_MAX_NAME_BYTES + 1), 'XDR_TOO_LONG', '256-byte name');

  const path = (length: number) => build((w) => { w.int32(Nfsstat3.NFS3_OK); w.bool(false); w.string('p'.repeat(length)); });
  const ok = decodeAll(readlink.decodeResult, path(NFS3_MAX_PATH_BYTES));
  assert.equal(ok.status === Nfsstat3.NFS3_OK && ok.data.length, NFS3_MAX_PATH_BYTES);
  rejects(readlink.decodeResult, path(NFS3_MAX_PATH_BYTES + 1), 'XDR_TOO_LONG', '4097-byte path');
});

test('names must be UTF-8 with zero padding', () => {
  rejects(lookup.decodeArgs, build((w) => { w.opaque(fh(1)); w.opaque(Buffer.from([0x66, 0xff])); }), 'XDR_BAD_STRING', 'bad UTF-8');
  const padded = build((w) => { w.opaque(fh(1)); w.string('ab'); });
  padded[padded.length - 1] = 1;
  rejects(lookup.decodeArgs, padded, 'XDR_BAD_PADDING', 'dirty padding');
});

test('READ and WRITE payloads are bounded and must match their count', () => {
  const readOk = (count: number, claimed: number, data: Buffer) =>
    build((w) => { w.int32(Nfsstat3.NFS3_OK); w.bool(false); w.uint32(count); w.bool(false); w.uint32(claimed); w.opaqueFixed(data); });
  const max = Buffer.alloc(NFS3_MAX_DATA_BYTES, 7);
  const decoded = decodeAll(read.decodeResult, readOk(max.length, max.length, max));
  assert.equal(decoded.status === Nfsstat3.NFS3_OK && decoded.data.length, NFS3_MAX_DATA_BYTES);
  // The length is refused before any bytes are needed.
  rejects(read.decodeResult, readOk(0, NFS3_MAX_DATA_BYTES + 1, Buffer.alloc(0)), 'XDR_TOO_LONG', 'READ > 1 MiB');
  rejects(read.decodeResult, readOk(0xffffffff, 0xffffffff, Buffer.alloc(0)), 'XDR_TOO_LONG', 'READ 4 GiB claim');
  rejects(read.decodeResult, readOk(5, 4, Buffer.alloc(4)), 'XDR_SHORT', 'READ count above data');

  const writeArgs = (count: number, data: Buffer) =>
    build((w) => { w.opaque(fh(1)); w.uint64(0); w.uint32(count); w.int32(0); w.opaque(data); });
  rejects(write.decodeArgs, writeArgs(5, Buffer.alloc(4)), 'XDR_SHORT', 'WRITE count above data');
  rejects(write.decodeArgs, writeArgs(3, Buffer.alloc(4)), 'XDR_TOO_LONG', 'WRITE count below data');
  rejects(write.decodeArgs, writeArgs(0, Buffer.alloc(NFS3_MAX_DATA_BYTES + 4)), 'XDR_TOO_LONG', 'WRITE > 1 MiB');
});

test('enums outside the RFC sets and non-boolean bools are refused', () => {
  rejects(getattr.decodeResult, build((w) => w.int32(3)), 'XDR_BAD_ENUM', 'nfsstat3 3 is not defined');
  rejects(getattr.decodeResult, build((w) => w.int32(10009)), 'XDR_BAD_ENUM', 'nfsstat3 past JUKEBOX');
  for (const type of [0, 8, -1]) {
    const bytes = encodeToBuffer(encodeFattr3, sampleFattr3);
    bytes.writeInt32BE(type, 0);
    rejects(decodeFattr3, bytes, 'XDR_BAD_ENUM', `ftype3 ${type}`);
  }
  const writeArgs = encodeToBuffer(write.encodeArgs, nfs3Samples[Nfs3Proc.WRITE].args);
  writeArgs.writeInt32BE(3, 4 + 28 + 8 + 4); // stable_how after fh(28), offset, count
  rejects(write.decodeArgs, writeArgs, 'XDR_BAD_ENUM', 'stable_how 3');
  const create = nfs3Codecs[Nfs3Proc.CREATE];
  rejects(create.decodeArgs, build((w) => { w.opaque(fh(1)); w.string('x'); w.int32(3); }), 'XDR_BAD_ENUM', 'createmode3 3');
  const setattr = nfs3Codecs[Nfs3Proc.SETATTR];
  rejects(setattr.decodeArgs, build((w) => { w.opaque(fh(1)); w.bool(false); w.bool(false); w.bool(false); w.bool(false); w.int32(3); }), 'XDR_BAD_ENUM', 'time_how 3');
  rejects(setattr.decodeArgs, build((w) => { w.opaque(fh(1)); w.uint32(2); }), 'XDR_BAD_BOOL', 'set_it 2');
});

test('sizes and offsets beyond 2^53 are refused; limits and counters saturate', () => {
  const attrs = encodeToBuffer(encodeFattr3, sampleFattr3);
  attrs.writeBigUInt64BE(2n ** 53n, 20); // size3 size
  rejects(decodeFattr3, attrs, 'XDR_TOO_LONG', 'fattr3 size 2^53');
  rejects(read.decodeArgs, build((w) => { w.opaque(fh(1)); w.uint64(2n ** 63n); w.uint32(1); }), 'XDR_TOO_LONG', 'offset 2^63');

  const fsinfo = nfs3Codecs[Nfs3Proc.FSINFO];
  const info = build((w) => {
    w.int32(Nfsstat3.NFS3_OK); w.bool(false);
    for (let i = 0; i < 7; i++) w.uint32(4096);
    w.uint64(2n ** 64n - 1n); w.uint32(0); w.uint32(1); w.uint32(0x1b);
  });
  const decodedInfo = decodeAll(fsinfo.decodeResult, info);
  assert.equal(decodedInfo.status === Nfsstat3.NFS3_OK && decodedInfo.maxfilesize, Number.MAX_SAFE_INTEGER);

  const fsstat = nfs3Codecs[Nfs3Proc.FSSTAT];
  const stat = build((w) => {
    w.int32(Nfsstat3.NFS3_OK); w.bool(false);
    for (let i = 0; i < 6; i++) w.uint64(2n ** 63n - 1n);
    w.uint32(0);
  });
  const decodedStat = decodeAll(fsstat.decodeResult, stat);
  assert.equal(decodedStat.status === Nfsstat3.NFS3_OK && decodedStat.tfiles, Number.MAX_SAFE_INTEGER);
});

test('directory listings are bounded in entries', () => {
  const readdir = nfs3Codecs[Nfs3Proc.READDIR];
  const entries = Array.from({ length: NFS3_MAX_DIR_ENTRIES + 1 }, (_, i) => ({ fileid: BigInt(i), name: 'e', cookie: BigInt(i + 1) }));
  const result = { status: Nfsstat3.NFS3_OK, dirAttributes: undefined, cookieverf: Buffer.alloc(8), entries, eof: true } as const;
  rejects(readdir.decodeResult, encodeToBuffer(readdir.encodeResult, result), 'XDR_TOO_LONG', 'too many entries');
  const fits = { ...result, entries: entries.slice(1) };
  const decoded = decodeAll(readdir.decodeResult, encodeToBuffer(readdir.encodeResult, fits));
  assert.equal(decoded.status === Nfsstat3.NFS3_OK && decoded.entries.length, NFS3_MAX_DIR_ENTRIES);
});

test('verifiers must be 8 bytes when encoding', () => {
  const commit = nfs3Codecs[Nfs3Proc.COMMIT];
  const result = { status: Nfsstat3.NFS3_OK, fileWcc: { before: undefined, after: undefined }, verf: Buffer.alloc(7) } as const;
  assert.throws(() => encodeToBuffer(commit.encodeResult, result), RangeError);
});

test('MOUNT bounds: dirpath 1024, fhandle3 64, a handful of auth flavors', () => {
  rejects(decodeMntArgs, build((w) => w.string('/'.repeat(1025))), 'XDR_TOO_LONG', 'dirpath 1025');
  assert.equal(decodeAll(decodeMntArgs, build((w) => w.string('/'.repeat(1024)))).length, 1024);
  rejects(decodeMntResult, build((w) => { w.int32(0); w.opaque(fh(1, 65)); }), 'XDR_TOO_LONG', 'fhandle 65');
  rejects(decodeMntResult, build((w) => { w.int32(0); w.opaque(fh(1)); w.uint32(65); }), 'XDR_TOO_LONG', '65 flavors');
  rejects(decodeMntResult, build((w) => w.int32(3)), 'XDR_BAD_ENUM', 'mountstat3 3');
});
