import { nullProcedure } from '../../rpc/index.js';
import type { RpcProcedureHandler, RpcProgram } from '../../rpc/index.js';
import { PMAP_PROGRAM, PMAP_V2, PmapProc } from '../constants.js';
import type { Mapping } from '../types.js';
import { decodeMapping, encodePmapDumpResult } from './codecs.js';

/**
 * A portmapper version 2 (program 100000, RFC 1833 section 3) that knows only the serving
 * process's own programs: GETPORT and DUMP answer from `mappings()`; SET and UNSET are
 * refused (FALSE), since nobody else registers with us. CALLIT is not offered
 * (PROC_UNAVAIL). Shared by the embedded server and the ROW-FS proxy, which both answer
 * portmap on their NFS port so `mount -o port=P,mountport=P` and rpcinfo work.
 */
export function createPortmapProgram(mappings: () => readonly Mapping[]): RpcProgram {
  const procedures = new Map<number, RpcProcedureHandler>([
    [PmapProc.NULL, nullProcedure],
    [PmapProc.SET, (reader) => {
      decodeMapping(reader);
      return (writer) => writer.bool(false);
    }],
    [PmapProc.UNSET, (reader) => {
      decodeMapping(reader);
      return (writer) => writer.bool(false);
    }],
    [PmapProc.GETPORT, (reader) => {
      const wanted = decodeMapping(reader);
      const found = mappings().find((m) => m.prog === wanted.prog && m.vers === wanted.vers && m.prot === wanted.prot);
      const port = found?.port ?? 0;
      return (writer) => writer.uint32(port);
    }],
    [PmapProc.DUMP, () => {
      const list = mappings();
      return (writer) => encodePmapDumpResult(writer, list);
    }],
  ]);
  return { program: PMAP_PROGRAM, versions: [{ version: PMAP_V2, procedures }] };
}
