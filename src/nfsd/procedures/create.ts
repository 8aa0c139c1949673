import type { BigIntStats } from 'node:fs';
import { closeSync, constants as fsConstants, fstatSync, lutimesSync, openSync, truncateSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { CreateArgs, CreateResult, NewObjectResOk } from '../../nfs/index.js';
import { isRegularMode } from '../attributes.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { initializeNewObject } from '../sattr.js';
import { createInDirectory, newObjectResult } from './new-object.js';
import type { OkResult } from './procedure.js';

const { O_CREAT, O_EXCL, O_RDWR, O_NOFOLLOW } = fsConstants;
const DEFAULT_FILE_MODE = 0o644;
const PERMISSION_BITS = 0o7777;
/** The Linux server keeps only 31 bits of each verifier half (it masks the sign bit). */
const VERIFIER_HALF_MASK = 0x7fffffff;

/**
 * EXCLUSIVE create stores the client's createverf3 in the new file's mtime and atime
 * seconds, as the Linux server does (RFC 1813 section 3.3.8 leaves the place to the
 * server); a retransmitted CREATE with the same verifier then finds it and succeeds.
 */
function verifierTimes(verf: Buffer): { mtime: number; atime: number } {
  return { mtime: verf.readUInt32BE(0) & VERIFIER_HALF_MASK, atime: verf.readUInt32BE(4) & VERIFIER_HALF_MASK };
}

function holdsVerifier(stats: BigIntStats, verf: Buffer): boolean {
  const { mtime, atime } = verifierTimes(verf);
  const seconds = (ns: bigint): number => Number(ns / 1_000_000_000n);
  return isRegularMode(stats.mode) && stats.size === 0n && seconds(stats.mtimeNs) === mtime && seconds(stats.atimeNs) === atime;
}

function createFile(core: ExportCore, dir: ResolvedNode, name: string, args: CreateArgs, caller: NfsCaller): OkResult<NewObjectResOk> {
  const how = args.how;
  const existing = core.child(dir, name);
  if (existing !== undefined) {
    if (how.mode === 'guarded') throw new NfsStatusError(Nfsstat3.NFS3ERR_EXIST);
    if (how.mode === 'exclusive') {
      if (!holdsVerifier(existing.stats, how.verf)) throw new NfsStatusError(Nfsstat3.NFS3ERR_EXIST);
    } else {
      // UNCHECKED on an existing file is open(O_CREAT) without O_EXCL: only a size (O_TRUNC) applies.
      if (!isRegularMode(existing.stats.mode)) throw new NfsStatusError(Nfsstat3.NFS3ERR_EXIST);
      if (how.attributes.size !== undefined) truncateSync(existing.path, how.attributes.size);
    }
    return newObjectResult(core, dir, name);
  }
  const path = `${dir.path}/${name}`;
  const attrs = how.mode === 'exclusive' ? undefined : how.attributes;
  const fd = openSync(path, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW, (attrs?.mode ?? DEFAULT_FILE_MODE) & PERMISSION_BITS);
  let adopted = false;
  try {
    const stats = fstatSync(fd, { bigint: true });
    initializeNewObject(path, stats, dir.stats, { mode: attrs?.mode ?? DEFAULT_FILE_MODE, attrs, caller, setOwner: core.setOwner });
    if (how.mode === 'exclusive') {
      const { mtime, atime } = verifierTimes(how.verf);
      lutimesSync(path, atime, mtime);
    }
    const result = newObjectResult(core, dir, name);
    // The client's next call is usually a WRITE: keep the descriptor for it.
    if (result.obj !== undefined) {
      const entry = core.table.byHandle(result.obj);
      if (entry !== undefined) {
        core.fds.adopt(entry.identity.fileid, fd, true);
        adopted = true;
      }
    }
    return result;
  } finally {
    if (!adopted) closeSync(fd);
  }
}

/** CREATE (RFC 1813 section 3.3.8) in the UNCHECKED, GUARDED and EXCLUSIVE modes. */
export function create(core: ExportCore, args: CreateArgs, caller: NfsCaller): Promise<CreateResult> {
  return createInDirectory(core, args, caller, createFile);
}
