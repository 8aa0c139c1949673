import { Nfsstat3 } from '../../nfs/index.js';
import type { CommitArgs, CommitResOk, CommitResult } from '../../nfs/index.js';
import type { ExportCore } from '../export-core.js';
import { syncFile } from '../file-io.js';
import type { FileUpdate } from './file-update.js';
import { updateFile } from './file-update.js';

const commitUpdate: FileUpdate<CommitArgs, CommitResOk> = {
  wantWrite: false,
  check() {},
  run: syncFile,
  ok: (core, _args, fileWcc) => ({ status: Nfsstat3.NFS3_OK, fileWcc, verf: core.writeVerifier }),
};

/**
 * COMMIT (RFC 1813 section 3.3.21): fsync the whole file (Linux flushes an inode's dirty
 * pages whichever descriptor wrote them) and return the write verifier. A read-only
 * export answers ROFS, as the Linux server does (COMMIT asks for write access).
 */
export function commit(core: ExportCore, args: CommitArgs): Promise<CommitResult> {
  return updateFile(core, args, commitUpdate);
}
