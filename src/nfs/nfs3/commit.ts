/** COMMIT (RFC 1813 section 3.3.21): make earlier UNSTABLE writes durable. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { CommitArgs, CommitResOk, CommitResult } from '../types.js';
import { decodeFileWcc, encodeFileWcc } from './bodies.js';
import {
  decodeFh3,
  decodeNfs3Result,
  decodeSize3,
  decodeVerifier,
  decodeWccData,
  encodeFh3,
  encodeNfs3Result,
  encodeVerifier,
  encodeWccData,
} from './common.js';

export function encodeCommitArgs(w: XdrWriter, args: CommitArgs): void {
  encodeFh3(w, args.file);
  w.uint64(args.offset);
  w.uint32(args.count);
}

export function decodeCommitArgs(r: XdrReader): CommitArgs {
  const file = decodeFh3(r);
  const offset = decodeSize3(r);
  const count = r.uint32();
  return { file, offset, count };
}

function encodeOk(w: XdrWriter, ok: CommitResOk): void {
  encodeWccData(w, ok.fileWcc);
  encodeVerifier(w, ok.verf);
}

function decodeOk(r: XdrReader): CommitResOk {
  const fileWcc = decodeWccData(r);
  const verf = decodeVerifier(r);
  return { fileWcc, verf };
}

export function encodeCommitResult(w: XdrWriter, result: CommitResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeFileWcc);
}

export function decodeCommitResult(r: XdrReader): CommitResult {
  return decodeNfs3Result(r, decodeOk, decodeFileWcc);
}
