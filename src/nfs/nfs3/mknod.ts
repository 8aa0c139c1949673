/** MKNOD (RFC 1813 section 3.3.11): a device, socket or FIFO. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import { Ftype3 } from '../constants.js';
import type { MknodArgs, MknodData3, MknodResult } from '../types.js';
import { decodeDirWcc, decodeNewObjectResOk, encodeDirWcc, encodeNewObjectResOk } from './bodies.js';
import {
  decodeDirOpArgs3,
  decodeFtype3,
  decodeNfs3Result,
  decodeSattr3,
  decodeSpecdata3,
  encodeDirOpArgs3,
  encodeNfs3Result,
  encodeSattr3,
  encodeSpecdata3,
} from './common.js';

/** mknoddata3: a union on ftype3; regular files, directories and links carry nothing. */
function encodeMknodData3(w: XdrWriter, what: MknodData3): void {
  w.int32(what.type);
  switch (what.type) {
    case Ftype3.NF3CHR:
    case Ftype3.NF3BLK:
      encodeSattr3(w, what.devAttributes);
      encodeSpecdata3(w, what.spec);
      return;
    case Ftype3.NF3SOCK:
    case Ftype3.NF3FIFO:
      encodeSattr3(w, what.pipeAttributes);
      return;
    default:
      return;
  }
}

function decodeMknodData3(r: XdrReader): MknodData3 {
  const type = decodeFtype3(r);
  switch (type) {
    case Ftype3.NF3CHR:
    case Ftype3.NF3BLK: {
      const devAttributes = decodeSattr3(r);
      const spec = decodeSpecdata3(r);
      return { type, devAttributes, spec };
    }
    case Ftype3.NF3SOCK:
    case Ftype3.NF3FIFO:
      return { type, pipeAttributes: decodeSattr3(r) };
    default:
      return { type };
  }
}

export function encodeMknodArgs(w: XdrWriter, args: MknodArgs): void {
  encodeDirOpArgs3(w, args.where);
  encodeMknodData3(w, args.what);
}

export function decodeMknodArgs(r: XdrReader): MknodArgs {
  const where = decodeDirOpArgs3(r);
  const what = decodeMknodData3(r);
  return { where, what };
}

export function encodeMknodResult(w: XdrWriter, result: MknodResult): void {
  encodeNfs3Result(w, result, encodeNewObjectResOk, encodeDirWcc);
}

export function decodeMknodResult(r: XdrReader): MknodResult {
  return decodeNfs3Result(r, decodeNewObjectResOk, decodeDirWcc);
}
