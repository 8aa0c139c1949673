/**
 * Issue 2 benchmark: `row nfsd` against nfs-ganesha, same client (ours), same directory,
 * one run. Both servers run in one private network namespace and are reached over the same
 * veth, so the only difference is the server. Reads are measured warm (the file is in the
 * page cache for both), writes are UNSTABLE followed by one COMMIT, as the Linux client does.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RpcTcpClient, authSysCredential } from '../src/rpc/index.js';
import { MountClient, Mountstat3, Nfs3Client, Nfsstat3, StableHow } from '../src/nfs/index.js';
import { createNetns } from '../test/helpers/netns.js';
import { startGanesha } from '../test/helpers/ganesha.js';
import { startRowNfsd } from '../test/helpers/row-process.js';
import { measureConcurrent, type BenchRow } from './measure.js';

const FILE_BYTES = 256 * 1024 * 1024;
const IN_FLIGHT_TRANSFERS = 4;
const IN_FLIGHT_METADATA = 16;
const METADATA_SECONDS = 2;
const KiB = 1024;
const MiB = 1024 * 1024;

interface ServerUnderTest {
  name: string;
  host: string;
  nfsPort: number;
  mountPort: number;
  exportPath: string;
}

interface ServerFigures {
  readMBps: Map<number, number>;
  writeMBps: Map<number, number>;
  getattrOps: number;
  lookupOps: number;
}

function ok<T extends { status: number }>(result: T, what: string): Extract<T, { status: 0 }> {
  if (result.status !== Nfsstat3.NFS3_OK) throw new Error(`${what}: status ${result.status}`);
  return result as Extract<T, { status: 0 }>;
}

/** Runs `count` numbered steps with at most `width` outstanding, in order of issue. */
async function windowed(count: number, width: number, step: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await step(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane));
}

async function measureServer(server: ServerUnderTest, digest: string): Promise<ServerFigures> {
  const credential = authSysCredential({ uid: 0, gid: 0 });
  const mountRpc = new RpcTcpClient({ host: server.host, port: server.mountPort, credential });
  const rpc = new RpcTcpClient({ host: server.host, port: server.nfsPort, credential, timeoutMs: 60_000 });
  try {
    const mount = await new MountClient(mountRpc).mnt(server.exportPath);
    if (mount.status !== Mountstat3.MNT3_OK) throw new Error(`${server.name}: MNT failed ${mount.status}`);
    const nfs = new Nfs3Client(rpc);
    const root = mount.fhandle;
    const fsinfo = ok(await nfs.fsinfo({ fsroot: root }), 'FSINFO');
    const file = ok(await nfs.lookup({ what: { dir: root, name: 'read.bin' } }), 'LOOKUP').object;

    const readMBps = new Map<number, number>();
    const writeMBps = new Map<number, number>();
    for (const size of [32 * KiB, MiB]) {
      if (size > fsinfo.rtmax || size > fsinfo.wtmax) throw new Error(`${server.name}: rtmax ${fsinfo.rtmax} < ${size}`);
      const blocks = FILE_BYTES / size;
      const readOnce = async (check: boolean) => {
        const parts: Buffer[] = new Array<Buffer>(blocks);
        await windowed(blocks, IN_FLIGHT_TRANSFERS, async (index) => {
          const read = ok(await nfs.read({ file, offset: index * size, count: size }), 'READ');
          if (read.count !== size) throw new Error(`${server.name}: short read ${read.count}`);
          if (check) parts[index] = read.data;
        });
        if (check) {
          const hash = createHash('sha256');
          for (const part of parts) hash.update(part);
          if (hash.digest('hex') !== digest) throw new Error(`${server.name}: read data differs`);
        }
      };
      await readOnce(true); // warm the page cache and prove the data is right
      const readStart = performance.now();
      await readOnce(false);
      readMBps.set(size, FILE_BYTES / 1e6 / ((performance.now() - readStart) / 1000));

      const name = `write-${server.name}-${size}.bin`;
      const created = ok(await nfs.create({ where: { dir: root, name }, how: { mode: 'unchecked', attributes: { atime: { how: 'dont-change' }, mtime: { how: 'dont-change' } } } }), 'CREATE');
      const target = created.obj ?? ok(await nfs.lookup({ what: { dir: root, name } }), 'LOOKUP').object;
      const payload = Buffer.alloc(size, 0x5a);
      const writeStart = performance.now();
      await windowed(blocks, IN_FLIGHT_TRANSFERS, async (index) => {
        ok(await nfs.write({ file: target, offset: index * size, count: size, stable: StableHow.UNSTABLE, data: payload }), 'WRITE');
      });
      ok(await nfs.commit({ file: target, offset: 0, count: 0 }), 'COMMIT');
      writeMBps.set(size, FILE_BYTES / 1e6 / ((performance.now() - writeStart) / 1000));
      ok(await nfs.remove({ object: { dir: root, name } }), 'REMOVE');
    }

    const getattr = await measureConcurrent(METADATA_SECONDS, IN_FLIGHT_METADATA, async () => {
      ok(await nfs.getattr({ object: file }), 'GETATTR');
    });
    const lookup = await measureConcurrent(METADATA_SECONDS, IN_FLIGHT_METADATA, async () => {
      ok(await nfs.lookup({ what: { dir: root, name: 'read.bin' } }), 'LOOKUP');
    });
    return { readMBps, writeMBps, getattrOps: getattr.perSecond, lookupOps: lookup.perSecond };
  } finally {
    mountRpc.close();
    rpc.close();
  }
}

