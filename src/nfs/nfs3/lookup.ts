/** LOOKUP (RFC 1813 section 3.3.3): a name in a directory to a file handle. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { LookupArgs, LookupResOk, LookupResult } from '../types.js';
import { decodeDirAttributes, encodeDirAttributes } from './bodies.js';
import {
  decodeDirOpArgs3,
  decodeFh3,
  decodeNfs3Result,
  decodePostOpAttr,
  encodeDirOpArgs3,
  encodeFh3,
  encodeNfs3Result,
  encodePostOpAttr,
} from './common.js';

export function encodeLookupArgs(w: XdrWriter, args: LookupArgs): void {
  encodeDirOpArgs3(w, args.what);
}

export function decodeLookupArgs(r: XdrReader): LookupArgs {
  return { what: decodeDirOpArgs3(r) };
}

function encodeOk(w: XdrWriter, ok: LookupResOk): void {
  encodeFh3(w, ok.object);
  encodePostOpAttr(w, ok.objAttributes);
  encodePostOpAttr(w, ok.dirAttributes);
}

function decodeOk(r: XdrReader): LookupResOk {
  const object = decodeFh3(r);
  const objAttributes = decodePostOpAttr(r);
  const dirAttributes = decodePostOpAttr(r);
  return { object, objAttributes, dirAttributes };
}

export function encodeLookupResult(w: XdrWriter, result: LookupResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeDirAttributes);
}

export function decodeLookupResult(r: XdrReader): LookupResult {
  return decodeNfs3Result(r, decodeOk, decodeDirAttributes);
}
