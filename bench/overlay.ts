/**
 * Issue 5 benchmark, the data path of the registry (bench/registry.ts times the DHT tables):
 *  - sequential READ of a 256 MiB image file through `row proxy --image` (main reached over the
 *    Noise-encrypted hyperdht overlay: proxy -> local forwarder -> UDX stream -> `row serve`'s
 *    embedded NFS server) against `row proxy --main` to the same server over plain TCP
 *    (goal: ratio >= 0.7). Same client, request size and window as the proxy benchmark; rounds
 *    alternate, medians. `row serve` runs in a private network namespace reached over a veth;
 *    the proxies and the client run outside it. Then again with the veth's server-to-gateway
 *    direction limited to 200 Mbit/s (tc tbf), a link the overlay's CPU cost does not saturate.
 *  - `row publish A@vN DIR --store` of a 1 GiB image (per-block SHA-256 manifest, copy into the
 *    store, signed latest record) against `sha256sum` of the same bytes (goal >= 0.8x), and
 *    once, publishing the same image over the overlay to a server (`--server`).
 * A private in-process DHT (8 nodes on the veth's host address, no public network), files under /var/tmp.
 */
import { mkdirSync, mkdtempSync, openSync, closeSync, writeSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalTestnet, type LocalTestnet } from '../src/registry/index.js';
import { run } from '../test/helpers/command.js';
import { createNetns } from '../test/helpers/netns.js';
import { startRowServer, type RowServerProcess } from '../test/helpers/row-process.js';
import { median, type BenchRow } from './measure.js';
import { ok, openNfsSession, readSequential, type NfsEndpoint, type NfsSession } from './nfs-session.js';

const ROW = fileURLToPath(new URL('../src/cli/row.js', import.meta.url));
const MiB = 1024 * 1024;
const READ_BYTES = 256 * MiB;
const PUBLISH_BYTES = 1024 * MiB;
const REQUEST_BYTES = 1 * MiB;
const IN_FLIGHT = 4;
const ROUNDS = 3;
const DHT_NODES = 8;
const LIMITED_RATE = '200mbit';
const LIMITED_READ_BYTES = 64 * MiB;
const NETNS_PREFIX = 'rbhn';
/** The namespace's end of the veth (test/helpers/netns.ts). */
const NS_VETH = 'rbveth0';
const COMMAND_TIMEOUT_MS = 600_000;

function row(args: readonly string[]): Promise<{ text: string; durationMs: number }> {
  return run(process.execPath, [ROW, ...args], { timeoutMs: COMMAND_TIMEOUT_MS });
}

/** `bytes` of random data (incompressible, no zero blocks: the worst case for publishing). */
function writeRandomFile(path: string, bytes: number): void {
  const chunk = Buffer.allocUnsafe(8 * MiB);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, randomFillSync(chunk), 0, Math.min(chunk.length, bytes - written));
  } finally {
    closeSync(fd);
  }
}

/** Reads the first `bytes` of read.bin twice (the first warms page cache, read-ahead and overlay) and times the second. */
async function readRate(session: NfsSession, bytes: number): Promise<number> {
  const file = ok(await session.nfs.lookup({ what: { dir: session.root, name: 'read.bin' } }), 'LOOKUP').object;
  await readSequential(session.nfs, file, bytes, REQUEST_BYTES, IN_FLIGHT);
  const started = performance.now();
  await readSequential(session.nfs, file, bytes, REQUEST_BYTES, IN_FLIGHT);
  return bytes / 1e6 / ((performance.now() - started) / 1000);
}

function endpoint(name: string, proxy: RowServerProcess, exportPath: string): NfsEndpoint {
  return { name, host: proxy.host, nfsPort: proxy.port, mountPort: proxy.port, exportPath };
}

