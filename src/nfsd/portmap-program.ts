import { decodeMapping, encodePmapDumpResult, PMAP_PROGRAM, PMAP_V2, PmapProc } from '../nfs/index.js';
import type { Mapping } from '../nfs/index.js';
import { nullProcedure } from '../rpc/index.js';
import type { RpcProcedureHandler, RpcProgram } from '../rpc/index.js';

/**
 * A portmapper version 2 (program 100000, RFC 1833 section 3) that knows only our own
 * programs: GETPORT and DUMP answer from `mappings()`; SET and UNSET are refused (FALSE),
 * since nobody else registers with us. CALLIT is not offered (PROC_UNAVAIL).
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
