import { NFS_PROGRAM, NFS_V3, Nfs3Proc, nfs3Codecs, NfsStatusError, Nfsstat3 } from '../nfs/index.js';
import type { Nfs3ProcTypes, Nfsstat3Error, ReadArgs, ReaddirArgs, ReaddirplusArgs } from '../nfs/index.js';
import { nullProcedure } from '../rpc/index.js';
import type { RpcProcedureHandler, RpcProgram } from '../rpc/index.js';
import type { Nfs3WorkProc } from './backend.js';
import { UpstreamUnavailableError } from './errors.js';
import { failureResult } from './procedures/failure-bodies.js';
import { rowProcedures } from './procedures/table.js';
import type { ProxyContext } from './proxy-context.js';

/**
 * A reply over UDP must fit one datagram: READ and READDIR sizes are trimmed (the RFC lets
 * a server return less than asked) rather than failing with an oversized reply.
 */
const UDP_DATA_MAX_BYTES = 60 * 1024;

function fitUdp<P extends Nfs3WorkProc>(proc: P, args: Nfs3ProcTypes[P]['args']): Nfs3ProcTypes[P]['args'] {
  if (proc === Nfs3Proc.READ) {
    const read = args as ReadArgs;
    return { ...read, count: Math.min(read.count, UDP_DATA_MAX_BYTES) } as Nfs3ProcTypes[P]['args'];
  }
  if (proc === Nfs3Proc.READDIR) {
    const list = args as ReaddirArgs;
    return { ...list, count: Math.min(list.count, UDP_DATA_MAX_BYTES) } as Nfs3ProcTypes[P]['args'];
  }
  if (proc === Nfs3Proc.READDIRPLUS) {
    const plus = args as ReaddirplusArgs;
    return { ...plus, maxcount: Math.min(plus.maxcount, UDP_DATA_MAX_BYTES) } as Nfs3ProcTypes[P]['args'];
  }
  return args;
}

/**
 * The wire status of a failed call. NfsStatusError carries its own; an upstream that did
 * not answer in time is NFS3ERR_JUKEBOX (the client retries later: never a guess); any
 * other throw is a proxy bug or a broken state store: SERVERFAULT, logged.
 */
function statusOf(ctx: ProxyContext, error: unknown, procName: string): Nfsstat3Error {
  if (error instanceof NfsStatusError) return error.status;
  if (error instanceof UpstreamUnavailableError) {
    ctx.metrics.jukebox++;
    return Nfsstat3.NFS3ERR_JUKEBOX;
  }
  ctx.metrics.failures++;
  ctx.logger.error(`rowfs: ${procName} failed inside the proxy`, { error });
  return Nfsstat3.NFS3ERR_SERVERFAULT;
}

function handlerFor<P extends Nfs3WorkProc>(ctx: ProxyContext, proc: P): RpcProcedureHandler {
  const codec = nfs3Codecs[proc];
  const procedure = rowProcedures[proc] as (scope: Parameters<(typeof rowProcedures)[P]>[0], args: Nfs3ProcTypes[P]['args']) => Promise<Nfs3ProcTypes[P]['result']>;
  return async (reader, call) => {
    // An XdrError here propagates: the RPC layer answers GARBAGE_ARGS.
    const decoded = codec.decodeArgs(reader);
    const args = call.transport === 'udp' ? fitUdp(proc, decoded) : decoded;
    const scope = ctx.beginCall(call);
    let result: Nfs3ProcTypes[P]['result'];
    try {
      result = await procedure(scope, args);
    } catch (error) {
      result = failureResult(proc, statusOf(ctx, error, codec.name));
    } finally {
      ctx.endCall(scope, proc);
    }
    return (writer) => codec.encodeResult(writer, result);
  };
}

/** NFS version 3 (program 100003) of the proxy: one handler per procedure of procedures/table.ts. */
export function createRowNfsProgram(ctx: ProxyContext): RpcProgram {
  const procedures = new Map<number, RpcProcedureHandler>([
    [
      Nfs3Proc.NULL,
      (reader, call) => {
        ctx.metrics.recordLocal(Nfs3Proc.NULL);
        return nullProcedure(reader, call);
      },
    ],
  ]);
  for (const proc of Object.values(Nfs3Proc)) {
    if (proc === Nfs3Proc.NULL) continue;
    procedures.set(proc, handlerFor(ctx, proc));
  }
  return { program: NFS_PROGRAM, versions: [{ version: NFS_V3, procedures }] };
}
