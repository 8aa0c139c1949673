import type { BigIntStats } from 'node:fs';
import { fstatSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { CommitArgs, CommitResult, WccData } from '../../nfs/index.js';
import { toWccAttr } from '../attributes.js';
import type { ExportCore } from '../export-core.js';
import { syncFile } from '../file-io.js';
import type { NodeEntry } from '../node-table.js';

/**
 * COMMIT (RFC 1813 section 3.3.21): fsync the whole file (Linux flushes an inode's dirty
 * pages whichever descriptor wrote them) and return the write verifier. A read-only
 * export answers ROFS, as the Linux server does (COMMIT asks for write access).
 */
export async function commit(core: ExportCore, args: CommitArgs): Promise<CommitResult> {
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
    const opened = await core.openFile(args.file, false);
    entry = opened.entry;
    const fd = opened.file.fd;
    try {
      before = fstatSync(fd, { bigint: true });
      await syncFile(fd);
      after = fstatSync(fd, { bigint: true });
    } finally {
      core.fds.release(opened.file);
    }
    return { status: Nfsstat3.NFS3_OK, fileWcc: wcc(), verf: core.writeVerifier };
  } catch (error) {
    return { status: core.statusOf(error), fileWcc: wcc() };
  }
}
