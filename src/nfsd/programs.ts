import { IpProto, MOUNT_PROGRAM, MOUNT_V3, NFS_PROGRAM, NFS_V3, PMAP_PROGRAM, PMAP_V2 } from '../nfs/index.js';
import type { Mapping } from '../nfs/index.js';
import type { RpcProgram } from '../rpc/index.js';
import type { ExportFs } from './export-fs.js';
import { createMountProgram } from './mount-program.js';
import { MountRegistry } from './mount-registry.js';
import { createNfsProgram } from './nfs-program.js';
import type { ProcedureCounts } from './nfs-program.js';
import { createPortmapProgram } from './portmap-program.js';

/** The mappings our portmapper reports: NFS and MOUNT on `nfsPort`, itself on `portmapPort`, TCP and UDP. */
export function ownMappings(nfsPort: number, portmapPort: number): Mapping[] {
  return [IpProto.TCP, IpProto.UDP].flatMap((prot) => [
    { prog: NFS_PROGRAM, vers: NFS_V3, prot, port: nfsPort },
    { prog: MOUNT_PROGRAM, vers: MOUNT_V3, prot, port: nfsPort },
    { prog: PMAP_PROGRAM, vers: PMAP_V2, prot, port: portmapPort },
  ]);
}

export interface NfsProgramsOptions {
  /** The port the programs are served on, once known (after listen). */
  port: () => number | undefined;
  counts?: ProcedureCounts;
  mounts?: MountRegistry;
}

/**
 * NFS v3, MOUNT v3 and a portmapper v2 for one export, to serve together on one port:
 * a client that asks our port's portmapper where NFS and MOUNT are is told "right here".
 */
export function createNfsPrograms(exportFs: ExportFs, options: NfsProgramsOptions): RpcProgram[] {
  const mappings = (): Mapping[] => {
    const port = options.port();
    return port === undefined ? [] : ownMappings(port, port);
  };
  return [
    createNfsProgram(exportFs, options.counts),
    createMountProgram(exportFs, options.mounts ?? new MountRegistry()),
    createPortmapProgram(mappings),
  ];
}
