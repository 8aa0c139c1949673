/** SYMLINK (RFC 1813 section 3.3.10): a new symbolic link. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { SymlinkArgs, SymlinkResult } from '../types.js';
import { decodeDirWcc, decodeNewObjectResOk, encodeDirWcc, encodeNewObjectResOk } from './bodies.js';
import {
  decodeDirOpArgs3,
  decodeNfs3Result,
  decodeNfspath3,
  decodeSattr3,
  encodeDirOpArgs3,
  encodeNfs3Result,
  encodeNfspath3,
  encodeSattr3,
} from './common.js';

export function encodeSymlinkArgs(w: XdrWriter, args: SymlinkArgs): void {
  encodeDirOpArgs3(w, args.where);
  // symlinkdata3
  encodeSattr3(w, args.symlink.symlinkAttributes);
  encodeNfspath3(w, args.symlink.symlinkData);
}

export function decodeSymlinkArgs(r: XdrReader): SymlinkArgs {
  const where = decodeDirOpArgs3(r);
  const symlinkAttributes = decodeSattr3(r);
  const symlinkData = decodeNfspath3(r);
  return { where, symlink: { symlinkAttributes, symlinkData } };
}

export function encodeSymlinkResult(w: XdrWriter, result: SymlinkResult): void {
  encodeNfs3Result(w, result, encodeNewObjectResOk, encodeDirWcc);
}

export function decodeSymlinkResult(r: XdrReader): SymlinkResult {
  return decodeNfs3Result(r, decodeNewObjectResOk, decodeDirWcc);
}
