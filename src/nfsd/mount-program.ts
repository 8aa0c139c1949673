import {
  decodeMntArgs,
  decodeUmntArgs,
  encodeMntResult,
  encodeMountDumpResult,
  encodeMountExportResult,
  MOUNT_PROGRAM,
  MOUNT_V3,
  MountProc,
  Mountstat3,
} from '../nfs/index.js';
import { nullProcedure } from '../rpc/index.js';
import type { RpcProcedureHandler, RpcProgram, RpcResultEncoder } from '../rpc/index.js';
import type { ExportFs } from './export-fs.js';
import type { MountRegistry } from './mount-registry.js';

const encodeNothing: RpcResultEncoder = () => {};

/**
 * MOUNT version 3 (program 100005, RFC 1813 Appendix I). MNT works on read-only exports
 * too; EXPORT lists the one export with no groups (everyone may mount it).
 */
export function createMountProgram(exportFs: ExportFs, registry: MountRegistry): RpcProgram {
  const procedures = new Map<number, RpcProcedureHandler>([
    [MountProc.NULL, nullProcedure],
    [
      MountProc.MNT,
      (reader, call) => {
        const dirpath = decodeMntArgs(reader);
        const result = exportFs.mount(dirpath);
        if (result.status === Mountstat3.MNT3_OK) registry.add(call.remoteAddress, dirpath);
        return (writer) => encodeMntResult(writer, result);
      },
    ],
    [MountProc.DUMP, () => {
      const list = registry.list();
      return (writer) => encodeMountDumpResult(writer, list);
    }],
    [
      MountProc.UMNT,
      (reader, call) => {
        registry.remove(call.remoteAddress, decodeUmntArgs(reader));
        return encodeNothing;
      },
    ],
    [
      MountProc.UMNTALL,
      (_reader, call) => {
        registry.removeHost(call.remoteAddress);
        return encodeNothing;
      },
    ],
    [MountProc.EXPORT, () => (writer) => encodeMountExportResult(writer, [{ dir: exportFs.exportPath, groups: [] }])],
  ]);
  return { program: MOUNT_PROGRAM, versions: [{ version: MOUNT_V3, procedures }] };
}
