/** RENAME (RFC 1813 section 3.3.14): move an entry, possibly between directories. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { RenameArgs, RenameResOk, RenameResult } from '../types.js';
import {
  decodeDirOpArgs3,
  decodeNfs3Result,
  decodeWccData,
  encodeDirOpArgs3,
  encodeNfs3Result,
  encodeWccData,
} from './common.js';

export function encodeRenameArgs(w: XdrWriter, args: RenameArgs): void {
  encodeDirOpArgs3(w, args.from);
  encodeDirOpArgs3(w, args.to);
}

export function decodeRenameArgs(r: XdrReader): RenameArgs {
  const from = decodeDirOpArgs3(r);
  const to = decodeDirOpArgs3(r);
  return { from, to };
}

/** RENAME3resok and RENAME3resfail are both fromdir_wcc + todir_wcc. */
function encodeBody(w: XdrWriter, body: RenameResOk): void {
  encodeWccData(w, body.fromdirWcc);
  encodeWccData(w, body.todirWcc);
}

function decodeBody(r: XdrReader): RenameResOk {
  const fromdirWcc = decodeWccData(r);
  const todirWcc = decodeWccData(r);
  return { fromdirWcc, todirWcc };
}

export function encodeRenameResult(w: XdrWriter, result: RenameResult): void {
  encodeNfs3Result(w, result, encodeBody, encodeBody);
}

export function decodeRenameResult(r: XdrReader): RenameResult {
  return decodeNfs3Result(r, decodeBody, decodeBody);
}
