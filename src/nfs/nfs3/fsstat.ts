/** FSSTAT (RFC 1813 section 3.3.18): dynamic file system state (space and inodes). */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { FsstatArgs, FsstatResOk, FsstatResult } from '../types.js';
import { decodeObjAttributes, encodeObjAttributes } from './bodies.js';
import {
  decodeFh3,
  decodeNfs3Result,
  decodePostOpAttr,
  decodeSize3Saturating,
  encodeFh3,
  encodeNfs3Result,
  encodePostOpAttr,
} from './common.js';

export function encodeFsstatArgs(w: XdrWriter, args: FsstatArgs): void {
  encodeFh3(w, args.fsroot);
}

export function decodeFsstatArgs(r: XdrReader): FsstatArgs {
  return { fsroot: decodeFh3(r) };
}

function encodeOk(w: XdrWriter, ok: FsstatResOk): void {
  encodePostOpAttr(w, ok.objAttributes);
  w.uint64(ok.tbytes);
  w.uint64(ok.fbytes);
  w.uint64(ok.abytes);
  w.uint64(ok.tfiles);
  w.uint64(ok.ffiles);
  w.uint64(ok.afiles);
  w.uint32(ok.invarsec);
}

/** The six totals saturate: some servers report "unlimited" inodes as 2^64-1. */
function decodeOk(r: XdrReader): FsstatResOk {
  const objAttributes = decodePostOpAttr(r);
  const tbytes = decodeSize3Saturating(r);
  const fbytes = decodeSize3Saturating(r);
  const abytes = decodeSize3Saturating(r);
  const tfiles = decodeSize3Saturating(r);
  const ffiles = decodeSize3Saturating(r);
  const afiles = decodeSize3Saturating(r);
  const invarsec = r.uint32();
  return { objAttributes, tbytes, fbytes, abytes, tfiles, ffiles, afiles, invarsec };
}

export function encodeFsstatResult(w: XdrWriter, result: FsstatResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeObjAttributes);
}

export function decodeFsstatResult(r: XdrReader): FsstatResult {
  return decodeNfs3Result(r, decodeOk, decodeObjAttributes);
}
