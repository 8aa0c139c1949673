/**
 * Issue 2 benchmark: `row nfsd` against nfs-ganesha, same client (ours), same directory,
 * one run. Both servers run in one private network namespace and are reached over the same
 * veth, so the only difference is the server. Reads are measured warm (the file is in the
 * page cache for both), writes are UNSTABLE followed by one COMMIT, as the Linux client does.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNetns } from '../test/helpers/netns.js';
import { startGanesha } from '../test/helpers/ganesha.js';
import { startRowNfsd } from '../test/helpers/row-process.js';
import { measureConcurrent, median, type BenchRow } from './measure.js';
import { createFile, ok, openNfsSession, readSequential, writeSequential, type NfsEndpoint } from './nfs-session.js';

const FILE_BYTES = 256 * 1024 * 1024;
const IN_FLIGHT_TRANSFERS = 4;
const IN_FLIGHT_METADATA = 16;
const METADATA_SECONDS = 2;
const KiB = 1024;
const MiB = 1024 * 1024;

interface ServerFigures {
  readMBps: Map<number, number>;
  writeMBps: Map<number, number>;
  getattrOps: number;
  lookupOps: number;
}

async function measureServer(server: NfsEndpoint, digest: string): Promise<ServerFigures> {
  const { nfs, root, close } = await openNfsSession(server);
  try {
    const fsinfo = ok(await nfs.fsinfo({ fsroot: root }), 'FSINFO');
    const file = ok(await nfs.lookup({ what: { dir: root, name: 'read.bin' } }), 'LOOKUP').object;
    const readMBps = new Map<number, number>();
    const writeMBps = new Map<number, number>();
    for (const size of [32 * KiB, MiB]) {
      if (size > fsinfo.rtmax || size > fsinfo.wtmax) throw new Error(`${server.name}: rtmax ${fsinfo.rtmax} < ${size}`);
      // The first pass warms the page cache and proves the data is right; the second is timed.
      const parts = await readSequential(nfs, file, FILE_BYTES, size, IN_FLIGHT_TRANSFERS, true);
      const hash = createHash('sha256');
      for (const part of parts) hash.update(part);
      if (hash.digest('hex') !== digest) throw new Error(`${server.name}: read data differs`);
      const readStart = performance.now();
      await readSequential(nfs, file, FILE_BYTES, size, IN_FLIGHT_TRANSFERS);
      readMBps.set(size, FILE_BYTES / 1e6 / ((performance.now() - readStart) / 1000));

      const name = `write-${server.name}-${size}.bin`;
      const target = await createFile(nfs, root, name);
      const writeStart = performance.now();
      await writeSequential(nfs, target, FILE_BYTES, Buffer.alloc(size, 0x5a), IN_FLIGHT_TRANSFERS);
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
    close();
  }
}

const ROUNDS = 3;

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
