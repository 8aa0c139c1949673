/** REMOVE (RFC 1813 section 3.3.12): unlink a non-directory. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { RemoveArgs, RemoveResult } from '../types.js';
import { decodeDirWcc, encodeDirWcc } from './bodies.js';
import { decodeDirOpArgs3, decodeNfs3Result, encodeDirOpArgs3, encodeNfs3Result } from './common.js';

export function encodeRemoveArgs(w: XdrWriter, args: RemoveArgs): void {
  encodeDirOpArgs3(w, args.object);
}

export function decodeRemoveArgs(r: XdrReader): RemoveArgs {
  return { object: decodeDirOpArgs3(r) };
}

/** REMOVE3resok and REMOVE3resfail are both dir_wcc. */
export function encodeRemoveResult(w: XdrWriter, result: RemoveResult): void {
  encodeNfs3Result(w, result, encodeDirWcc, encodeDirWcc);
}

export function decodeRemoveResult(r: XdrReader): RemoveResult {
  return decodeNfs3Result(r, decodeDirWcc, decodeDirWcc);
}