const ROUNDS = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The median of each figure over several rounds. */
function medianFigures(rounds: readonly ServerFigures[]): ServerFigures {
  const sizes = [...(rounds[0]?.readMBps.keys() ?? [])];
  return {
    readMBps: new Map(sizes.map((size) => [size, median(rounds.map((r) => r.readMBps.get(size) ?? 0))])),
    writeMBps: new Map(sizes.map((size) => [size, median(rounds.map((r) => r.writeMBps.get(size) ?? 0))])),
    getattrOps: median(rounds.map((r) => r.getattrOps)),
    lookupOps: median(rounds.map((r) => r.lookupOps)),
  };
}

export async function benchNfsServer(): Promise<BenchRow[]> {
  const base = mkdtempSync('/var/tmp/rowboot-bench-');
  const exportDir = join(base, 'export');
  const netns = await createNetns({ prefix: 'rbhb' });
  try {
    mkdirSync(exportDir);
    const data = Buffer.allocUnsafe(FILE_BYTES);
    for (let offset = 0; offset < FILE_BYTES; offset += 4) data.writeUInt32LE((offset * 2654435761) >>> 0, offset);
    writeFileSync(join(exportDir, 'read.bin'), data);
    const digest = createHash('sha256').update(data).digest('hex');

    // Both servers run side by side in one namespace and the rounds alternate, so a noisy
    // moment on this shared machine hits both alike; each figure is the median of its rounds.
    const ganesha = await startGanesha({ exportDir, netns });
    const row = await startRowNfsd({ exportDir, stateDir: join(base, 'state'), host: netns.nsAddress, prefix: ['ip', 'netns', 'exec', netns.name] });
    const ganeshaRounds: ServerFigures[] = [];
    const rowRounds: ServerFigures[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        ganeshaRounds.push(await measureServer({ name: 'ganesha', host: ganesha.host, nfsPort: ganesha.nfsPort, mountPort: ganesha.mountPort, exportPath: ganesha.exportPath }, digest));
        rowRounds.push(await measureServer({ name: 'rowboot', host: row.host, nfsPort: row.port, mountPort: row.port, exportPath: row.exportPath }, digest));
      }
    } finally {
      await row.stop();
      await ganesha.stop();
    }
    const ganeshaFigures = medianFigures(ganeshaRounds);
    const rowFigures = medianFigures(rowRounds);

    const rows: BenchRow[] = [];
    for (const size of [32 * KiB, MiB]) {
      const label = size === MiB ? '1 MiB' : '32 KiB';
      rows.push({ name: `nfsd: sequential READ ${label}`, unit: 'MB/s', rowboot: rowFigures.readMBps.get(size) ?? 0, baseline: ganeshaFigures.readMBps.get(size) ?? 0, baselineName: 'ganesha', goal: '>= 0.8x' });
      rows.push({ name: `nfsd: sequential WRITE ${label} + COMMIT`, unit: 'MB/s', rowboot: rowFigures.writeMBps.get(size) ?? 0, baseline: ganeshaFigures.writeMBps.get(size) ?? 0, baselineName: 'ganesha' });
    }
    rows.push({ name: 'nfsd: GETATTR, 16 in flight', unit: 'ops/s', rowboot: rowFigures.getattrOps, baseline: ganeshaFigures.getattrOps, baselineName: 'ganesha', goal: '>= 1.0x' });
    rows.push({ name: 'nfsd: LOOKUP, 16 in flight', unit: 'ops/s', rowboot: rowFigures.lookupOps, baseline: ganeshaFigures.lookupOps, baselineName: 'ganesha' });
    return rows;
  } finally {
    await netns.destroy();
    rmSync(base, { recursive: true, force: true });
  }
}
