import { statfsSync } from 'node:fs';
import { Nfsstat3 } from '../../nfs/index.js';
import type { FsstatArgs, FsstatResult } from '../../nfs/index.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';

/** Counts can exceed 2^53 only on exabyte file systems; saturate rather than lie by wrapping. */
function toNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** FSSTAT (RFC 1813 section 3.3.18) from statfs(2) of the export. invarsec 0: values change any time. */
export async function fsstat(core: ExportCore, args: FsstatArgs): Promise<FsstatResult> {
  let node: ResolvedNode | undefined;
  try {
    node = await core.resolve(args.fsroot);
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
  } catch (error) {
    return { status: core.statusOf(error), objAttributes: node === undefined ? undefined : core.fattr(node) };
  }
}
