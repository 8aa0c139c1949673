import { statfsSync } from 'node:fs';
import { Nfsstat3 } from '../../nfs/index.js';
import type { FsstatArgs, FsstatResOk, FsstatResult } from '../../nfs/index.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { answerAbout } from './object-query.js';
import type { OkResult } from './procedure.js';

/** Counts can exceed 2^53 only on exabyte file systems; saturate rather than lie by wrapping. */
function toNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

function fsstatOf(core: ExportCore, node: ResolvedNode): OkResult<FsstatResOk> {
  const fs = statfsSync(node.path, { bigint: true });
  return {
    status: Nfsstat3.NFS3_OK,
    objAttributes: core.fattr(node),
    tbytes: toNumber(fs.blocks * fs.bsize),
    fbytes: toNumber(fs.bfree * fs.bsize),
    abytes: toNumber(fs.bavail * fs.bsize),
    tfiles: toNumber(fs.files),
    ffiles: toNumber(fs.ffree),
    afiles: toNumber(fs.ffree),
    invarsec: 0,
  };
}

/** FSSTAT (RFC 1813 section 3.3.18) from statfs(2) of the export. invarsec 0: values change any time. */
export function fsstat(core: ExportCore, args: FsstatArgs, caller: NfsCaller): Promise<FsstatResult> {
  return answerAbout(core, args.fsroot, args, caller, fsstatOf);
}
