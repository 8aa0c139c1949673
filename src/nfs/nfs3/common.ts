/**
 * Codecs for the RFC 1813 section 2.6 data types that several procedures share: file
 * handles, times, attributes, weak cache consistency data, sattr3 and diropargs3.
 */
import { XdrError } from '../../xdr/index.js';
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import { Ftype3, NFS3_FHSIZE, Nfsstat3, StableHow, TimeHow } from '../constants.js';
import { NFS3_MAX_DATA_BYTES, NFS3_MAX_NAME_BYTES, NFS3_MAX_PATH_BYTES } from '../limits.js';
import type {
  DirOpArgs3,
  Fattr3,
  Nfs3Result,
  Nfstime3,
  PostOpAttr,
  PostOpFh3,
  PreOpAttr,
  Sattr3,
  SetTime,
  Specdata3,
  WccAttr,
  WccData,
} from '../types.js';

const nfsstat3Values: ReadonlySet<number> = new Set(Object.values(Nfsstat3));
const ftype3Values: ReadonlySet<number> = new Set(Object.values(Ftype3));
const stableHowValues: ReadonlySet<number> = new Set(Object.values(StableHow));
const timeHowValues: ReadonlySet<number> = new Set(Object.values(TimeHow));

/** Verifiers (cookieverf3, createverf3, writeverf3) are all opaque[8]. */
const VERIFIER_BYTES = 8;

// ---- enums

export function decodeNfsstat3(r: XdrReader): Nfsstat3 {
  return r.enumOf<Nfsstat3>(nfsstat3Values, 'nfsstat3');
}

export function decodeFtype3(r: XdrReader): Ftype3 {
  return r.enumOf<Ftype3>(ftype3Values, 'ftype3');
}

export function decodeStableHow(r: XdrReader): StableHow {
  return r.enumOf<StableHow>(stableHowValues, 'stable_how');
}

// ---- opaque items

/** nfs_fh3: opaque<NFS3_FHSIZE>. */
export function encodeFh3(w: XdrWriter, fh: Buffer): void {
  if (fh.length > NFS3_FHSIZE) throw new RangeError(`file handle of ${fh.length} bytes exceeds NFS3_FHSIZE`);
  w.opaque(fh);
}

export function decodeFh3(r: XdrReader): Buffer {
  return r.opaque(NFS3_FHSIZE);
}

/** cookieverf3 / createverf3 / writeverf3: opaque[8]. */
export function encodeVerifier(w: XdrWriter, verf: Buffer): void {
  if (verf.length !== VERIFIER_BYTES) throw new RangeError(`verifier must be ${VERIFIER_BYTES} bytes, got ${verf.length}`);
  w.opaqueFixed(verf);
}

export function decodeVerifier(r: XdrReader): Buffer {
  return r.opaqueFixed(VERIFIER_BYTES);
}

/**
 * filename3, bounded by NFS3_MAX_NAME_BYTES. Names are bytes on the wire (RFC 1813
 * section 2.5); we require UTF-8 and refuse anything else (XDR_BAD_STRING) rather than
 * replace bytes, which would make a proxy hand back a different name than it received.
 */
export function encodeFilename3(w: XdrWriter, name: string): void {
  w.string(name);
}

export function decodeFilename3(r: XdrReader): string {
  return r.strictString(NFS3_MAX_NAME_BYTES);
}

/** nfspath3, bounded by NFS3_MAX_PATH_BYTES, UTF-8 like filename3. */
export function encodeNfspath3(w: XdrWriter, path: string): void {
  w.string(path);
}

export function decodeNfspath3(r: XdrReader): string {
  return r.strictString(NFS3_MAX_PATH_BYTES);
}

// ---- 64-bit sizes

/** size3 / offset3 as a number; values beyond 2^53 are an XdrError. */
export function decodeSize3(r: XdrReader): number {
  return r.uint64Number();
}

/**
 * A size3 that is a limit or a counter (FSINFO maxfilesize, FSSTAT totals): servers
 * report "unlimited" as 2^63-1 or 2^64-1 (nfs-ganesha does for maxfilesize), so such
 * values saturate at Number.MAX_SAFE_INTEGER instead of failing the whole reply.
 */
