/** READ (RFC 1813 section 3.3.6): bytes from a regular file. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { ReadArgs, ReadResFail, ReadResOk, ReadResult } from '../types.js';
import {
  checkDataCount,
  decodeData,
  decodeFh3,
  decodeNfs3Result,
  decodePostOpAttr,
  decodeSize3,
  encodeFh3,
  encodeNfs3Result,
  encodePostOpAttr,
} from './common.js';

export function encodeReadArgs(w: XdrWriter, args: ReadArgs): void {
  encodeFh3(w, args.file);
  w.uint64(args.offset);
  w.uint32(args.count);
}

export function decodeReadArgs(r: XdrReader): ReadArgs {
  const file = decodeFh3(r);
  const offset = decodeSize3(r);
  const count = r.uint32();
  return { file, offset, count };
}

/** The payload goes out by reference (XdrWriter keeps large opaques as chunks). */
function encodeOk(w: XdrWriter, ok: ReadResOk): void {
  encodePostOpAttr(w, ok.fileAttributes);
  w.uint32(ok.count);
  w.bool(ok.eof);
  w.opaque(ok.data);
}

function decodeOk(r: XdrReader): ReadResOk {
  const fileAttributes = decodePostOpAttr(r);
  const count = r.uint32();
  const eof = r.bool();
  const data = decodeData(r);
  checkDataCount(count, data, 'READ3resok');
  return { fileAttributes, count, eof, data };
}

function encodeFail(w: XdrWriter, fail: ReadResFail): void {
  encodePostOpAttr(w, fail.fileAttributes);
}

function decodeFail(r: XdrReader): ReadResFail {
  return { fileAttributes: decodePostOpAttr(r) };
}

export function encodeReadResult(w: XdrWriter, result: ReadResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeFail);
}

export function decodeReadResult(r: XdrReader): ReadResult {
  return decodeNfs3Result(r, decodeOk, decodeFail);
}
