/** READDIR (RFC 1813 section 3.3.16): directory entries from a cookie on. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import { NFS3_MAX_DIR_ENTRIES } from '../limits.js';
import type { Entry3, ReaddirArgs, ReaddirResOk, ReaddirResult } from '../types.js';
import { decodeDirAttributes, encodeDirAttributes } from './bodies.js';
import {
  decodeFh3,
  decodeFilename3,
  decodeNfs3Result,
  decodePostOpAttr,
  decodeVerifier,
  encodeFh3,
  encodeFilename3,
  encodeNfs3Result,
  encodePostOpAttr,
  encodeVerifier,
} from './common.js';

export function encodeReaddirArgs(w: XdrWriter, args: ReaddirArgs): void {
  encodeFh3(w, args.dir);
  w.uint64(args.cookie);
  encodeVerifier(w, args.cookieverf);
  w.uint32(args.count);
}

export function decodeReaddirArgs(r: XdrReader): ReaddirArgs {
  const dir = decodeFh3(r);
  const cookie = r.uint64();
  const cookieverf = decodeVerifier(r);
  const count = r.uint32();
  return { dir, cookie, cookieverf, count };
}

function encodeEntry3(w: XdrWriter, entry: Entry3): void {
  w.uint64(entry.fileid);
  encodeFilename3(w, entry.name);
  w.uint64(entry.cookie);
}

function decodeEntry3(r: XdrReader): Entry3 {
  const fileid = r.uint64();
  const name = decodeFilename3(r);
  const cookie = r.uint64();
  return { fileid, name, cookie };
}

function encodeOk(w: XdrWriter, ok: ReaddirResOk): void {
  encodePostOpAttr(w, ok.dirAttributes);
  encodeVerifier(w, ok.cookieverf);
  // dirlist3: the entry3 *entries linked list, then eof.
  w.list(ok.entries, encodeEntry3);
  w.bool(ok.eof);
}

function decodeOk(r: XdrReader): ReaddirResOk {
  const dirAttributes = decodePostOpAttr(r);
  const cookieverf = decodeVerifier(r);
  const entries = r.list(decodeEntry3, NFS3_MAX_DIR_ENTRIES);
  const eof = r.bool();
  return { dirAttributes, cookieverf, entries, eof };
}

export function encodeReaddirResult(w: XdrWriter, result: ReaddirResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeDirAttributes);
}

export function decodeReaddirResult(r: XdrReader): ReaddirResult {
  return decodeNfs3Result(r, decodeOk, decodeDirAttributes);
}
