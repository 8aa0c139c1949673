/** WRITE (RFC 1813 section 3.3.7): bytes into a regular file. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { WriteArgs, WriteResOk, WriteResult } from '../types.js';
import { decodeFileWcc, encodeFileWcc } from './bodies.js';
import {
  checkDataCount,
  decodeData,
  decodeFh3,
  decodeNfs3Result,
  decodeSize3,
  decodeStableHow,
  decodeVerifier,
  decodeWccData,
  encodeFh3,
  encodeNfs3Result,
  encodeVerifier,
  encodeWccData,
} from './common.js';

export function encodeWriteArgs(w: XdrWriter, args: WriteArgs): void {
  encodeFh3(w, args.file);
  w.uint64(args.offset);
  w.uint32(args.count);
  w.int32(args.stable);
  w.opaque(args.data);
}

/** The data is a zero-copy slice of the call's record; count must equal its length. */
export function decodeWriteArgs(r: XdrReader): WriteArgs {
  const file = decodeFh3(r);
  const offset = decodeSize3(r);
  const count = r.uint32();
  const stable = decodeStableHow(r);
  const data = decodeData(r);
  checkDataCount(count, data, 'WRITE3args');
  return { file, offset, count, stable, data };
}

function encodeOk(w: XdrWriter, ok: WriteResOk): void {
  encodeWccData(w, ok.fileWcc);
  w.uint32(ok.count);
  w.int32(ok.committed);
  encodeVerifier(w, ok.verf);
}

function decodeOk(r: XdrReader): WriteResOk {
  const fileWcc = decodeWccData(r);
  const count = r.uint32();
  const committed = decodeStableHow(r);
  const verf = decodeVerifier(r);
  return { fileWcc, count, committed, verf };
}

export function encodeWriteResult(w: XdrWriter, result: WriteResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeFileWcc);
}

export function decodeWriteResult(r: XdrReader): WriteResult {
  return decodeNfs3Result(r, decodeOk, decodeFileWcc);
}
