/**
 * Portmap v2 (RFC 1833) on port 111 of the gateway address, pointing at the proxy's NFS and
 * MOUNT: the Linux client asks here when the mount command gives no ports, so a diskless client
 * mounts `ADDRESS:/path` with default options.
 */
import { createPortmapProgram, IpProto, MOUNT_PROGRAM, MOUNT_V3, NFS_PROGRAM, NFS_V3, PMAP_PROGRAM, PMAP_V2 } from '../nfs/index.js';
import type { Mapping } from '../nfs/index.js';
import { RpcServer } from '../rpc/index.js';
import type { RpcLogger } from '../rpc/index.js';

export interface PortmapServer {
  readonly port: number;
  close(): Promise<void>;
}

export function gatewayMappings(nfsPort: number, portmapPort: number): Mapping[] {
  return [IpProto.TCP, IpProto.UDP].flatMap((prot) => [
    { prog: NFS_PROGRAM, vers: NFS_V3, prot, port: nfsPort },
    { prog: MOUNT_PROGRAM, vers: MOUNT_V3, prot, port: nfsPort },
    { prog: PMAP_PROGRAM, vers: PMAP_V2, prot, port: portmapPort },
  ]);
}

export async function startPortmapServer(options: { host: string; port: number; nfsPort: number; logger: RpcLogger }): Promise<PortmapServer> {
  const server = new RpcServer({ logger: options.logger });
  let mappings: Mapping[] = [];
  server.addProgram(createPortmapProgram(() => mappings));
  const { port } = await server.listen({ host: options.host, port: options.port });
  mappings = gatewayMappings(options.nfsPort, port);
  return { port, close: () => server.close() };
}
