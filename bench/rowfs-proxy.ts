/**
 * Issue 3 benchmark: `row proxy` in front of nfs-ganesha (read-only main) against the same
 * client talking to ganesha directly, in one run; rounds alternate and figures are medians.
 * Also: write + read-back through the proxy against writing straight to a shadow-like
 * server (`row nfsd`), and the proxy's memory after a client walks a 100,000-file tree.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNetns } from '../test/helpers/netns.js';
import { startGanesha } from '../test/helpers/ganesha.js';
import { startRowNfsd, startRowServer } from '../test/helpers/row-process.js';
import { measureConcurrent, median, percentile, type BenchRow } from './measure.js';
import { createFile, ok, openNfsSession, readSequential, writeSequential, type NfsEndpoint, type NfsSession } from './nfs-session.js';

const MiB = 1024 * 1024;
const READ_BYTES = 256 * MiB;
const WRITE_BYTES = 64 * MiB;
const REQUEST_BYTES = 1 * MiB;
const IN_FLIGHT = 4;
const TREE_DIRS = 100;
const TREE_FILES_PER_DIR = 1000;
const ROUNDS = 3;

async function readRate(session: NfsSession): Promise<number> {
  const file = ok(await session.nfs.lookup({ what: { dir: session.root, name: 'read.bin' } }), 'LOOKUP').object;
  await readSequential(session.nfs, file, READ_BYTES, REQUEST_BYTES, IN_FLIGHT); // warm
  const started = performance.now();
  await readSequential(session.nfs, file, READ_BYTES, REQUEST_BYTES, IN_FLIGHT);
  return READ_BYTES / 1e6 / ((performance.now() - started) / 1000);
}

async function metadataRates(session: NfsSession): Promise<{ getattr: number; lookup: number; nullP50Us: number }> {
  const { nfs, root } = session;
  const file = ok(await nfs.lookup({ what: { dir: root, name: 'read.bin' } }), 'LOOKUP').object;
  const getattr = await measureConcurrent(2, 16, async () => ok(await nfs.getattr({ object: file }), 'GETATTR'));
  const lookup = await measureConcurrent(2, 16, async () => ok(await nfs.lookup({ what: { dir: root, name: 'read.bin' } }), 'LOOKUP'));
  const latencies: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const started = performance.now();
    await nfs.null();
    latencies.push((performance.now() - started) * 1000);
  }
  latencies.sort((a, b) => a - b);
  return { getattr: getattr.perSecond, lookup: lookup.perSecond, nullP50Us: percentile(latencies, 0.5) };
}

async function writeThenReadBack(session: NfsSession, dir: Buffer, name: string): Promise<number> {
  const file = await createFile(session.nfs, dir, name);
  const started = performance.now();
  await writeSequential(session.nfs, file, WRITE_BYTES, Buffer.alloc(REQUEST_BYTES, 0x33), IN_FLIGHT);
  await readSequential(session.nfs, file, WRITE_BYTES, REQUEST_BYTES, IN_FLIGHT);
  return (2 * WRITE_BYTES) / 1e6 / ((performance.now() - started) / 1000);
}

/** READDIRPLUS over every directory, as `find` or `ls -lR` on the client would. */
async function walkTree(session: NfsSession): Promise<number> {
  let entries = 0;
  const pending = [session.root];
  while (pending.length > 0) {
    const dir = pending.pop() as Buffer;
    let cookie = 0n;
    let cookieverf: Buffer = Buffer.alloc(8);
    for (;;) {
      const page = ok(await session.nfs.readdirplus({ dir, cookie, cookieverf, dircount: 32 * 1024, maxcount: 256 * 1024 }), 'READDIRPLUS');
      for (const entry of page.entries) {
        cookie = entry.cookie;
        if (entry.name === '.' || entry.name === '..') continue;
        entries++;
        if (entry.nameAttributes?.type === 2 && entry.nameHandle) pending.push(entry.nameHandle);
      }
      cookieverf = page.cookieverf;
      if (page.eof) break;
    }
  }
  return entries;
}

