import { NfsStatusError, Nfs3Proc, Nfsstat3 } from '../../nfs/index.js';
import type { Fattr3, ReadArgs, ReadResOk, ReadResult } from '../../nfs/index.js';
import { sourceAttrs, virtualAttrs, virtualPostOp } from '../attributes.js';
import { planRead } from '../block-plan.js';
import type { ReadRun } from '../block-plan.js';
import type { CallScope } from '../call-scope.js';
import type { VNode } from '../node.js';
import { callBackend } from '../backend.js';
import { expectOk, requireRegularFile } from './checks.js';

/**
 * READ (RFC 1813 section 3.3.6). A file that was never written is read from main as is
 * (one forwarded call, or one fetched ahead of a sequential reader; the payload goes back
 * by reference). A copied-up file is assembled block by block (block-plan.ts): main for
 * blocks whose bit is clear and below the main limit, the shadow for the rest, and its size
 * and EOF are the shadow file's.
 */
export async function read(scope: CallScope, args: ReadArgs): Promise<ReadResult> {
  const node = scope.resolve(args.file);
  requireRegularFile(node);
  if (node.shadowFh === undefined) {
    const result = (await readAhead(scope, node, args)) ?? (await scope.main(Nfs3Proc.READ, { file: node.mainFh ?? Buffer.alloc(0), offset: args.offset, count: args.count }));
    return { ...result, fileAttributes: virtualPostOp(scope.ctx, node, result.fileAttributes) };
  }
  const runs = planRead(node, scope.session.blockSize, args.offset, args.count);
  const only = runs[0];
  if (runs.length === 0 || (runs.length === 1 && only?.source === 'shadow')) {
    const result = await scope.shadow(Nfs3Proc.READ, { file: node.shadowFh, offset: args.offset, count: args.count });
    return { ...result, fileAttributes: virtualPostOp(scope.ctx, node, result.fileAttributes) };
  }
  return assembled(scope, node, args.offset, runs);
}

/** The read-ahead's answer to this READ of an unmodified file, if it fetched it already (read-ahead.ts). */
async function readAhead(scope: CallScope, node: VNode, args: ReadArgs): Promise<ReadResult | undefined> {
  const mainFh = node.mainFh;
  if (mainFh === undefined) return undefined;
  const { ctx, caller } = scope;
  const size = ctx.mainAttrs.get(node.vid)?.size;
  const fetched = ctx.readAhead.read(node.vid, args.offset, args.count, size, (offset, count) =>
    callBackend(ctx.main.backend, Nfs3Proc.READ, { file: mainFh, offset, count }, caller),
  );
  const result = fetched === undefined ? undefined : await fetched;
  if (result !== undefined) scope.countMainRead(result.status === Nfsstat3.NFS3_OK ? result.data.length : 0);
  return result;
}

async function readRun(scope: CallScope, node: VNode, run: ReadRun): Promise<ReadResOk> {
  if (run.source === 'main') {
    return expectOk(await scope.main(Nfs3Proc.READ, { file: node.mainFh ?? Buffer.alloc(0), offset: run.offset, count: run.length }));
  }
  return expectOk(await scope.shadow(Nfs3Proc.READ, { file: node.shadowFh ?? Buffer.alloc(0), offset: run.offset, count: run.length }));
}

async function assembled(scope: CallScope, node: VNode, offset: number, runs: ReadRun[]): Promise<ReadResult> {
  const parts = await Promise.all(runs.map((run) => readRun(scope, node, run)));
  let shadowAttrs: Fattr3 | undefined;
  runs.forEach((run, index) => {
    if (run.source === 'shadow') shadowAttrs ??= parts[index]?.fileAttributes;
  });
  shadowAttrs ??= await sourceAttrs(scope, node);
  const size = shadowAttrs.size;
  const chunks: Buffer[] = [];
  let position = offset;
  for (const [index, run] of runs.entries()) {
    if (position >= size) break;
    const part = parts[index] as ReadResOk;
    const wanted = Math.min(run.length, size - run.offset);
    if (part.data.length < wanted) {
      // main is read-only: fewer bytes than below the main limit means it changed under us.
      if (run.source === 'main') throw new NfsStatusError(Nfsstat3.NFS3ERR_IO, `main returned ${part.data.length} of ${wanted} bytes`);
      chunks.push(part.data);
      position += part.data.length;
      break;
    }
    chunks.push(part.data.length === wanted ? part.data : part.data.subarray(0, wanted));
    position += wanted;
  }
  const data = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  return {
    status: Nfsstat3.NFS3_OK,
    fileAttributes: virtualAttrs(scope.ctx, node, shadowAttrs),
    count: data.length,
    eof: offset + data.length >= size,
    data,
  };
}
