/** READLINK (RFC 1813 section 3.3.5): the target of a symbolic link. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { ReadlinkArgs, ReadlinkResFail, ReadlinkResOk, ReadlinkResult } from '../types.js';
import {
  decodeFh3,
  decodeNfs3Result,
  decodeNfspath3,
  decodePostOpAttr,
  encodeFh3,
  encodeNfs3Result,
  encodeNfspath3,
  encodePostOpAttr,
} from './common.js';

export function encodeReadlinkArgs(w: XdrWriter, args: ReadlinkArgs): void {
  encodeFh3(w, args.symlink);
}

export function decodeReadlinkArgs(r: XdrReader): ReadlinkArgs {
  return { symlink: decodeFh3(r) };
}

function encodeOk(w: XdrWriter, ok: ReadlinkResOk): void {
  encodePostOpAttr(w, ok.symlinkAttributes);
  encodeNfspath3(w, ok.data);
}

function decodeOk(r: XdrReader): ReadlinkResOk {
  const symlinkAttributes = decodePostOpAttr(r);
  const data = decodeNfspath3(r);
  return { symlinkAttributes, data };
}

function encodeFail(w: XdrWriter, fail: ReadlinkResFail): void {
  encodePostOpAttr(w, fail.symlinkAttributes);
}

function decodeFail(r: XdrReader): ReadlinkResFail {
  return { symlinkAttributes: decodePostOpAttr(r) };
}

export function encodeReadlinkResult(w: XdrWriter, result: ReadlinkResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeFail);
}

export function decodeReadlinkResult(r: XdrReader): ReadlinkResult {
  return decodeNfs3Result(r, decodeOk, decodeFail);
}
