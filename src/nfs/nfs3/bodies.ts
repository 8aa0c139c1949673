/** Result bodies several procedures share (RFC 1813 section 3.3). */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import type { DirWccResFail, NewObjectResOk, PostOpAttr, WccData } from '../types.js';
import {
  decodePostOpAttr,
  decodePostOpFh3,
  decodeWccData,
  encodePostOpAttr,
  encodePostOpFh3,
  encodeWccData,
} from './common.js';

/** CREATE3resok, MKDIR3resok, SYMLINK3resok, MKNOD3resok: obj, obj_attributes, dir_wcc. */
export function encodeNewObjectResOk(w: XdrWriter, ok: NewObjectResOk): void {
  encodePostOpFh3(w, ok.obj);
  encodePostOpAttr(w, ok.objAttributes);
  encodeWccData(w, ok.dirWcc);
}

export function decodeNewObjectResOk(r: XdrReader): NewObjectResOk {
  const obj = decodePostOpFh3(r);
  const objAttributes = decodePostOpAttr(r);
  const dirWcc = decodeWccData(r);
  return { obj, objAttributes, dirWcc };
}

/** The dir_wcc-only body of the directory-changing procedures. */
export function encodeDirWcc(w: XdrWriter, body: DirWccResFail): void {
  encodeWccData(w, body.dirWcc);
}

export function decodeDirWcc(r: XdrReader): DirWccResFail {
  return { dirWcc: decodeWccData(r) };
}

/** The obj_attributes-only failure body (ACCESS, FSSTAT, FSINFO, PATHCONF). */
export function encodeObjAttributes(w: XdrWriter, body: { objAttributes: PostOpAttr }): void {
  encodePostOpAttr(w, body.objAttributes);
}

export function decodeObjAttributes(r: XdrReader): { objAttributes: PostOpAttr } {
  return { objAttributes: decodePostOpAttr(r) };
}

/** The dir_attributes-only failure body (LOOKUP, READDIR, READDIRPLUS). */
export function encodeDirAttributes(w: XdrWriter, body: { dirAttributes: PostOpAttr }): void {
  encodePostOpAttr(w, body.dirAttributes);
}

export function decodeDirAttributes(r: XdrReader): { dirAttributes: PostOpAttr } {
  return { dirAttributes: decodePostOpAttr(r) };
}

/** The file_wcc-only failure body (WRITE, COMMIT). */
export function encodeFileWcc(w: XdrWriter, body: { fileWcc: WccData }): void {
  encodeWccData(w, body.fileWcc);
}

export function decodeFileWcc(r: XdrReader): { fileWcc: WccData } {
  return { fileWcc: decodeWccData(r) };
}