export async function benchRowfsProxy(): Promise<BenchRow[]> {
  const base = mkdtempSync('/var/tmp/rowboot-bench-rowfs-');
  const mainDir = join(base, 'main');
  const netns = await createNetns({ prefix: 'rbhp' });
  try {
    mkdirSync(mainDir);
    const data = Buffer.allocUnsafe(READ_BYTES);
    for (let offset = 0; offset < READ_BYTES; offset += 4) data.writeUInt32LE((offset * 2246822519) >>> 0, offset);
    writeFileSync(join(mainDir, 'read.bin'), data);
    for (let d = 0; d < TREE_DIRS; d++) {
      const dir = join(mainDir, 'tree', `d${d}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < TREE_FILES_PER_DIR; f++) writeFileSync(join(dir, `f${f}`), '');
    }

    const ganesha = await startGanesha({ exportDir: mainDir, netns, readOnly: true });
    const prefix = ['ip', 'netns', 'exec', netns.name];
    const startProxy = (name: string, extra: readonly string[] = []) =>
      startRowServer([
        'proxy', '--main', `${ganesha.host}:${ganesha.nfsPort}:${ganesha.exportPath}`,
        '--listen', `${netns.nsAddress}:0`, '--state', join(base, `${name}-state`), '--shadow-dir', join(base, `${name}-shadow`), ...extra,
      ], netns.nsAddress, prefix);
    const proxy = await startProxy('proxy');
    // The same proxy with its caches off (no attribute reuse, no read-ahead): what pure forwarding costs.
    const plainProxy = await startProxy('plain', ['--main-attr-ttl', '0', '--read-ahead', '0']);
    mkdirSync(join(base, 'direct-shadow'));
    const shadowServer = await startRowNfsd({ exportDir: join(base, 'direct-shadow'), stateDir: join(base, 'direct-state'), host: netns.nsAddress, prefix });
    const direct: NfsEndpoint = { name: 'ganesha', host: ganesha.host, nfsPort: ganesha.nfsPort, mountPort: ganesha.mountPort, exportPath: ganesha.exportPath };
    const viaProxy: NfsEndpoint = { name: 'proxy', host: proxy.host, nfsPort: proxy.port, mountPort: proxy.port, exportPath: ganesha.exportPath };
    const viaPlainProxy: NfsEndpoint = { name: 'plain proxy', host: plainProxy.host, nfsPort: plainProxy.port, mountPort: plainProxy.port, exportPath: ganesha.exportPath };
    const shadowDirect: NfsEndpoint = { name: 'nfsd', host: shadowServer.host, nfsPort: shadowServer.port, mountPort: shadowServer.port, exportPath: shadowServer.exportPath };
    try {
      const directSession = await openNfsSession(direct);
      const proxySession = await openNfsSession(viaProxy);
      const shadowSession = await openNfsSession(shadowDirect);
      const plainSession = await openNfsSession(viaPlainProxy);
      try {
        const reads = { direct: [] as number[], proxy: [] as number[], plain: [] as number[] };
        type Meta = Awaited<ReturnType<typeof metadataRates>>;
        const meta = { direct: [] as Meta[], proxy: [] as Meta[], plain: [] as Meta[] };
        const writes = { proxy: [] as number[], shadow: [] as number[] };
        for (let round = 0; round < ROUNDS; round++) {
          reads.direct.push(await readRate(directSession));
          reads.proxy.push(await readRate(proxySession));
          reads.plain.push(await readRate(plainSession));
          meta.direct.push(await metadataRates(directSession));
          meta.proxy.push(await metadataRates(proxySession));
          meta.plain.push(await metadataRates(plainSession));
          writes.proxy.push(await writeThenReadBack(proxySession, proxySession.root, `wr-${round}.bin`));
          writes.shadow.push(await writeThenReadBack(shadowSession, shadowSession.root, `wr-${round}.bin`));
        }
        const rssBefore = proxy.rssBytes();
        const walked = await walkTree(proxySession);
        const rssAfter = proxy.rssBytes();
        const nullDirect = median(meta.direct.map((m) => m.nullP50Us));
        const nullProxy = median(meta.proxy.map((m) => m.nullP50Us));
        return [
          { name: 'proxy: sequential READ 1 MiB, unmodified', unit: 'MB/s', rowboot: median(reads.proxy), baseline: median(reads.direct), baselineName: 'ganesha direct', goal: '>= 0.9x' },
          { name: 'proxy, caches off: sequential READ 1 MiB', unit: 'MB/s', rowboot: median(reads.plain), baseline: median(reads.direct), baselineName: 'ganesha direct' },
          { name: 'proxy: GETATTR, 16 in flight', unit: 'ops/s', rowboot: median(meta.proxy.map((m) => m.getattr)), baseline: median(meta.direct.map((m) => m.getattr)), baselineName: 'ganesha direct', goal: '>= 0.8x' },
          { name: 'proxy, caches off: GETATTR, 16 in flight', unit: 'ops/s', rowboot: median(meta.plain.map((m) => m.getattr)), baseline: median(meta.direct.map((m) => m.getattr)), baselineName: 'ganesha direct' },
          { name: 'proxy: LOOKUP, 16 in flight', unit: 'ops/s', rowboot: median(meta.proxy.map((m) => m.lookup)), baseline: median(meta.direct.map((m) => m.lookup)), baselineName: 'ganesha direct', goal: '>= 0.8x' },
          { name: `proxy: NULL p50 (added ${(nullProxy - nullDirect).toFixed(0)} us)`, unit: 'us', rowboot: nullProxy, baseline: nullDirect, baselineName: 'ganesha direct', goal: 'added < 100 us' },
          { name: 'proxy: write+read-back 64 MiB', unit: 'MB/s', rowboot: median(writes.proxy), baseline: median(writes.shadow), baselineName: 'shadow direct' },
          { name: `proxy: RSS after walking ${walked} files`, unit: 'MB', rowboot: rssAfter / 1e6, baseline: rssBefore / 1e6, baselineName: 'before walk', goal: '< 150 MB' },
        ];
      } finally {
        directSession.close();
        proxySession.close();
        shadowSession.close();
        plainSession.close();
      }
    } finally {
      await plainProxy.stop();
      await shadowServer.stop();
      await proxy.stop();
      await ganesha.stop();
    }
  } finally {
    await netns.destroy();
    rmSync(base, { recursive: true, force: true });
  }
}
