/** PATHCONF (RFC 1813 section 3.3.20): POSIX pathconf values for an object. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { PathconfArgs, PathconfResOk, PathconfResult } from '../types.js';
import { decodeObjAttributes, encodeObjAttributes } from './bodies.js';
import {
  decodeFh3,
  decodeNfs3Result,
  decodePostOpAttr,
  encodeFh3,
  encodeNfs3Result,
  encodePostOpAttr,
} from './common.js';

export function encodePathconfArgs(w: XdrWriter, args: PathconfArgs): void {
  encodeFh3(w, args.object);
}

export function decodePathconfArgs(r: XdrReader): PathconfArgs {
  return { object: decodeFh3(r) };
}

function encodeOk(w: XdrWriter, ok: PathconfResOk): void {
  encodePostOpAttr(w, ok.objAttributes);
  w.uint32(ok.linkmax);
  w.uint32(ok.nameMax);
  w.bool(ok.noTrunc);
  w.bool(ok.chownRestricted);
  w.bool(ok.caseInsensitive);
  w.bool(ok.casePreserving);
}

function decodeOk(r: XdrReader): PathconfResOk {
  const objAttributes = decodePostOpAttr(r);
  const linkmax = r.uint32();
  const nameMax = r.uint32();
  const noTrunc = r.bool();
  const chownRestricted = r.bool();
  const caseInsensitive = r.bool();
  const casePreserving = r.bool();
  return { objAttributes, linkmax, nameMax, noTrunc, chownRestricted, caseInsensitive, casePreserving };
}

export function encodePathconfResult(w: XdrWriter, result: PathconfResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeObjAttributes);
}

export function decodePathconfResult(r: XdrReader): PathconfResult {
  return decodeNfs3Result(r, decodeOk, decodeObjAttributes);
}
