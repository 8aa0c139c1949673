/** LINK (RFC 1813 section 3.3.15): a hard link to an existing file. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { LinkArgs, LinkResOk, LinkResult } from '../types.js';
import {
  decodeDirOpArgs3,
  decodeFh3,
  decodeNfs3Result,
  decodePostOpAttr,
  decodeWccData,
  encodeDirOpArgs3,
  encodeFh3,
  encodeNfs3Result,
  encodePostOpAttr,
  encodeWccData,
} from './common.js';

export function encodeLinkArgs(w: XdrWriter, args: LinkArgs): void {
  encodeFh3(w, args.file);
  encodeDirOpArgs3(w, args.link);
}

export function decodeLinkArgs(r: XdrReader): LinkArgs {
  const file = decodeFh3(r);
  const link = decodeDirOpArgs3(r);
  return { file, link };
}

/** LINK3resok and LINK3resfail are both file_attributes + linkdir_wcc. */
function encodeBody(w: XdrWriter, body: LinkResOk): void {
  encodePostOpAttr(w, body.fileAttributes);
  encodeWccData(w, body.linkdirWcc);
}

function decodeBody(r: XdrReader): LinkResOk {
  const fileAttributes = decodePostOpAttr(r);
  const linkdirWcc = decodeWccData(r);
  return { fileAttributes, linkdirWcc };
}

export function encodeLinkResult(w: XdrWriter, result: LinkResult): void {
  encodeNfs3Result(w, result, encodeBody, encodeBody);
}

export function decodeLinkResult(r: XdrReader): LinkResult {
  return decodeNfs3Result(r, decodeBody, decodeBody);
}
