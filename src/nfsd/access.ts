import type { BigIntStats } from 'node:fs';
import { Access3 } from '../nfs/index.js';
import { isDirectoryMode } from './attributes.js';
import type { NfsCaller } from './caller.js';

const READ_BIT = 4;
const WRITE_BIT = 2;
const EXEC_BIT = 1;
const ANY_EXEC = 0o111;
const WRITE_RIGHTS = Access3.MODIFY | Access3.EXTEND | Access3.DELETE;

/** The rwx triple that applies to the caller: owner, then group, then other (POSIX order). */
function permissionTriple(stats: BigIntStats, mode: number, caller: NfsCaller): number {
  const owner = Number(stats.uid);
  const group = Number(stats.gid);
  if (caller.uid === owner) return (mode >> 6) & 7;
  if (caller.gid === group || caller.gids.includes(group)) return (mode >> 3) & 7;
  return mode & 7;
}

/**
 * ACCESS3 rights (RFC 1813 section 3.3.4) from the mode bits, as the Linux server maps
 * them: for a directory LOOKUP needs x, MODIFY/EXTEND/DELETE need w and x; for other
 * objects MODIFY/EXTEND need w, EXECUTE needs x, DELETE is never granted (deleting is a
 * right on the parent). Root gets everything except executing a file with no x bit at all,
 * as the kernel's CAP_DAC_OVERRIDE does. A read-only export grants no write right.
 */
export function grantedAccess(stats: BigIntStats, caller: NfsCaller, requested: number, readOnly: boolean): number {
  const mode = Number(stats.mode);
  const isDir = isDirectoryMode(stats.mode);
  let readable: boolean;
  let writable: boolean;
  let executable: boolean;
  if (caller.uid === 0) {
    readable = true;
    writable = true;
    executable = isDir || (mode & ANY_EXEC) !== 0;
  } else {
    const triple = permissionTriple(stats, mode, caller);
    readable = (triple & READ_BIT) !== 0;
    writable = (triple & WRITE_BIT) !== 0;
    executable = (triple & EXEC_BIT) !== 0;
  }
  let granted = 0;
  if (readable) granted |= Access3.READ;
  if (isDir) {
    if (executable) granted |= Access3.LOOKUP;
    if (writable && executable) granted |= Access3.MODIFY | Access3.EXTEND | Access3.DELETE;
  } else {
    if (writable) granted |= Access3.MODIFY | Access3.EXTEND;
    if (executable) granted |= Access3.EXECUTE;
  }
  if (readOnly) granted &= ~WRITE_RIGHTS;
  return requested & granted;
}
