/** READDIRPLUS (RFC 1813 section 3.3.17): directory entries with attributes and handles. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import { NFS3_MAX_DIR_ENTRIES } from '../limits.js';
import type { EntryPlus3, ReaddirplusArgs, ReaddirplusResOk, ReaddirplusResult } from '../types.js';
import { decodeDirAttributes, encodeDirAttributes } from './bodies.js';
import {
  decodeFh3,
  decodeFilename3,
  decodeNfs3Result,
  decodePostOpAttr,
  decodePostOpFh3,
  decodeVerifier,
  encodeFh3,
  encodeFilename3,
  encodeNfs3Result,
  encodePostOpAttr,
  encodePostOpFh3,
  encodeVerifier,
} from './common.js';

export function encodeReaddirplusArgs(w: XdrWriter, args: ReaddirplusArgs): void {
  encodeFh3(w, args.dir);
  w.uint64(args.cookie);
  encodeVerifier(w, args.cookieverf);
  w.uint32(args.dircount);
  w.uint32(args.maxcount);
}

export function decodeReaddirplusArgs(r: XdrReader): ReaddirplusArgs {
  const dir = decodeFh3(r);
  const cookie = r.uint64();
  const cookieverf = decodeVerifier(r);
  const dircount = r.uint32();
  const maxcount = r.uint32();
  return { dir, cookie, cookieverf, dircount, maxcount };
}

function encodeEntryPlus3(w: XdrWriter, entry: EntryPlus3): void {
  w.uint64(entry.fileid);
  encodeFilename3(w, entry.name);
  w.uint64(entry.cookie);
  encodePostOpAttr(w, entry.nameAttributes);
  encodePostOpFh3(w, entry.nameHandle);
}

function decodeEntryPlus3(r: XdrReader): EntryPlus3 {
  const fileid = r.uint64();
  const name = decodeFilename3(r);
  const cookie = r.uint64();
  const nameAttributes = decodePostOpAttr(r);
  const nameHandle = decodePostOpFh3(r);
  return { fileid, name, cookie, nameAttributes, nameHandle };
}

function encodeOk(w: XdrWriter, ok: ReaddirplusResOk): void {
  encodePostOpAttr(w, ok.dirAttributes);
  encodeVerifier(w, ok.cookieverf);
  // dirlistplus3: the entryplus3 *entries linked list, then eof.
  w.list(ok.entries, encodeEntryPlus3);
  w.bool(ok.eof);
}

function decodeOk(r: XdrReader): ReaddirplusResOk {
  const dirAttributes = decodePostOpAttr(r);
  const cookieverf = decodeVerifier(r);
  const entries = r.list(decodeEntryPlus3, NFS3_MAX_DIR_ENTRIES);
  const eof = r.bool();
  return { dirAttributes, cookieverf, entries, eof };
}

export function encodeReaddirplusResult(w: XdrWriter, result: ReaddirplusResult): void {
  encodeNfs3Result(w, result, encodeOk, encodeDirAttributes);
}

export function decodeReaddirplusResult(r: XdrReader): ReaddirplusResult {
  return decodeNfs3Result(r, decodeOk, decodeDirAttributes);
}
