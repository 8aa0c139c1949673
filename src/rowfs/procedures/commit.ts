import { Nfs3Proc, Nfsstat3 } from '../../nfs/index.js';
import type { CommitArgs, CommitResult } from '../../nfs/index.js';
import { NO_WCC, virtualWcc } from '../attributes.js';
import type { CallScope } from '../call-scope.js';
import { requireRegularFile } from './checks.js';

/**
 * COMMIT (RFC 1813 section 3.3.21): the shadow commits the file, then the blocks written
 * UNSTABLE before this COMMIT began become durable in the bitmap (fsync), then the reply.
 * Blocks written while the COMMIT ran stay pending: their data may not be on disk. A file
 * never written has nothing to commit: answered here.
 */
export async function commit(scope: CallScope, args: CommitArgs): Promise<CommitResult> {
  const node = scope.resolve(args.file);
  requireRegularFile(node);
  const ctx = scope.ctx;
  if (node.shadowFh === undefined) {
    return { status: Nfsstat3.NFS3_OK, fileWcc: NO_WCC, verf: ctx.writeVerifier(ctx.lastShadowVerifier) };
  }
  const committing = node.pending?.clone();
  // The whole file: pending bits may lie outside the client's range (fills of edge blocks).
  const result = await scope.shadow(Nfs3Proc.COMMIT, { file: node.shadowFh, offset: 0, count: 0 });
  if (result.status !== Nfsstat3.NFS3_OK) return { ...result, fileWcc: virtualWcc(ctx, node, result.fileWcc) };
  if (committing !== undefined && !committing.isEmpty()) {
    ctx.store.durably(() => {
      node.present.merge(committing);
      ctx.nodes.saveBitmap(node);
    });
    node.pending?.subtract(committing);
  } else {
    ctx.store.syncIfDirty();
  }
  return { status: Nfsstat3.NFS3_OK, fileWcc: virtualWcc(ctx, node, result.fileWcc), verf: ctx.writeVerifier(result.verf) };
}
