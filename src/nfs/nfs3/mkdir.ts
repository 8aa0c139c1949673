/** MKDIR (RFC 1813 section 3.3.9): a new directory. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { MkdirArgs, MkdirResult } from '../types.js';
import { decodeDirWcc, decodeNewObjectResOk, encodeDirWcc, encodeNewObjectResOk } from './bodies.js';
import {
  decodeDirOpArgs3,
  decodeNfs3Result,
  decodeSattr3,
  encodeDirOpArgs3,
  encodeNfs3Result,
  encodeSattr3,
} from './common.js';

export function encodeMkdirArgs(w: XdrWriter, args: MkdirArgs): void {
  encodeDirOpArgs3(w, args.where);
  encodeSattr3(w, args.attributes);
}

export function decodeMkdirArgs(r: XdrReader): MkdirArgs {
  const where = decodeDirOpArgs3(r);
  const attributes = decodeSattr3(r);
  return { where, attributes };
}

export function encodeMkdirResult(w: XdrWriter, result: MkdirResult): void {
  encodeNfs3Result(w, result, encodeNewObjectResOk, encodeDirWcc);
}

export function decodeMkdirResult(r: XdrReader): MkdirResult {
  return decodeNfs3Result(r, decodeNewObjectResOk, decodeDirWcc);
}
