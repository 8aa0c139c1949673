import { Fsf3, NFS3_MAX_DATA_BYTES, Nfs3Proc, Nfsstat3 } from '../../nfs/index.js';
import type { FsinfoArgs, FsinfoResOk, FsinfoResult, Nfstime3 } from '../../nfs/index.js';
import { nodeAttrs } from '../attributes.js';
import type { CallScope } from '../call-scope.js';
import { expectOk } from './checks.js';

function coarser(a: Nfstime3, b: Nfstime3): Nfstime3 {
  return a.seconds * 1e9 + a.nseconds >= b.seconds * 1e9 + b.nseconds ? a : b;
}

/**
 * What the proxy can promise given both servers: reads up to what main (and the shadow,
 * for copied-up files) serve, writes up to what the shadow takes; preferred sizes equal
 * the maxima (the Linux client uses them as rsize/wsize).
 */
async function mergedFsinfo(scope: CallScope): Promise<FsinfoResOk> {
  const [main, shadow] = await Promise.all([
    scope.main(Nfs3Proc.FSINFO, { fsroot: scope.ctx.main.rootFh }),
    scope.shadow(Nfs3Proc.FSINFO, { fsroot: scope.ctx.shadow.rootFh }),
  ]);
  const m = expectOk(main);
  const s = expectOk(shadow);
  const rtmax = Math.min(m.rtmax, s.rtmax, NFS3_MAX_DATA_BYTES);
  const wtmax = Math.min(s.wtmax, NFS3_MAX_DATA_BYTES);
  return {
    objAttributes: undefined,
    rtmax,
    rtpref: rtmax,
    rtmult: Math.max(m.rtmult, s.rtmult),
    wtmax,
    wtpref: wtmax,
    wtmult: s.wtmult,
    dtpref: Math.min(m.dtpref, s.dtpref),
    maxfilesize: s.maxfilesize,
    timeDelta: coarser(m.timeDelta, s.timeDelta),
    properties: (s.properties & (Fsf3.LINK | Fsf3.SYMLINK | Fsf3.CANSETTIME)) | Fsf3.HOMOGENEOUS,
  };
}

/** FSINFO (RFC 1813 section 3.3.19): static, merged once per proxy run. */
export async function fsinfo(scope: CallScope, args: FsinfoArgs): Promise<FsinfoResult> {
  const node = scope.resolve(args.fsroot);
  const ctx = scope.ctx;
  if (ctx.fsinfo === undefined) {
    const pending = mergedFsinfo(scope);
    ctx.fsinfo = pending;
    pending.catch(() => {
      if (ctx.fsinfo === pending) ctx.fsinfo = undefined;
    });
  }
  const [info, attrs] = await Promise.all([ctx.fsinfo, nodeAttrs(scope, node)]);
  return { status: Nfsstat3.NFS3_OK, ...info, objAttributes: attrs };
}
