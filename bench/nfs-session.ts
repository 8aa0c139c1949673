/** What every NFS benchmark does with a server: mount it, check results, read and write in windows. */
import { RpcTcpClient, authSysCredential } from '../src/rpc/index.js';
import { MountClient, Mountstat3, Nfs3Client, Nfsstat3, StableHow } from '../src/nfs/index.js';

export interface NfsEndpoint {
  name: string;
  host: string;
  nfsPort: number;
  mountPort: number;
  exportPath: string;
}

export interface NfsSession {
  nfs: Nfs3Client;
  rpc: RpcTcpClient;
  root: Buffer;
  close(): void;
}

export function ok<T extends { status: number }>(result: T, what: string): Extract<T, { status: 0 }> {
  if (result.status !== Nfsstat3.NFS3_OK) throw new Error(`${what}: status ${result.status}`);
  return result as Extract<T, { status: 0 }>;
}

export async function openNfsSession(server: NfsEndpoint, localAddress?: string): Promise<NfsSession> {
  const credential = authSysCredential({ uid: 0, gid: 0 });
  const mountRpc = new RpcTcpClient({ host: server.host, port: server.mountPort, credential, localAddress });
  const rpc = new RpcTcpClient({ host: server.host, port: server.nfsPort, credential, timeoutMs: 60_000, localAddress });
  try {
    const mount = await new MountClient(mountRpc).mnt(server.exportPath);
    if (mount.status !== Mountstat3.MNT3_OK) throw new Error(`${server.name}: MNT failed ${mount.status}`);
    return { nfs: new Nfs3Client(rpc), rpc, root: mount.fhandle, close: () => rpc.close() };
  } finally {
    mountRpc.close();
  }
}

/** Runs `count` numbered steps with at most `width` outstanding, in order of issue. */
export async function windowed(count: number, width: number, step: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await step(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane));
}

/** Reads `bytes` of `file` in `size` requests, `width` in flight; returns the parts when asked to keep them. */
export async function readSequential(nfs: Nfs3Client, file: Buffer, bytes: number, size: number, width: number, keep = false): Promise<Buffer[]> {
  const blocks = Math.ceil(bytes / size);
  const parts: Buffer[] = new Array<Buffer>(keep ? blocks : 0);
  await windowed(blocks, width, async (index) => {
    const count = Math.min(size, bytes - index * size);
    const read = ok(await nfs.read({ file, offset: index * size, count }), 'READ');
    if (read.count !== count) throw new Error(`short read ${read.count} of ${count} at block ${index}`);
    if (keep) parts[index] = read.data;
  });
  return parts;
}

/** Writes `bytes` of `payload` repeated, UNSTABLE, `width` in flight, then one COMMIT (as the Linux client does). */
export async function writeSequential(nfs: Nfs3Client, file: Buffer, bytes: number, payload: Buffer, width: number): Promise<void> {
  const blocks = Math.ceil(bytes / payload.length);
  await windowed(blocks, width, async (index) => {
    ok(await nfs.write({ file, offset: index * payload.length, count: payload.length, stable: StableHow.UNSTABLE, data: payload }), 'WRITE');
  });
  ok(await nfs.commit({ file, offset: 0, count: 0 }), 'COMMIT');
}

export async function createFile(nfs: Nfs3Client, dir: Buffer, name: string): Promise<Buffer> {
  const created = ok(await nfs.create({ where: { dir, name }, how: { mode: 'unchecked', attributes: { atime: { how: 'dont-change' }, mtime: { how: 'dont-change' } } } }), 'CREATE');
  return created.obj ?? ok(await nfs.lookup({ what: { dir, name } }), 'LOOKUP').object;
}
