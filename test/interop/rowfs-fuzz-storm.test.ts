/**
 * Issue 3, "the RPC fuzz test of the NFS-stack issue also runs against the proxy": the same
 * storm of 110,000 hostile records (test/helpers/rpc-fuzz-storm.ts) at a `row proxy`
 * process in front of a read-only nfs-ganesha, carrying the proxy's own handles and damaged
 * copies of them. The proxy must answer or close on every record, never crash, keep its
 * memory bounded, and keep serving a good client that reads a main file and writes and
 * reads back a file of its own; the main tree is unchanged afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authSysCredential, RpcTcpClient } from '../../src/rpc/index.js';
import { MountClient, Mountstat3, Nfs3Client, Nfsstat3, StableHow } from '../../src/nfs/index.js';
import { startGanesha } from '../helpers/ganesha.js';
import { readAndCheck, runFuzzStorm, STORM_RSS_LIMIT_BYTES } from '../helpers/rpc-fuzz-storm.js';
import { startRowServer } from '../helpers/row-process.js';
import { treeDigest } from '../helpers/tree-digest.js';

const SEED = Number(process.env['ROWBOOT_FUZZ_SEED'] ?? 3_2026_11);

test('row proxy survives 100,000+ hostile records and keeps serving a good client; main unchanged', { timeout: 900_000 }, async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'rowboot-rowfs-storm-'));
  const mainDir = join(scratch, 'main');
  mkdirSync(join(mainDir, 'fuzz-zone'), { recursive: true });
  const goodData = randomBytes(256 * 1024);
  writeFileSync(join(mainDir, 'good.bin'), goodData);
  writeFileSync(join(mainDir, 'fuzz-zone', 'victim'), 'fuzz me');
  const mainBefore = treeDigest(mainDir);
  const ganesha = await startGanesha({ exportDir: mainDir, readOnly: true });
  const proxy = await startRowServer([
    'proxy', '--main', `${ganesha.host}:${ganesha.nfsPort}:${ganesha.exportPath}`,
    '--listen', `${ganesha.netns.nsAddress}:0`, '--state', join(scratch, 'state'), '--shadow-dir', join(scratch, 'shadow'),
  ], ganesha.netns.nsAddress, ['ip', 'netns', 'exec', ganesha.netns.name]);
  const client = new RpcTcpClient({ host: proxy.host, port: proxy.port, timeoutMs: 20_000, credential: authSysCredential({ uid: 0, gid: 0 }) });
  try {
    const mount = await new MountClient(client).mnt(ganesha.exportPath);
    assert.equal(mount.status, Mountstat3.MNT3_OK);
    if (mount.status !== Mountstat3.MNT3_OK) return;
    const nfs = new Nfs3Client(client);
    const lookup = async (dir: Buffer, name: string): Promise<Buffer> => {
      const result = await nfs.lookup({ what: { dir, name } });
      if (result.status !== Nfsstat3.NFS3_OK) throw new Error(`LOOKUP ${name}: status ${result.status}`);
      return result.object;
    };
    const good = await lookup(mount.fhandle, 'good.bin');
    const zone = await lookup(mount.fhandle, 'fuzz-zone');
    const victim = await lookup(zone, 'victim');
    // The good client's own file lives outside the fuzz zone, whose handles the storm carries.
    const created = await nfs.create({ where: { dir: mount.fhandle, name: 'mine.bin' }, how: { mode: 'unchecked', attributes: { atime: { how: 'dont-change' }, mtime: { how: 'dont-change' } } } });
    assert.equal(created.status, Nfsstat3.NFS3_OK);
    const mine = await lookup(mount.fhandle, 'mine.bin');
    const handles = [zone, victim, Buffer.from(victim).fill(0, 0, 4), randomBytes(victim.length)];

    const rssBefore = proxy.rssBytes();
    let round = 0;
    const { tally, goodRounds } = await runFuzzStorm({
      host: proxy.host,
      port: proxy.port,
      handles,
      seed: SEED,
      goodRound: async () => {
        await readAndCheck(nfs, good, goodData);
        // A stable write of a fresh pattern, read back at once: nothing the storm does may lose it.
        const data = Buffer.alloc(8192, round++ & 0xff);
        const wrote = await nfs.write({ file: mine, offset: 0, count: data.length, stable: StableHow.FILE_SYNC, data });
        assert.equal(wrote.status, Nfsstat3.NFS3_OK, 'WRITE during the storm');
        const back = await nfs.read({ file: mine, offset: 0, count: data.length });
        assert.ok(back.status === Nfsstat3.NFS3_OK && back.data.equals(data), 'own file reads back during the storm');
      },
    });
    const rssAfter = proxy.rssBytes();
    console.log(`proxy fuzz: ${JSON.stringify(tally)}, good rounds ${goodRounds}, rss ${(rssBefore / 1e6).toFixed(0)} -> ${(rssAfter / 1e6).toFixed(0)} MB`);

    assert.ok(tally.sent >= 100_000, `sent ${tally.sent}`);
    assert.ok(tally.garbageArgs > 1000, `GARBAGE_ARGS replies: ${tally.garbageArgs}`);
    assert.ok(tally.closedByServer > 0, 'oversized records must close their connection');
    assert.ok(goodRounds > 0, 'the good client completed rounds during the storm');
    assert.ok(rssAfter < STORM_RSS_LIMIT_BYTES, `rss ${rssBefore} -> ${rssAfter}`);
    const after = await nfs.getattr({ object: good });
    assert.equal(after.status, Nfsstat3.NFS3_OK);
  } finally {
    await client.close();
    const exit = await proxy.stop();
    await ganesha.stop();
    const mainAfter = treeDigest(mainDir);
    rmSync(scratch, { recursive: true, force: true });
    assert.equal(exit, 0, `row proxy must exit cleanly, not crash:\n${proxy.output().slice(-2000)}`);
    assert.equal(mainAfter, mainBefore, 'the main tree is unchanged');
  }
});
