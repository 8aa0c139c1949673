/**
 * One sample argument and a success and a failure result for every NFSv3 procedure,
 * filled with distinct non-zero values so a swapped or dropped field shows up.
 */
import { XdrReader, XdrWriter } from '../../src/xdr/index.js';
import { Ftype3, Nfs3Proc, Nfsstat3, StableHow } from '../../src/nfs/index.js';
import type { Fattr3, Nfs3ProcTypes, Sattr3, WccData } from '../../src/nfs/index.js';

export const fh = (seed: number, length = 28): Buffer => Buffer.alloc(length, seed);

export const sampleFattr3: Fattr3 = {
  type: Ftype3.NF3REG,
  mode: 0o100644,
  nlink: 2,
  uid: 1000,
  gid: 100,
  size: 2 ** 40 + 5,
  used: 8192,
  rdev: { specdata1: 8, specdata2: 1 },
  fsid: 0x0123456789abcdefn,
  fileid: 0xfedcba9876543210n,
  atime: { seconds: 1_700_000_000, nseconds: 1 },
  mtime: { seconds: 1_700_000_001, nseconds: 999_999_999 },
  ctime: { seconds: 1_700_000_002, nseconds: 3 },
};

const dirAttrs: Fattr3 = { ...sampleFattr3, type: Ftype3.NF3DIR, mode: 0o40755, size: 4096, fileid: 2n };

export const sampleWcc: WccData = {
  before: { size: 100, mtime: { seconds: 5, nseconds: 6 }, ctime: { seconds: 7, nseconds: 8 } },
  after: sampleFattr3,
};

const emptyWcc: WccData = { before: undefined, after: undefined };

export const fullSattr3: Sattr3 = {
  mode: 0o600,
  uid: 0,
  gid: 65534,
  size: 12345,
  atime: { how: 'client', time: { seconds: 11, nseconds: 12 } },
  mtime: { how: 'server' },
};

const emptySattr3: Sattr3 = { atime: { how: 'dont-change' }, mtime: { how: 'dont-change' } };

const verf = (seed: number): Buffer => Buffer.alloc(8, seed);

/** A payload large enough that XdrWriter appends it by reference. */
export const readPayload = Buffer.from(Array.from({ length: 4099 }, (_, i) => i % 251));

type Samples = {
  [P in Nfs3Proc]: { args: Nfs3ProcTypes[P]['args']; results: Nfs3ProcTypes[P]['result'][] };
};

const newObjectOk = { obj: fh(9), objAttributes: sampleFattr3, dirWcc: sampleWcc };

