import { Nfs3Proc } from '../../nfs/index.js';
import type { PathconfArgs, PathconfResult } from '../../nfs/index.js';
import { virtualPostOp } from '../attributes.js';
import type { CallScope } from '../call-scope.js';

/** PATHCONF (RFC 1813 section 3.3.20): from the object's server. */
export async function pathconf(scope: CallScope, args: PathconfArgs): Promise<PathconfResult> {
  const node = scope.resolve(args.object);
  const result = await scope.onSource(node, Nfs3Proc.PATHCONF, { object: node.shadowFh ?? node.mainFh ?? Buffer.alloc(0) });
  return { ...result, objAttributes: virtualPostOp(scope.ctx, node, result.objAttributes) };
}
