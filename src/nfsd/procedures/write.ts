import { NfsStatusError, Nfsstat3, StableHow } from '../../nfs/index.js';
import type { WriteArgs, WriteResOk, WriteResult } from '../../nfs/index.js';
import type { ExportCore } from '../export-core.js';
import { syncData, syncFile, writeAllAt } from '../file-io.js';
import { WRITE_MAX_BYTES } from '../limits.js';
import type { FileUpdate } from './file-update.js';
import { updateFile } from './file-update.js';

const writeUpdate: FileUpdate<WriteArgs, WriteResOk> = {
  wantWrite: true,
  check(args) {
    if (args.data.length > WRITE_MAX_BYTES) throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL, 'write larger than wtmax');
  },
  async run(fd, before, args) {
    if (before.nlink === 0n) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE);
    await writeAllAt(fd, args.data, args.offset);
    if (args.stable === StableHow.FILE_SYNC) await syncFile(fd);
    else if (args.stable === StableHow.DATA_SYNC) await syncData(fd);
  },
  ok: (core, args, fileWcc) => ({
    status: Nfsstat3.NFS3_OK,
    fileWcc,
    count: args.data.length,
    committed: args.stable,
    verf: core.writeVerifier,
  }),
};

/**
 * WRITE (RFC 1813 section 3.3.7). UNSTABLE data goes to the page cache and is durable
 * only after COMMIT; DATA_SYNC/FILE_SYNC are flushed (fdatasync/fsync) before we reply.
 * Every reply carries this boot's write verifier, so a client that sees it change knows
 * uncommitted data may be lost and writes it again.
 */
export function write(core: ExportCore, args: WriteArgs): Promise<WriteResult> {
  return updateFile(core, args, writeUpdate);
}
