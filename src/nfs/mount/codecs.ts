/**
 * MOUNT version 3 (RFC 1813 Appendix I section 5.2) argument and result codecs. NULL and
 * UMNTALL carry nothing; UMNT's result is void.
 */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import { FHSIZE3, MNTNAMLEN, MNTPATHLEN, Mountstat3 } from '../constants.js';
import { MOUNT_MAX_AUTH_FLAVORS, MOUNT_MAX_LIST_ENTRIES } from '../limits.js';
import type { ExportNode, MountBody, MountResult } from '../types.js';

const mountstat3Values: ReadonlySet<number> = new Set(Object.values(Mountstat3));

/** dirpath: string<MNTPATHLEN>. */
function encodeDirpath(w: XdrWriter, path: string): void {
  w.string(path);
}

function decodeDirpath(r: XdrReader): string {
  return r.strictString(MNTPATHLEN);
}

/** name: string<MNTNAMLEN> (host and group names). */
function encodeName(w: XdrWriter, name: string): void {
  w.string(name);
}

function decodeName(r: XdrReader): string {
  return r.strictString(MNTNAMLEN);
}

// ---- MNT: dirpath -> mountres3

export function encodeMntArgs(w: XdrWriter, path: string): void {
  encodeDirpath(w, path);
}

export function decodeMntArgs(r: XdrReader): string {
  return decodeDirpath(r);
}

export function encodeMntResult(w: XdrWriter, result: MountResult): void {
  w.int32(result.status);
  if (result.status !== Mountstat3.MNT3_OK) return;
  if (result.fhandle.length > FHSIZE3) throw new RangeError(`fhandle3 of ${result.fhandle.length} bytes exceeds FHSIZE3`);
  w.opaque(result.fhandle);
  w.array(result.authFlavors, (writer, flavor) => writer.int32(flavor));
}

export function decodeMntResult(r: XdrReader): MountResult {
  const status = r.enumOf<Mountstat3>(mountstat3Values, 'mountstat3');
  if (status !== Mountstat3.MNT3_OK) return { status };
  const fhandle = r.opaque(FHSIZE3);
  const authFlavors = r.array((reader) => reader.int32(), MOUNT_MAX_AUTH_FLAVORS);
  return { status, fhandle, authFlavors };
}

// ---- DUMP: void -> mountlist (a linked list of mountbody)

function encodeMountBody(w: XdrWriter, body: MountBody): void {
  encodeName(w, body.hostname);
  encodeDirpath(w, body.directory);
}

function decodeMountBody(r: XdrReader): MountBody {
  const hostname = decodeName(r);
  const directory = decodeDirpath(r);
  return { hostname, directory };
}

export function encodeMountDumpResult(w: XdrWriter, list: readonly MountBody[]): void {
  w.list(list, encodeMountBody);
}

export function decodeMountDumpResult(r: XdrReader): MountBody[] {
  return r.list(decodeMountBody, MOUNT_MAX_LIST_ENTRIES);
}

// ---- UMNT: dirpath -> void

export function encodeUmntArgs(w: XdrWriter, path: string): void {
  encodeDirpath(w, path);
}

export function decodeUmntArgs(r: XdrReader): string {
  return decodeDirpath(r);
}

// ---- EXPORT: void -> exports (a linked list of exportnode, each with a linked list of groups)

function encodeExportNode(w: XdrWriter, node: ExportNode): void {
  encodeDirpath(w, node.dir);
  w.list(node.groups, encodeName);
}

function decodeExportNode(r: XdrReader): ExportNode {
  const dir = decodeDirpath(r);
  const groups = r.list(decodeName, MOUNT_MAX_LIST_ENTRIES);
  return { dir, groups };
}

export function encodeMountExportResult(w: XdrWriter, exports: readonly ExportNode[]): void {
  w.list(exports, encodeExportNode);
}

export function decodeMountExportResult(r: XdrReader): ExportNode[] {
  return r.list(decodeExportNode, MOUNT_MAX_LIST_ENTRIES);
}
