import type { RpcCallOptions, RpcCaller } from '../rpc/index.js';
import { MOUNT_PROGRAM, MOUNT_V3, MountProc } from './constants.js';
import {
  decodeMntResult,
  decodeMountDumpResult,
  decodeMountExportResult,
  encodeMntArgs,
  encodeUmntArgs,
} from './mount/codecs.js';
import type { ExportNode, MountBody, MountResult } from './types.js';

function nothing(): void {}

/**
 * A MOUNT version 3 client (RFC 1813 Appendix I). mnt() resolves to the raw mountres3
 * (a failure status is a value); RPC-level failures reject.
 */
export class MountClient {
  constructor(private readonly caller: RpcCaller) {}

  null(options?: RpcCallOptions): Promise<void> {
    return this.caller.call(MOUNT_PROGRAM, MOUNT_V3, MountProc.NULL, nothing, nothing, options);
  }

  /** The root file handle of an exported path, and the auth flavors the server accepts. */
  mnt(path: string, options?: RpcCallOptions): Promise<MountResult> {
    return this.caller.call(
      MOUNT_PROGRAM,
      MOUNT_V3,
      MountProc.MNT,
      (writer) => encodeMntArgs(writer, path),
      decodeMntResult,
      options,
    );
  }

  /** Which hosts the server believes have mounted what. */
  dump(options?: RpcCallOptions): Promise<MountBody[]> {
    return this.caller.call(MOUNT_PROGRAM, MOUNT_V3, MountProc.DUMP, nothing, decodeMountDumpResult, options);
  }

  umnt(path: string, options?: RpcCallOptions): Promise<void> {
    return this.caller.call(
      MOUNT_PROGRAM,
      MOUNT_V3,
      MountProc.UMNT,
      (writer) => encodeUmntArgs(writer, path),
      nothing,
      options,
    );
  }

  umntall(options?: RpcCallOptions): Promise<void> {
    return this.caller.call(MOUNT_PROGRAM, MOUNT_V3, MountProc.UMNTALL, nothing, nothing, options);
  }

  export(options?: RpcCallOptions): Promise<ExportNode[]> {
    return this.caller.call(MOUNT_PROGRAM, MOUNT_V3, MountProc.EXPORT, nothing, decodeMountExportResult, options);
  }
}
