/** SETATTR (RFC 1813 section 3.3.2): change attributes, optionally guarded by ctime. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { SetattrArgs, SetattrResOk, SetattrResult } from '../types.js';
import {
  decodeFh3,
  decodeNfs3Result,
  decodeNfstime3,
  decodeSattr3,
  decodeWccData,
  encodeFh3,
  encodeNfs3Result,
  encodeNfstime3,
  encodeSattr3,
  encodeWccData,
} from './common.js';

export function encodeSetattrArgs(w: XdrWriter, args: SetattrArgs): void {
  encodeFh3(w, args.object);
  encodeSattr3(w, args.newAttributes);
  // sattrguard3: a "check" bool then the ctime the object must still have.
  w.optional(args.guard, encodeNfstime3);
}

export function decodeSetattrArgs(r: XdrReader): SetattrArgs {
  const object = decodeFh3(r);
  const newAttributes = decodeSattr3(r);
  const guard = r.optional(decodeNfstime3);
  return { object, newAttributes, guard };
}

/** SETATTR3resok and SETATTR3resfail are both obj_wcc. */
function encodeBody(w: XdrWriter, body: SetattrResOk): void {
  encodeWccData(w, body.objWcc);
}

function decodeBody(r: XdrReader): SetattrResOk {
  return { objWcc: decodeWccData(r) };
}

export function encodeSetattrResult(w: XdrWriter, result: SetattrResult): void {
  encodeNfs3Result(w, result, encodeBody, encodeBody);
}

export function decodeSetattrResult(r: XdrReader): SetattrResult {
  return decodeNfs3Result(r, decodeBody, decodeBody);
}
