/** CREATE (RFC 1813 section 3.3.8): a regular file, in one of three createmode3 modes. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import { Createmode3 } from '../constants.js';
import type { CreateArgs, Createhow3, CreateResult } from '../types.js';
import { decodeDirWcc, decodeNewObjectResOk, encodeDirWcc, encodeNewObjectResOk } from './bodies.js';
import {
  decodeDirOpArgs3,
  decodeNfs3Result,
  decodeSattr3,
  decodeVerifier,
  encodeDirOpArgs3,
  encodeNfs3Result,
  encodeSattr3,
  encodeVerifier,
} from './common.js';

const createmode3Values: ReadonlySet<number> = new Set(Object.values(Createmode3));

function encodeCreatehow3(w: XdrWriter, how: Createhow3): void {
  switch (how.mode) {
    case 'unchecked':
      w.int32(Createmode3.UNCHECKED);
      encodeSattr3(w, how.attributes);
      return;
    case 'guarded':
      w.int32(Createmode3.GUARDED);
      encodeSattr3(w, how.attributes);
      return;
    case 'exclusive':
      w.int32(Createmode3.EXCLUSIVE);
      encodeVerifier(w, how.verf);
      return;
  }
}

function decodeCreatehow3(r: XdrReader): Createhow3 {
  const mode = r.enumOf<Createmode3>(createmode3Values, 'createmode3');
  switch (mode) {
    case Createmode3.UNCHECKED:
      return { mode: 'unchecked', attributes: decodeSattr3(r) };
    case Createmode3.GUARDED:
      return { mode: 'guarded', attributes: decodeSattr3(r) };
    case Createmode3.EXCLUSIVE:
      return { mode: 'exclusive', verf: decodeVerifier(r) };
  }
}

export function encodeCreateArgs(w: XdrWriter, args: CreateArgs): void {
  encodeDirOpArgs3(w, args.where);
  encodeCreatehow3(w, args.how);
}

export function decodeCreateArgs(r: XdrReader): CreateArgs {
  const where = decodeDirOpArgs3(r);
  const how = decodeCreatehow3(r);
  return { where, how };
}

export function encodeCreateResult(w: XdrWriter, result: CreateResult): void {
  encodeNfs3Result(w, result, encodeNewObjectResOk, encodeDirWcc);
}

export function decodeCreateResult(r: XdrReader): CreateResult {
  return decodeNfs3Result(r, decodeNewObjectResOk, decodeDirWcc);
}
