/** ACCESS (RFC 1813 section 3.3.4): which of the asked Access3 rights the caller has. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { AccessArgs, AccessResOk, AccessResult } from '../types.js';
import { decodeObjAttributes, encodeObjAttributes } from './bodies.js';
import {
  decodeFh3,
  decodeNfs3Result,
  decodePostOpAttr,
  encodeFh3,
  encodeNfs3Result,
  encodePostOpAttr,
} from './common.js';

export function encodeAccessArgs(w: XdrWriter, args: AccessArgs): void {
  encodeFh3(w, args.object);
  w.uint32(args.access);
}

export function decodeAccessArgs(r: XdrReader): AccessArgs {
  const object = decodeFh3(r);
  const access = r.uint32();
  return { object, access };
}

function encodeOk(w: XdrWriter, ok: AccessResOk): void {
  encodePostOpAttr(w, ok.objAttributes);
  w.uint32(ok.access);
}

function decodeOk(r: XdrReader): AccessResOk {
  const objAttributes = decodePostOpAttr(r);
  const access = r.uint32();
  return { objAttributes, access };
}

export function encodeAccessResult(w: XdrWriter, result: AccessResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeObjAttributes);
}

export function decodeAccessResult(r: XdrReader): AccessResult {
  return decodeNfs3Result(r, decodeOk, decodeObjAttributes);
}
