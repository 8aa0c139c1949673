/** GETATTR (RFC 1813 section 3.3.1): the attributes of an object. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { GetattrArgs, GetattrResOk, GetattrResult } from '../types.js';
import {
  decodeFattr3,
  decodeFh3,
  decodeNfs3Result,
  decodeNothing,
  encodeFattr3,
  encodeFh3,
  encodeNfs3Result,
  encodeNothing,
} from './common.js';

export function encodeGetattrArgs(w: XdrWriter, args: GetattrArgs): void {
  encodeFh3(w, args.object);
}

export function decodeGetattrArgs(r: XdrReader): GetattrArgs {
  return { object: decodeFh3(r) };
}

function encodeOk(w: XdrWriter, ok: GetattrResOk): void {
  encodeFattr3(w, ok.objAttributes);
}

function decodeOk(r: XdrReader): GetattrResOk {
  return { objAttributes: decodeFattr3(r) };
}

export function encodeGetattrResult(w: XdrWriter, result: GetattrResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeNothing);
}

export function decodeGetattrResult(r: XdrReader): GetattrResult {
  return decodeNfs3Result(r, decodeOk, decodeNothing);
}
