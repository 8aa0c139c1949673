/** RMDIR (RFC 1813 section 3.3.13): remove an empty directory. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { RmdirArgs, RmdirResult } from '../types.js';
import { decodeDirWcc, encodeDirWcc } from './bodies.js';
import { decodeDirOpArgs3, decodeNfs3Result, encodeDirOpArgs3, encodeNfs3Result } from './common.js';

export function encodeRmdirArgs(w: XdrWriter, args: RmdirArgs): void {
  encodeDirOpArgs3(w, args.object);
}

export function decodeRmdirArgs(r: XdrReader): RmdirArgs {
  return { object: decodeDirOpArgs3(r) };
}

/** RMDIR3resok and RMDIR3resfail are both dir_wcc. */
export function encodeRmdirResult(w: XdrWriter, result: RmdirResult): void {
  encodeNfs3Result(w, result, encodeDirWcc, encodeDirWcc);
}

export function decodeRmdirResult(r: XdrReader): RmdirResult {
  return decodeNfs3Result(r, decodeDirWcc, decodeDirWcc);
}
