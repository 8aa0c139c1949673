/** FSINFO (RFC 1813 section 3.3.19): static file system limits and preferences. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { FsinfoArgs, FsinfoResOk, FsinfoResult } from '../types.js';
import { decodeObjAttributes, encodeObjAttributes } from './bodies.js';
import {
  decodeFh3,
  decodeNfs3Result,
  decodeNfstime3,
  decodePostOpAttr,
  decodeSize3Saturating,
  encodeFh3,
  encodeNfs3Result,
  encodeNfstime3,
  encodePostOpAttr,
} from './common.js';

export function encodeFsinfoArgs(w: XdrWriter, args: FsinfoArgs): void {
  encodeFh3(w, args.fsroot);
}

export function decodeFsinfoArgs(r: XdrReader): FsinfoArgs {
  return { fsroot: decodeFh3(r) };
}

function encodeOk(w: XdrWriter, ok: FsinfoResOk): void {
  encodePostOpAttr(w, ok.objAttributes);
  w.uint32(ok.rtmax);
  w.uint32(ok.rtpref);
  w.uint32(ok.rtmult);
  w.uint32(ok.wtmax);
  w.uint32(ok.wtpref);
  w.uint32(ok.wtmult);
  w.uint32(ok.dtpref);
  w.uint64(ok.maxfilesize);
  encodeNfstime3(w, ok.timeDelta);
  w.uint32(ok.properties);
}

/** maxfilesize saturates: nfs-ganesha and Linux on XFS report 2^63-1 or 2^64-1. */
function decodeOk(r: XdrReader): FsinfoResOk {
  const objAttributes = decodePostOpAttr(r);
  const rtmax = r.uint32();
  const rtpref = r.uint32();
  const rtmult = r.uint32();
  const wtmax = r.uint32();
  const wtpref = r.uint32();
  const wtmult = r.uint32();
  const dtpref = r.uint32();
  const maxfilesize = decodeSize3Saturating(r);
  const timeDelta = decodeNfstime3(r);
  const properties = r.uint32();
  return { objAttributes, rtmax, rtpref, rtmult, wtmax, wtpref, wtmult, dtpref, maxfilesize, timeDelta, properties };
}

export function encodeFsinfoResult(w: XdrWriter, result: FsinfoResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeObjAttributes);
}

export function decodeFsinfoResult(r: XdrReader): FsinfoResult {
  return decodeNfs3Result(r, decodeOk, decodeObjAttributes);
}
