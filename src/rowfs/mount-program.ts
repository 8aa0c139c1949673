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
import type { MountBody, MountResult } from '../nfs/index.js';
import { AuthFlavor, nullProcedure } from '../rpc/index.js';
import type { RpcCallContext, RpcProcedureHandler, RpcProgram, RpcResultEncoder } from '../rpc/index.js';
import { RowfsStateError } from './errors.js';
import { componentsBelowExport, MountPathError, resolveMountDirectory } from './mount-path.js';
import type { ProxyContext } from './proxy-context.js';

/** RFC 1813 Appendix I: the flavors we accept; the Linux client wants AUTH_UNIX (AUTH_SYS) listed. */
const AUTH_FLAVORS: readonly number[] = [AuthFlavor.AUTH_SYS, AuthFlavor.AUTH_NONE];
const encodeNothing: RpcResultEncoder = () => {};

function withoutTrailingSlashes(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/**
 * MOUNT version 3 (program 100005) of the proxy. MNT of the main export's path, or of a
 * directory below it (as knfsd and nfs-ganesha allow), opens (or resumes) the caller's
 * session and answers the virtual handle of that directory in the session's merged view;
 * any other path is NOENT. DUMP lists who mounted since start (advisory, in memory, as
 * rmtab is).
 */
export function createRowMountProgram(ctx: ProxyContext): RpcProgram {
  const exportPath = withoutTrailingSlashes(ctx.main.exportPath);
  const mounts = new Map<string, MountBody>();
  const mnt = async (dirpath: string, call: RpcCallContext): Promise<MountResult> => {
    let below: string[];
    try {
      below = componentsBelowExport(exportPath, dirpath);
    } catch (error) {
      if (error instanceof MountPathError) return { status: error.status };
      throw error;
    }
    const session = ctx.sessions.open(ctx.sessionKeyOf(call));
    let vid = session.rootVid;
    if (below.length > 0) {
      const scope = ctx.beginCall(call);
      try {
        const root = ctx.nodes.get(session.rootVid);
        if (root === undefined || root.dead) throw new RowfsStateError(`session ${session.id} has no root row ${session.rootVid}`);
        vid = (await resolveMountDirectory(scope, root, below, dirpath)).vid;
      } catch (error) {
        if (error instanceof MountPathError) return { status: error.status };
        throw error;
      } finally {
        ctx.endUncountedCall();
      }
    }
    return { status: Mountstat3.MNT3_OK, fhandle: ctx.codec.encode(session.id, vid), authFlavors: [...AUTH_FLAVORS] };
  };
  const procedures = new Map<number, RpcProcedureHandler>([
    [MountProc.NULL, nullProcedure],
    [
      MountProc.MNT,
      async (reader, call) => {
        const dirpath = decodeMntArgs(reader);
        let result: MountResult;
        try {
          result = await mnt(dirpath, call);
        } catch (error) {
          ctx.logger.error('rowfs: MNT failed', { dirpath, error });
          result = { status: Mountstat3.MNT3ERR_SERVERFAULT };
        }
        if (result.status === Mountstat3.MNT3_OK) mounts.set(`${call.remoteAddress} ${dirpath}`, { hostname: call.remoteAddress, directory: dirpath });
        return (writer) => encodeMntResult(writer, result);
      },
    ],
    [MountProc.DUMP, () => {
      const list = [...mounts.values()];
      return (writer) => encodeMountDumpResult(writer, list);
    }],
    [
      MountProc.UMNT,
      (reader, call) => {
        mounts.delete(`${call.remoteAddress} ${decodeUmntArgs(reader)}`);
        return encodeNothing;
      },
    ],
    [
      MountProc.UMNTALL,
      (_reader, call) => {
        for (const [key, body] of mounts) if (body.hostname === call.remoteAddress) mounts.delete(key);
        return encodeNothing;
      },
    ],
    [MountProc.EXPORT, () => (writer) => encodeMountExportResult(writer, [{ dir: exportPath, groups: [] }])],
  ]);
  return { program: MOUNT_PROGRAM, versions: [{ version: MOUNT_V3, procedures }] };
}
