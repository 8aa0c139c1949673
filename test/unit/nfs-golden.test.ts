/**
 * Byte-exact encodings written by hand from the XDR definitions in RFC 1813 sections 2.6
 * and 3.3 (and RFC 1833 for the portmapper), checked in both directions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Ftype3,
  Mountstat3,
  Nfs3Proc,
  Nfsstat3,
  StableHow,
  decodeFattr3,
  decodeMapping,
  decodeMntResult,
  encodeFattr3,
  encodeMapping,
  encodeMntResult,
  nfs3Codecs,
} from '../../src/nfs/index.js';
import type { Fattr3 } from '../../src/nfs/index.js';
import type { XdrReader, XdrWriter } from '../../src/xdr/index.js';
import { decodeAll, encodeToBuffer } from './nfs-samples.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function golden<T>(
  encode: (w: XdrWriter, v: T) => void,
  decode: (r: XdrReader) => T,
  value: T,
  bytes: Buffer,
  label: string,
): void {
  assert.equal(encodeToBuffer(encode, value).toString('hex'), bytes.toString('hex'), `${label} encodes`);
  assert.deepEqual(decodeAll(decode, bytes), value, `${label} decodes`);
}

const dirAttrs: Fattr3 = {
  type: Ftype3.NF3DIR,
  mode: 0o755,
  nlink: 3,
  uid: 0,
  gid: 0,
  size: 4096,
  used: 4096,
  rdev: { specdata1: 0, specdata2: 0 },
  fsid: 0x1122334455667788n,
  fileid: 42n,
  atime: { seconds: 1, nseconds: 2 },
  mtime: { seconds: 3, nseconds: 4 },
  ctime: { seconds: 5, nseconds: 6 },
};

// fattr3: type, mode, nlink, uid, gid, size3 size, size3 used, specdata3 rdev, uint64 fsid,
// fileid3 fileid, nfstime3 atime, mtime, ctime: 84 bytes.
const dirAttrsBytes = hex(`
  00000002 000001ed 00000003 00000000 00000000
  00000000 00001000 00000000 00001000
  00000000 00000000
  11223344 55667788
  00000000 0000002a
  00000001 00000002 00000003 00000004 00000005 00000006`);

test('fattr3 has the RFC 1813 layout', () => {
  assert.equal(dirAttrsBytes.length, 84);
  golden(encodeFattr3, decodeFattr3, dirAttrs, dirAttrsBytes, 'fattr3');
});

test('GETATTR arguments and results', () => {
  const codec = nfs3Codecs[Nfs3Proc.GETATTR];
  // nfs_fh3 is opaque<64>: length, bytes, zero padding to four.
  golden(codec.encodeArgs, codec.decodeArgs, { object: hex('0102030405') }, hex('00000005 01020304 05000000'), 'args');
  golden(
    codec.encodeResult,
    codec.decodeResult,
    { status: Nfsstat3.NFS3_OK, objAttributes: dirAttrs },
    Buffer.concat([hex('00000000'), dirAttrsBytes]),
    'resok',
  );
  golden(codec.encodeResult, codec.decodeResult, { status: Nfsstat3.NFS3ERR_STALE }, hex('00000046'), 'resfail');
});

test('LOOKUP arguments: diropargs3 with a padded name', () => {
  const codec = nfs3Codecs[Nfs3Proc.LOOKUP];
  golden(
    codec.encodeArgs,
    codec.decodeArgs,
    { what: { dir: hex('aabbccdd'), name: 'etc' } },
    hex('00000004 aabbccdd 00000003 65746300'),
    'args',
  );
});

test('SETATTR arguments: sattr3 set_it arms and an absent guard', () => {
  const codec = nfs3Codecs[Nfs3Proc.SETATTR];
  golden(
    codec.encodeArgs,
    codec.decodeArgs,
    {
      object: Buffer.alloc(0),
      newAttributes: { mode: 0o644, atime: { how: 'dont-change' }, mtime: { how: 'server' } },
      guard: undefined,
    },
    // fh length 0 | mode set 0644 | uid, gid, size unset | DONT_CHANGE | SET_TO_SERVER_TIME | no guard
    hex('00000000 00000001 000001a4 00000000 00000000 00000000 00000000 00000001 00000000'),
    'args',
  );
});

test('READ and WRITE arguments', () => {
  const read = nfs3Codecs[Nfs3Proc.READ];
  golden(
    read.encodeArgs,
    read.decodeArgs,
    { file: hex('abcd'), offset: 2 ** 32, count: 8192 },
    hex('00000002 abcd0000 00000001 00000000 00002000'),
    'READ args',
  );
  const write = nfs3Codecs[Nfs3Proc.WRITE];
  golden(
    write.encodeArgs,
    write.decodeArgs,
    { file: hex('01'), offset: 0, count: 3, stable: StableHow.FILE_SYNC, data: Buffer.from('abc') },
    hex('00000001 01000000 00000000 00000000 00000003 00000002 00000003 61626300'),
    'WRITE args',
  );
});

test('CREATE EXCLUSIVE arguments carry the createverf3 without a length', () => {
  const codec = nfs3Codecs[Nfs3Proc.CREATE];
  golden(
    codec.encodeArgs,
    codec.decodeArgs,
    { where: { dir: hex('ff'), name: 'x' }, how: { mode: 'exclusive', verf: hex('0001020304050607') } },
    hex('00000001 ff000000 00000001 78000000 00000002 00010203 04050607'),
    'args',
  );
});

test('READDIR result: dirlist3 is a linked list then eof', () => {
  const codec = nfs3Codecs[Nfs3Proc.READDIR];
  golden(
    codec.encodeResult,
    codec.decodeResult,
    {
      status: Nfsstat3.NFS3_OK,
      dirAttributes: undefined,
      cookieverf: hex('0102030405060708'),
      entries: [{ fileid: 5n, name: 'a', cookie: 9n }],
      eof: true,
    },
    // status | no dir attrs | cookieverf | entry follows, fileid, name, cookie | no more | eof
    hex(`00000000 00000000 01020304 05060708
         00000001 00000000 00000005 00000001 61000000 00000000 00000009
         00000000 00000001`),
    'resok',
  );
});

test('MOUNT MNT result and a portmapper mapping', () => {
  golden(
    encodeMntResult,
    decodeMntResult,
    { status: Mountstat3.MNT3_OK, fhandle: hex('deadbeef'), authFlavors: [1] },
    hex('00000000 00000004 deadbeef 00000001 00000001'),
    'mountres3',
  );
  golden(encodeMntResult, decodeMntResult, { status: Mountstat3.MNT3ERR_ACCES }, hex('0000000d'), 'mountres3 fail');
  golden(
    encodeMapping,
    decodeMapping,
    { prog: 100003, vers: 3, prot: 6, port: 2049 },
    hex('000186a3 00000003 00000006 00000801'),
    'mapping',
  );
});