export const nfs3Samples: Samples = {
  [Nfs3Proc.NULL]: { args: undefined, results: [undefined] },
  [Nfs3Proc.GETATTR]: {
    args: { object: fh(1) },
    results: [
      { status: Nfsstat3.NFS3_OK, objAttributes: sampleFattr3 },
      { status: Nfsstat3.NFS3ERR_STALE },
    ],
  },
  [Nfs3Proc.SETATTR]: {
    args: { object: fh(1, 64), newAttributes: fullSattr3, guard: { seconds: 3, nseconds: 4 } },
    results: [
      { status: Nfsstat3.NFS3_OK, objWcc: sampleWcc },
      { status: Nfsstat3.NFS3ERR_NOT_SYNC, objWcc: emptyWcc },
    ],
  },
  [Nfs3Proc.LOOKUP]: {
    args: { what: { dir: fh(2), name: 'vmlinuz-6.1.0' } },
    results: [
      { status: Nfsstat3.NFS3_OK, object: fh(3, 32), objAttributes: sampleFattr3, dirAttributes: dirAttrs },
      { status: Nfsstat3.NFS3ERR_NOENT, dirAttributes: dirAttrs },
    ],
  },
  [Nfs3Proc.ACCESS]: {
    args: { object: fh(4), access: 0x3f },
    results: [
      { status: Nfsstat3.NFS3_OK, objAttributes: undefined, access: 0x1b },
      { status: Nfsstat3.NFS3ERR_ACCES, objAttributes: sampleFattr3 },
    ],
  },
  [Nfs3Proc.READLINK]: {
    args: { symlink: fh(5) },
    results: [
      { status: Nfsstat3.NFS3_OK, symlinkAttributes: sampleFattr3, data: 'usr/lib/systemd/systemd' },
      { status: Nfsstat3.NFS3ERR_INVAL, symlinkAttributes: undefined },
    ],
  },
  [Nfs3Proc.READ]: {
    args: { file: fh(6), offset: 2 ** 33 + 7, count: 32768 },
    results: [
      { status: Nfsstat3.NFS3_OK, fileAttributes: sampleFattr3, count: readPayload.length, eof: true, data: readPayload },
      { status: Nfsstat3.NFS3ERR_IO, fileAttributes: sampleFattr3 },
    ],
  },
  [Nfs3Proc.WRITE]: {
    args: { file: fh(7), offset: 8192, count: 5, stable: StableHow.DATA_SYNC, data: Buffer.from('hello') },
    results: [
      { status: Nfsstat3.NFS3_OK, fileWcc: sampleWcc, count: 5, committed: StableHow.FILE_SYNC, verf: verf(0xa5) },
      { status: Nfsstat3.NFS3ERR_NOSPC, fileWcc: sampleWcc },
    ],
  },
  [Nfs3Proc.CREATE]: {
    args: { where: { dir: fh(8), name: 'machine-id' }, how: { mode: 'guarded', attributes: fullSattr3 } },
    results: [
      { status: Nfsstat3.NFS3_OK, ...newObjectOk },
      { status: Nfsstat3.NFS3ERR_EXIST, dirWcc: sampleWcc },
    ],
  },
  [Nfs3Proc.MKDIR]: {
    args: { where: { dir: fh(8), name: 'journal' }, attributes: emptySattr3 },
    results: [
      { status: Nfsstat3.NFS3_OK, obj: undefined, objAttributes: undefined, dirWcc: emptyWcc },
      { status: Nfsstat3.NFS3ERR_ROFS, dirWcc: emptyWcc },
    ],
  },
  [Nfs3Proc.SYMLINK]: {
    args: {
      where: { dir: fh(8), name: 'init' },
      symlink: { symlinkAttributes: { ...emptySattr3, mode: 0o777 }, symlinkData: '/lib/systemd/systemd' },
    },
    results: [
      { status: Nfsstat3.NFS3_OK, ...newObjectOk },
      { status: Nfsstat3.NFS3ERR_NAMETOOLONG, dirWcc: sampleWcc },
    ],
  },
  [Nfs3Proc.MKNOD]: {
    args: {
      where: { dir: fh(8), name: 'null' },
      what: { type: Ftype3.NF3CHR, devAttributes: fullSattr3, spec: { specdata1: 1, specdata2: 3 } },
    },
    results: [
      { status: Nfsstat3.NFS3_OK, ...newObjectOk },
      { status: Nfsstat3.NFS3ERR_BADTYPE, dirWcc: sampleWcc },
    ],
  },
  [Nfs3Proc.REMOVE]: {
    args: { object: { dir: fh(10), name: 'lock' } },
    results: [
      { status: Nfsstat3.NFS3_OK, dirWcc: sampleWcc },
      { status: Nfsstat3.NFS3ERR_ISDIR, dirWcc: emptyWcc },
    ],
  },
  [Nfs3Proc.RMDIR]: {
    args: { object: { dir: fh(10), name: 'tmp.d' } },
    results: [
      { status: Nfsstat3.NFS3_OK, dirWcc: sampleWcc },
      { status: Nfsstat3.NFS3ERR_NOTEMPTY, dirWcc: sampleWcc },
    ],
  },
  [Nfs3Proc.RENAME]: {
    args: { from: { dir: fh(11), name: 'a.tmp' }, to: { dir: fh(12), name: 'a' } },
    results: [
      { status: Nfsstat3.NFS3_OK, fromdirWcc: sampleWcc, todirWcc: emptyWcc },
      { status: Nfsstat3.NFS3ERR_XDEV, fromdirWcc: emptyWcc, todirWcc: sampleWcc },
    ],
  },
  [Nfs3Proc.LINK]: {
    args: { file: fh(13), link: { dir: fh(14), name: 'hard' } },
    results: [
      { status: Nfsstat3.NFS3_OK, fileAttributes: sampleFattr3, linkdirWcc: sampleWcc },
      { status: Nfsstat3.NFS3ERR_MLINK, fileAttributes: undefined, linkdirWcc: emptyWcc },
    ],
  },
  [Nfs3Proc.READDIR]: {
    args: { dir: fh(15), cookie: 0xffffffffffffffffn, cookieverf: verf(1), count: 4096 },
    results: [
      {
        status: Nfsstat3.NFS3_OK,
        dirAttributes: dirAttrs,
        cookieverf: verf(2),
        entries: [
          { fileid: 2n, name: '.', cookie: 1n },
          { fileid: 1n, name: '..', cookie: 2n },
          { fileid: 0x8000000000000001n, name: 'größe.txt', cookie: 0xfffffffffffffffen },
        ],
        eof: true,
      },
      { status: Nfsstat3.NFS3ERR_BAD_COOKIE, dirAttributes: undefined },
    ],
  },
  [Nfs3Proc.READDIRPLUS]: {
    args: { dir: fh(16), cookie: 3n, cookieverf: verf(3), dircount: 1024, maxcount: 32768 },
    results: [
      {
        status: Nfsstat3.NFS3_OK,
        dirAttributes: undefined,
        cookieverf: verf(4),
        entries: [
          { fileid: 7n, name: 'bin', cookie: 4n, nameAttributes: sampleFattr3, nameHandle: fh(17, 64) },
          { fileid: 8n, name: 'x', cookie: 5n, nameAttributes: undefined, nameHandle: undefined },
        ],
        eof: false,
      },
      { status: Nfsstat3.NFS3ERR_TOOSMALL, dirAttributes: dirAttrs },
    ],
  },
  [Nfs3Proc.FSSTAT]: {
    args: { fsroot: fh(18) },
    results: [
      {
        status: Nfsstat3.NFS3_OK,
        objAttributes: dirAttrs,
        tbytes: 2 ** 45,
        fbytes: 2 ** 44,
        abytes: 2 ** 43,
        tfiles: 1_000_000,
        ffiles: 900_000,
        afiles: 800_000,
        invarsec: 0,
      },
      { status: Nfsstat3.NFS3ERR_SERVERFAULT, objAttributes: undefined },
    ],
  },
  [Nfs3Proc.FSINFO]: {
    args: { fsroot: fh(19) },
    results: [
      {
        status: Nfsstat3.NFS3_OK,
        objAttributes: dirAttrs,
        rtmax: 1048576,
        rtpref: 1048576,
        rtmult: 4096,
        wtmax: 1048576,
        wtpref: 1048576,
        wtmult: 4096,
        dtpref: 32768,
        maxfilesize: Number.MAX_SAFE_INTEGER,
        timeDelta: { seconds: 0, nseconds: 1 },
        properties: 0x1b,
      },
      { status: Nfsstat3.NFS3ERR_BADHANDLE, objAttributes: undefined },
    ],
  },
  [Nfs3Proc.PATHCONF]: {
    args: { object: fh(20) },
    results: [
      {
        status: Nfsstat3.NFS3_OK,
        objAttributes: sampleFattr3,
        linkmax: 65000,
        nameMax: 255,
        noTrunc: true,
        chownRestricted: true,
        caseInsensitive: false,
        casePreserving: true,
      },
      { status: Nfsstat3.NFS3ERR_NOTSUPP, objAttributes: sampleFattr3 },
    ],
  },
  [Nfs3Proc.COMMIT]: {
    args: { file: fh(21), offset: 0, count: 0 },
    results: [
      { status: Nfsstat3.NFS3_OK, fileWcc: sampleWcc, verf: verf(0x5a) },
      { status: Nfsstat3.NFS3ERR_JUKEBOX, fileWcc: emptyWcc },
    ],
  },
};

/** Encodes one value with an encoder into a single Buffer. */
export function encodeToBuffer<T>(encode: (w: XdrWriter, value: T) => void, value: T): Buffer {
  const writer = new XdrWriter();
  encode(writer, value);
  return writer.toBuffer();
}

/** Decodes a whole buffer, failing if the decoder leaves bytes unread. */
export function decodeAll<T>(decode: (r: XdrReader) => T, bytes: Buffer): T {
  const reader = new XdrReader(bytes);
  const value = decode(reader);
  if (reader.remaining !== 0) throw new Error(`decoder left ${reader.remaining} of ${bytes.length} bytes`);
  return value;
}

/** A small deterministic PRNG (mulberry32) so fuzz failures reproduce. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
