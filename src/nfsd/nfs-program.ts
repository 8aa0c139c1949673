import { NFS_PROGRAM, NFS_V3, Nfs3Proc, nfs3Codecs } from '../nfs/index.js';
import type { Nfs3ProcTypes, ReadArgs, ReaddirArgs, ReaddirplusArgs } from '../nfs/index.js';
import { nullProcedure } from '../rpc/index.js';
import type { RpcCallContext, RpcProcedureHandler, RpcProgram } from '../rpc/index.js';
import { callerOf } from './caller.js';
import type { ExportFs } from './export-fs.js';
import { UDP_DATA_MAX_BYTES } from './limits.js';
import type { Nfs3WorkProc } from './procedures/table.js';

/** Calls answered, by RFC procedure name ("READ"): the paper's per-procedure RPC profile. */
export type ProcedureCounts = Record<string, number>;

/**
 * A reply over UDP must fit one datagram: trim the sizes a client may ask for (the RFC
 * lets a server return less than asked) instead of failing with an oversized reply.
 */
function fitTransport<P extends Nfs3WorkProc>(proc: P, args: Nfs3ProcTypes[P]['args'], call: RpcCallContext): Nfs3ProcTypes[P]['args'] {
  if (call.transport !== 'udp') return args;
  if (proc === Nfs3Proc.READ) {
    const read = args as ReadArgs;
    return { ...read, count: Math.min(read.count, UDP_DATA_MAX_BYTES) } as Nfs3ProcTypes[P]['args'];
  }
  if (proc === Nfs3Proc.READDIR) {
    const readdir = args as ReaddirArgs;
    return { ...readdir, count: Math.min(readdir.count, UDP_DATA_MAX_BYTES) } as Nfs3ProcTypes[P]['args'];
  }
  if (proc === Nfs3Proc.READDIRPLUS) {
    const plus = args as ReaddirplusArgs;
    return { ...plus, maxcount: Math.min(plus.maxcount, UDP_DATA_MAX_BYTES) } as Nfs3ProcTypes[P]['args'];
  }
  return args;
}

/**
 * Decodes the arguments (an XdrError propagates: the RPC layer answers GARBAGE_ARGS),
 * runs the procedure on the export, and encodes whatever result union it produced.
 */
function handlerFor<P extends Nfs3WorkProc>(exportFs: ExportFs, proc: P, counts: ProcedureCounts): RpcProcedureHandler {
  const codec = nfs3Codecs[proc];
  return async (reader, call) => {
    const args = codec.decodeArgs(reader);
    counts[codec.name] = (counts[codec.name] ?? 0) + 1;
    const result = await exportFs.call(proc, fitTransport(proc, args, call), callerOf(call));
    return (writer) => codec.encodeResult(writer, result);
  };
}

/** NFS version 3 (program 100003) over an export. */
export function createNfsProgram(exportFs: ExportFs, counts: ProcedureCounts = {}): RpcProgram {
  const procedures = new Map<number, RpcProcedureHandler>([[Nfs3Proc.NULL, nullProcedure]]);
  for (const proc of Object.values(Nfs3Proc)) {
    if (proc === Nfs3Proc.NULL) continue;
    procedures.set(proc, handlerFor(exportFs, proc, counts));
  }
  return { program: NFS_PROGRAM, versions: [{ version: NFS_V3, procedures }] };
}
