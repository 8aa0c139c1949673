import { Nfs3Proc, Nfsstat3, StableHow } from '../../nfs/index.js';
import type { WriteArgs, WriteResult } from '../../nfs/index.js';
import { virtualWcc } from '../attributes.js';
import { ROOT_BACKEND_CALLER } from '../backend.js';
import { fillRanges, touchedBlocks } from '../block-plan.js';
import type { CallScope } from '../call-scope.js';
import { ensureShadowCopy } from '../copy-up.js';
import { blockInShadow } from '../node.js';
import type { VNode } from '../node.js';
import { PresenceBitmap } from '../presence-bitmap.js';
import { expectOk, requireRegularFile } from './checks.js';

/** Blocks of the write that still read (at least partly) from main: their bits must be set. */
function blocksNeedingBits(node: VNode, blockSize: number, offset: number, length: number, durableOnly: boolean): number[] {
  const touched = touchedBlocks(blockSize, offset, length);
  if (touched === undefined) return [];
  const needed: number[] = [];
  for (let block = touched.first; block <= touched.last; block++) {
    if (block * blockSize >= node.mainLimit) break;
    const present = durableOnly ? node.present.has(block) : blockInShadow(node, block);
    if (!present) needed.push(block);
  }
  return needed;
}

/**
 * WRITE (RFC 1813 section 3.3.7), redirected to the shadow copy (made on the first
 * write: copy-up.ts). A write that only touches blocks already in the shadow, or bytes
 * past the main limit, is forwarded as is. Otherwise, under the file's lock: the parts of
 * its first and last block that it does not cover are filled from main, the data is
 * written, then the blocks' bits are set. Stable writes (DATA_SYNC, FILE_SYNC): the
 * shadow writes are FILE_SYNC and the bits are committed to SQLite with fsync before the
 * reply. UNSTABLE: the bits are pending in memory until COMMIT.
 */
export async function write(scope: CallScope, args: WriteArgs): Promise<WriteResult> {
  const node = scope.resolve(args.file);
  requireRegularFile(node);
  const shadowFh = node.shadowFh ?? (await ensureShadowCopy(scope, node));
  const blockSize = scope.session.blockSize;
  const stable = args.stable !== StableHow.UNSTABLE;
  if (blocksNeedingBits(node, blockSize, args.offset, args.count, true).length === 0) {
    const result = await scope.shadow(Nfs3Proc.WRITE, { ...args, file: shadowFh, stable: stable ? StableHow.FILE_SYNC : StableHow.UNSTABLE });
    if (stable && result.status === Nfsstat3.NFS3_OK && result.committed === StableHow.UNSTABLE) {
      expectOk(await scope.shadow(Nfs3Proc.COMMIT, { file: shadowFh, offset: args.offset, count: args.count }));
    }
    return finish(scope, node, result, stable);
  }
  return scope.ctx.fileLocks.run(node.vid, () => writeWithBits(scope, node, shadowFh, args, stable));
}

async function writeWithBits(scope: CallScope, node: VNode, shadowFh: Buffer, args: WriteArgs, stable: boolean): Promise<WriteResult> {
  const blockSize = scope.session.blockSize;
  const shadowStable = stable ? StableHow.FILE_SYNC : StableHow.UNSTABLE;
  const end = args.offset + args.count;
  const missing = blocksNeedingBits(node, blockSize, args.offset, args.count, false);
  const edges = new Set(missing.filter((block) => block * blockSize < args.offset || (block + 1) * blockSize > end));
  for (const block of edges) {
    for (const range of fillRanges(blockSize, block, args.offset, end, node.mainLimit)) {
      // As root: the caller may write but not read, and the proxy needs main's bytes either way.
      const old = expectOk(await scope.main(Nfs3Proc.READ, { file: node.mainFh ?? Buffer.alloc(0), offset: range.offset, count: range.length }, ROOT_BACKEND_CALLER));
      const filled = await scope.shadow(Nfs3Proc.WRITE, {
        file: shadowFh,
        offset: range.offset,
        count: old.data.length,
        stable: shadowStable,
        data: old.data,
      });
      if (filled.status !== Nfsstat3.NFS3_OK) return { ...filled, fileWcc: virtualWcc(scope.ctx, node, filled.fileWcc) };
    }
  }
  const result = await scope.shadow(Nfs3Proc.WRITE, { ...args, file: shadowFh, stable: shadowStable });
  if (result.status !== Nfsstat3.NFS3_OK) return finish(scope, node, result, stable);
  // Blocks written before (pending) or just now: all of them are current in the shadow.
  const toMark = blocksNeedingBits(node, blockSize, args.offset, args.count, true);
  if (stable) {
    // Blocks only pending hold data of earlier UNSTABLE writes (and their fills): flush them first.
    if (result.committed === StableHow.UNSTABLE || toMark.some((block) => node.pending?.has(block) === true)) {
      expectOk(await scope.shadow(Nfs3Proc.COMMIT, { file: shadowFh, offset: 0, count: 0 }));
    }
    scope.ctx.store.durably(() => {
      for (const block of toMark) node.present.set(block);
      scope.ctx.nodes.saveBitmap(node);
    });
    for (const block of toMark) node.pending?.clear(block);
  } else {
    node.pending ??= new PresenceBitmap();
    for (const block of toMark) node.pending.set(block);
  }
  return finish(scope, node, result, stable, true);
}

function finish(scope: CallScope, node: VNode, result: WriteResult, stable: boolean, synced = false): WriteResult {
  if (result.status !== Nfsstat3.NFS3_OK) return { ...result, fileWcc: virtualWcc(scope.ctx, node, result.fileWcc) };
  // An acknowledged stable write must not outlive the record of the file it went to.
  if (stable && !synced) scope.ctx.store.syncIfDirty();
  return {
    status: Nfsstat3.NFS3_OK,
    fileWcc: virtualWcc(scope.ctx, node, result.fileWcc),
    count: result.count,
    committed: stable ? StableHow.FILE_SYNC : StableHow.UNSTABLE,
    verf: scope.ctx.writeVerifier(result.verf),
  };
}
