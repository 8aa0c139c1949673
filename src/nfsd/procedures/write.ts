import type { BigIntStats } from 'node:fs';
import { fstatSync } from 'node:fs';
import { NfsStatusError, Nfsstat3, StableHow } from '../../nfs/index.js';
import type { WccData, WriteArgs, WriteResult } from '../../nfs/index.js';
import { toWccAttr } from '../attributes.js';
import type { ExportCore } from '../export-core.js';
import type { NodeEntry } from '../node-table.js';
import { syncData, syncFile, writeAllAt } from '../file-io.js';
import { WRITE_MAX_BYTES } from '../limits.js';

/**
 * WRITE (RFC 1813 section 3.3.7). UNSTABLE data goes to the page cache and is durable
 * only after COMMIT; DATA_SYNC/FILE_SYNC are flushed (fdatasync/fsync) before we reply.
 * Every reply carries this boot's write verifier, so a client that sees it change knows
 * uncommitted data may be lost and writes it again.
 */
export async function write(core: ExportCore, args: WriteArgs): Promise<WriteResult> {
  let entry: NodeEntry | undefined;
  let before: BigIntStats | undefined;
  let after: BigIntStats | undefined;
  const wcc = (): WccData => ({
    before: before === undefined ? undefined : toWccAttr(before),
    after: entry === undefined || after === undefined ? undefined : core.fattrOf(entry, after),
  });
  try {
    if (core.readOnly) {
      const node = await core.resolve(args.file);
      entry = node.entry;
      before = after = node.stats;
      throw new NfsStatusError(Nfsstat3.NFS3ERR_ROFS);
    }
    if (args.data.length > WRITE_MAX_BYTES) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL, 'write larger than wtmax');
    const opened = await core.openFile(args.file, true);
    entry = opened.entry;
    const fd = opened.file.fd;
    try {
      before = fstatSync(fd, { bigint: true });
      if (before.nlink === 0n) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE);
      await writeAllAt(fd, args.data, args.offset);
      if (args.stable === StableHow.FILE_SYNC) await syncFile(fd);
      else if (args.stable === StableHow.DATA_SYNC) await syncData(fd);
      after = fstatSync(fd, { bigint: true });
    } finally {
      core.fds.release(opened.file);
    }
    return { status: Nfsstat3.NFS3_OK, fileWcc: wcc(), count: args.data.length, committed: args.stable, verf: core.writeVerifier };
  } catch (error) {
    return { status: core.statusOf(error), fileWcc: wcc() };
  }
}