export function decodeSize3Saturating(r: XdrReader): number {
  const value = r.uint64();
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

// ---- times and device numbers

export function encodeNfstime3(w: XdrWriter, time: Nfstime3): void {
  w.uint32(time.seconds);
  w.uint32(time.nseconds);
}

export function decodeNfstime3(r: XdrReader): Nfstime3 {
  const seconds = r.uint32();
  const nseconds = r.uint32();
  return { seconds, nseconds };
}

export function encodeSpecdata3(w: XdrWriter, spec: Specdata3): void {
  w.uint32(spec.specdata1);
  w.uint32(spec.specdata2);
}

export function decodeSpecdata3(r: XdrReader): Specdata3 {
  const specdata1 = r.uint32();
  const specdata2 = r.uint32();
  return { specdata1, specdata2 };
}

// ---- attributes

/** fattr3: 84 bytes on the wire. */
export function encodeFattr3(w: XdrWriter, attrs: Fattr3): void {
  w.int32(attrs.type);
  w.uint32(attrs.mode);
  w.uint32(attrs.nlink);
  w.uint32(attrs.uid);
  w.uint32(attrs.gid);
  w.uint64(attrs.size);
  w.uint64(attrs.used);
  encodeSpecdata3(w, attrs.rdev);
  w.uint64(attrs.fsid);
  w.uint64(attrs.fileid);
  encodeNfstime3(w, attrs.atime);
  encodeNfstime3(w, attrs.mtime);
  encodeNfstime3(w, attrs.ctime);
}

export function decodeFattr3(r: XdrReader): Fattr3 {
  const type = decodeFtype3(r);
  const mode = r.uint32();
  const nlink = r.uint32();
  const uid = r.uint32();
  const gid = r.uint32();
  const size = decodeSize3(r);
  const used = decodeSize3(r);
  const rdev = decodeSpecdata3(r);
  const fsid = r.uint64();
  const fileid = r.uint64();
  const atime = decodeNfstime3(r);
  const mtime = decodeNfstime3(r);
  const ctime = decodeNfstime3(r);
  return { type, mode, nlink, uid, gid, size, used, rdev, fsid, fileid, atime, mtime, ctime };
}

export function encodePostOpAttr(w: XdrWriter, attrs: PostOpAttr): void {
  w.optional(attrs, encodeFattr3);
}

export function decodePostOpAttr(r: XdrReader): PostOpAttr {
  return r.optional(decodeFattr3);
}

export function encodeWccAttr(w: XdrWriter, attrs: WccAttr): void {
  w.uint64(attrs.size);
  encodeNfstime3(w, attrs.mtime);
  encodeNfstime3(w, attrs.ctime);
}

export function decodeWccAttr(r: XdrReader): WccAttr {
  const size = decodeSize3(r);
  const mtime = decodeNfstime3(r);
  const ctime = decodeNfstime3(r);
  return { size, mtime, ctime };
}

export function encodePreOpAttr(w: XdrWriter, attrs: PreOpAttr): void {
  w.optional(attrs, encodeWccAttr);
}

export function decodePreOpAttr(r: XdrReader): PreOpAttr {
  return r.optional(decodeWccAttr);
}

export function encodeWccData(w: XdrWriter, wcc: WccData): void {
  encodePreOpAttr(w, wcc.before);
  encodePostOpAttr(w, wcc.after);
}

export function decodeWccData(r: XdrReader): WccData {
  const before = decodePreOpAttr(r);
  const after = decodePostOpAttr(r);
  return { before, after };
}

export function encodePostOpFh3(w: XdrWriter, fh: PostOpFh3): void {
  w.optional(fh, encodeFh3);
}

export function decodePostOpFh3(r: XdrReader): PostOpFh3 {
  return r.optional(decodeFh3);
}

// ---- sattr3

function encodeSetTime(w: XdrWriter, time: SetTime): void {
  switch (time.how) {
    case 'dont-change':
      w.int32(TimeHow.DONT_CHANGE);
      return;
    case 'server':
      w.int32(TimeHow.SET_TO_SERVER_TIME);
      return;
    case 'client':
      w.int32(TimeHow.SET_TO_CLIENT_TIME);
      encodeNfstime3(w, time.time);
      return;
  }
}

function decodeSetTime(r: XdrReader): SetTime {
  const how = r.enumOf<TimeHow>(timeHowValues, 'time_how');
  switch (how) {
    case TimeHow.DONT_CHANGE:
      return { how: 'dont-change' };
    case TimeHow.SET_TO_SERVER_TIME:
      return { how: 'server' };
    case TimeHow.SET_TO_CLIENT_TIME:
      return { how: 'client', time: decodeNfstime3(r) };
  }
}

/** sattr3: each of mode/uid/gid/size is a set_it bool then the value (RFC 1813 section 2.6). */
export function encodeSattr3(w: XdrWriter, attrs: Sattr3): void {
  w.optional(attrs.mode, (writer, mode) => writer.uint32(mode));
  w.optional(attrs.uid, (writer, uid) => writer.uint32(uid));
  w.optional(attrs.gid, (writer, gid) => writer.uint32(gid));
  w.optional(attrs.size, (writer, size) => writer.uint64(size));
  encodeSetTime(w, attrs.atime);
  encodeSetTime(w, attrs.mtime);
}

/** Fields not set on the wire are absent from the result (not present-but-undefined). */
export function decodeSattr3(r: XdrReader): Sattr3 {
  const mode = r.optional((reader) => reader.uint32());
  const uid = r.optional((reader) => reader.uint32());
  const gid = r.optional((reader) => reader.uint32());
  const size = r.optional(decodeSize3);
  const atime = decodeSetTime(r);
  const mtime = decodeSetTime(r);
  const attrs: Sattr3 = { atime, mtime };
  if (mode !== undefined) attrs.mode = mode;
  if (uid !== undefined) attrs.uid = uid;
  if (gid !== undefined) attrs.gid = gid;
  if (size !== undefined) attrs.size = size;
  return attrs;
}

// ---- diropargs3

export function encodeDirOpArgs3(w: XdrWriter, args: DirOpArgs3): void {
  encodeFh3(w, args.dir);
  encodeFilename3(w, args.name);
}

export function decodeDirOpArgs3(r: XdrReader): DirOpArgs3 {
  const dir = decodeFh3(r);
  const name = decodeFilename3(r);
  return { dir, name };
}

// ---- the result union every procedure shares

/** Writes nfsstat3 then the resok or resfail arm. */
export function encodeNfs3Result<Ok, Fail>(
  w: XdrWriter,
  result: Nfs3Result<Ok, Fail>,
  encodeOk: (writer: XdrWriter, ok: Ok) => void,
  encodeFail: (writer: XdrWriter, fail: Fail) => void,
): void {
  w.int32(result.status);
  if (isOk(result)) encodeOk(w, result);
  else encodeFail(w, result);
}

export function decodeNfs3Result<Ok, Fail>(
  r: XdrReader,
  decodeOk: (reader: XdrReader) => Ok,
  decodeFail: (reader: XdrReader) => Fail,
): Nfs3Result<Ok, Fail> {
  const status = decodeNfsstat3(r);
  if (status === Nfsstat3.NFS3_OK) return { status, ...decodeOk(r) };
  return { status, ...decodeFail(r) };
}

function isOk<Ok, Fail>(result: Nfs3Result<Ok, Fail>): result is { status: typeof Nfsstat3.NFS3_OK } & Ok {
  return result.status === Nfsstat3.NFS3_OK;
}

/** For failure arms that carry nothing after the status. */
export function encodeNothing(): void {}

export function decodeNothing(): Record<never, never> {
  return {};
}

/**
 * READ and WRITE send a count and then the data, which must agree (the Linux server
 * rejects a WRITE whose count differs from the data length as garbage).
 */
export function checkDataCount(count: number, data: Buffer, what: string): void {
  if (count === data.length) return;
  const code = data.length < count ? 'XDR_SHORT' : 'XDR_TOO_LONG';
  throw new XdrError(code, `${what}: count ${count} but ${data.length} bytes of data`);
}

/** READ/WRITE payloads: a zero-copy slice bounded by NFS3_MAX_DATA_BYTES. */
export function decodeData(r: XdrReader): Buffer {
  return r.opaque(NFS3_MAX_DATA_BYTES);
}