export async function benchOverlay(): Promise<BenchRow[]> {
  const base = mkdtempSync('/var/tmp/rowboot-bench-overlay-');
  const netns = await createNetns({ prefix: NETNS_PREFIX });
  const processes: RowServerProcess[] = [];
  let net: LocalTestnet | undefined;
  try {
    net = await startLocalTestnet(DHT_NODES, netns.hostAddress);
    const bootstrap = net.bootstrap.map((address) => `${address.host}:${address.port}`).join(',');
    const publisher = (await row(['keygen', '--out', join(base, 'publisher.key')])).text.trim();
    await row(['keygen', '--out', join(base, 'server.key')]);
    writeFileSync(join(base, 'publishers'), `${publisher}\n`);
    const image = join(base, 'image');
    mkdirSync(image);
    writeRandomFile(join(image, 'read.bin'), READ_BYTES);

    const store = join(base, 'store');
    const server = await startRowServer(
      ['serve', '--store', store, '--key', join(base, 'server.key'), '--publishers', join(base, 'publishers'), '--listen', `${netns.nsAddress}:0`, '--rescan', '0.5', '--state', join(base, 'serve-state'), '--bootstrap', bootstrap],
      netns.nsAddress,
      ['ip', 'netns', 'exec', netns.name],
    );
    processes.push(server);
    await row(['publish', 'bench@v1', image, '--key', join(base, 'publisher.key'), '--store', store, '--bootstrap', bootstrap]);
    const mainPath = join(realpathSync(store), 'bench', 'v1');

    const overlayProxy = await startRowServer(['proxy', '--image', 'bench', '--publisher', publisher, '--bootstrap', bootstrap, '--listen', '127.0.0.1:0', '--state', join(base, 'overlay-state'), '--shadow-dir', join(base, 'overlay-shadow')], '127.0.0.1');
    processes.push(overlayProxy);
    const tcpProxy = await startRowServer(
      ['proxy', '--main', `${netns.nsAddress}:${server.port}:${mainPath}`, '--main-mount-port', String(server.port), '--listen', '127.0.0.1:0', '--state', join(base, 'tcp-state'), '--shadow-dir', join(base, 'tcp-shadow')],
      '127.0.0.1',
    );
    processes.push(tcpProxy);

    const overlaySession = await openNfsSession(endpoint('proxy over overlay', overlayProxy, '/bench/v1'));
    const tcpSession = await openNfsSession(endpoint('proxy over TCP', tcpProxy, mainPath));
    const reads = { overlay: [] as number[], tcp: [] as number[] };
    const limited = { overlay: [] as number[], tcp: [] as number[] };
    try {
      const alternate = async (bytes: number, into: typeof reads) => {
        for (let round = 0; round < ROUNDS; round++) {
          const order = round % 2 === 0 ? (['overlay', 'tcp'] as const) : (['tcp', 'overlay'] as const);
          for (const mode of order) into[mode].push(await readRate(mode === 'overlay' ? overlaySession : tcpSession, bytes));
        }
      };
      await alternate(READ_BYTES, reads);
      // The server's replies leave the namespace through its end of the veth: shape that direction.
      await netns.exec('tc', ['qdisc', 'add', 'dev', NS_VETH, 'root', 'tbf', 'rate', LIMITED_RATE, 'burst', '256kb', 'latency', '50ms']);
      await alternate(LIMITED_READ_BYTES, limited);
    } finally {
      overlaySession.close();
      tcpSession.close();
    }
    rmSync(image, { recursive: true, force: true });

    // Publishing: the same 1 GiB, hashed by sha256sum and published into a store with no server (--wait-servers 0).
    const pubImage = join(base, 'publish-image');
    mkdirSync(pubImage);
    const disk = join(pubImage, 'disk.img');
    writeRandomFile(disk, PUBLISH_BYTES);
    await run('sha256sum', [disk], { timeoutMs: COMMAND_TIMEOUT_MS }); // page cache
    const publishStore = join(base, 'publish-store');
    const rates = { publish: [] as number[], sha: [] as number[] };
    const rate = (ms: number) => PUBLISH_BYTES / 1e6 / (ms / 1000);
    for (let round = 0; round < ROUNDS; round++) {
      const version = round + 1;
      const publish = async () => {
        const { durationMs } = await row(['publish', `benchpub@v${version}`, pubImage, '--key', join(base, 'publisher.key'), '--store', publishStore, '--wait-servers', '0', '--bootstrap', bootstrap]);
        rates.publish.push(rate(durationMs));
        rmSync(join(publishStore, 'benchpub', `v${version}`), { recursive: true, force: true });
      };
      const hash = async () => rates.sha.push(rate((await run('sha256sum', [disk], { timeoutMs: COMMAND_TIMEOUT_MS })).durationMs));
      if (round % 2 === 0) {
        await publish();
        await hash();
      } else {
        await hash();
        await publish();
      }
    }

    const mbit = Number.parseInt(LIMITED_RATE, 10);
    return [
      { name: 'proxy READ 1 MiB x4 over the overlay', unit: 'MB/s', rowboot: median(reads.overlay), baseline: median(reads.tcp), baselineName: 'proxy over plain TCP', goal: '>= 0.7x' },
      { name: `same, link limited to ${mbit} Mbit/s`, unit: 'MB/s', rowboot: median(limited.overlay), baseline: median(limited.tcp), baselineName: 'proxy over plain TCP' },
      { name: 'row publish --store, 1 GiB', unit: 'MB/s', rowboot: median(rates.publish), baseline: median(rates.sha), baselineName: 'sha256sum', goal: '>= 0.8x' },
    ];
  } finally {
    for (const child of processes.reverse()) await child.stop().catch(() => undefined);
    await net?.destroy();
    await netns.destroy();
    rmSync(base, { recursive: true, force: true });
  }
}
