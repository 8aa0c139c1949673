import { PMAP_PORT } from '../nfs/index.js';
import { RpcServer } from '../rpc/index.js';
import type { RpcServerCounters, RpcServerOptions } from '../rpc/index.js';
import type { ExportFsOptions } from './export-core.js';
import { ExportFs } from './export-fs.js';
import type { ExportFsStats } from './export-fs.js';
import type { NfsdLogger } from './logger.js';
import { silentLogger } from './logger.js';
import { MountRegistry } from './mount-registry.js';
import type { ProcedureCounts } from './nfs-program.js';
import { createPortmapProgram } from './portmap-program.js';
import { createNfsPrograms, ownMappings } from './programs.js';

export interface NfsdOptions extends ExportFsOptions {
  host: string;
  /** 0 picks a free port (the same number for TCP and UDP). */
  port: number;
  /** Also answer portmapper calls on port 111 (or `portmapPort`) when it is free. */
  portmap?: boolean;
  portmapPort?: number;
  logger?: NfsdLogger;
  rpc?: Omit<RpcServerOptions, 'logger'>;
}

export interface NfsdStats {
  /** NFS calls by procedure name. */
  procedures: ProcedureCounts;
  rpc: RpcServerCounters;
  export: ExportFsStats;
  mounts: number;
}

export interface Nfsd {
  /** The port NFS, MOUNT and the portmapper answer on (TCP and UDP). */
  readonly port: number;
  /** The MOUNT path: the export directory's real absolute path. */
  readonly exportPath: string;
  /** The extra portmapper's port, when `portmap` was asked for and the port was free. */
  readonly portmapPort: number | undefined;
  readonly exportFs: ExportFs;
  stats(): NfsdStats;
  close(): Promise<void>;
}

/**
 * Starts the embedded NFSv3 server: NFS, MOUNT and portmap on one port over TCP and UDP,
 * exporting `exportDir` at its absolute path.
 */
export async function startNfsd(options: NfsdOptions): Promise<Nfsd> {
  const logger = options.logger ?? silentLogger;
  const exportFs = await ExportFs.open({ ...options, logger });
  const procedures: ProcedureCounts = {};
  const mounts = new MountRegistry();
  const server = new RpcServer({ ...options.rpc, logger });
  for (const program of createNfsPrograms(exportFs, { port: () => server.port, counts: procedures, mounts })) {
    server.addProgram(program);
  }
  let port: number;
  try {
    ({ port } = await server.listen({ host: options.host, port: options.port }));
  } catch (error) {
    exportFs.close();
    throw error;
  }

  let portmapServer: RpcServer | undefined;
  let portmapPort: number | undefined;
  if (options.portmap === true) {
    const wanted = options.portmapPort ?? PMAP_PORT;
    const candidate = new RpcServer({ ...options.rpc, logger });
    candidate.addProgram(createPortmapProgram(() => ownMappings(port, candidate.port ?? wanted)));
    try {
      ({ port: portmapPort } = await candidate.listen({ host: options.host, port: wanted }));
      portmapServer = candidate;
    } catch (error) {
      // Another portmapper (rpcbind) owns the port: clients can still be told our port directly.
      logger.warn('nfsd: portmapper port is taken, not answering there', { port: wanted, error });
    }
  }

  return {
    port,
    exportPath: exportFs.exportPath,
    portmapPort,
    exportFs,
    stats: () => ({ procedures: { ...procedures }, rpc: { ...server.counters }, export: exportFs.stats, mounts: mounts.list().length }),
    close: async () => {
      await Promise.all([server.close(), portmapServer?.close()]);
      exportFs.close();
    },
  };
}
