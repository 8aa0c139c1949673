import { Access3, Ftype3 } from '../nfs/index.js';
import type { Fattr3 } from '../nfs/index.js';
import type { BackendCaller } from './backend.js';

const READ_BIT = 4;
const WRITE_BIT = 2;
const EXEC_BIT = 1;
const ANY_EXEC = 0o111;

function tripleFor(attrs: Fattr3, caller: BackendCaller): number {
  if (caller.uid === attrs.uid) return (attrs.mode >> 6) & 7;
  if (caller.gid === attrs.gid || caller.gids.includes(attrs.gid)) return (attrs.mode >> 3) & 7;
  return attrs.mode & 7;
}

/**
 * ACCESS3 rights (RFC 1813 section 3.3.4) from the virtual attributes, computed by the
 * proxy: asking main would be wrong, since main is exported read-only and would deny every
 * write right the shadow makes possible. Mapping as the Linux server's: directories need x
 * for LOOKUP and w+x to change entries; files need w to MODIFY/EXTEND and x to EXECUTE;
 * DELETE on a file is a right on its parent, not granted here; root may do anything but
 * execute a file without any x bit.
 */
export function grantedAccess(attrs: Fattr3, caller: BackendCaller, requested: number): number {
  const isDir = attrs.type === Ftype3.NF3DIR;
  let readable: boolean;
  let writable: boolean;
  let executable: boolean;
  if (caller.uid === 0) {
    readable = true;
    writable = true;
    executable = isDir || (attrs.mode & ANY_EXEC) !== 0;
  } else {
    const triple = tripleFor(attrs, caller);
    readable = (triple & READ_BIT) !== 0;
    writable = (triple & WRITE_BIT) !== 0;
    executable = (triple & EXEC_BIT) !== 0;
  }
  let granted = readable ? Access3.READ : 0;
  if (isDir) {
    if (executable) granted |= Access3.LOOKUP;
    if (writable && executable) granted |= Access3.MODIFY | Access3.EXTEND | Access3.DELETE;
  } else {
    if (writable) granted |= Access3.MODIFY | Access3.EXTEND;
    if (executable) granted |= Access3.EXECUTE;
  }
  return requested & granted;
}
