/**
 * Issue 2, bad input: at least 100,000 random, truncated, oversized and bit-flipped RPC
 * records over TCP and UDP at a real `row nfsd` process (test/helpers/rpc-fuzz-storm.ts).
 * It must never crash, must not grow its memory without bound, must answer GARBAGE_ARGS (or
 * another RPC-level reply) or close the offending connection, and must keep serving a
 * well-behaved client all along.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpcTcpClient } from '../../src/rpc/index.js';
import { MountClient, Nfs3Client, Nfsstat3, Mountstat3 } from '../../src/nfs/index.js';
import { readAndCheck, runFuzzStorm, STORM_RSS_LIMIT_BYTES } from '../helpers/rpc-fuzz-storm.js';
import { startRowNfsd } from '../helpers/row-process.js';

const SEED = Number(process.env['ROWBOOT_FUZZ_SEED'] ?? 20261123);

test('row nfsd survives 100,000+ hostile records and keeps serving a good client', { timeout: 600_000 }, async () => {
  const base = mkdtempSync(join(tmpdir(), 'rowboot-fuzz-'));
  const exportDir = join(base, 'export');
  mkdirSync(join(exportDir, 'fuzz-zone'), { recursive: true });
  const goodData = randomBytes(256 * 1024);
  writeFileSync(join(exportDir, 'good.bin'), goodData);
  writeFileSync(join(exportDir, 'fuzz-zone', 'victim'), 'fuzz me');
  const nfsd = await startRowNfsd({ exportDir, stateDir: join(base, 'state') });
  const client = new RpcTcpClient({ host: '127.0.0.1', port: nfsd.port, timeoutMs: 10_000 });
  try {
    await client.connect();
    const mount = await new MountClient(client).mnt(nfsd.exportPath);
    assert.equal(mount.status, Mountstat3.MNT3_OK);
    if (mount.status !== Mountstat3.MNT3_OK) return;
    const nfs = new Nfs3Client(client);
    const lookup = async (dir: Buffer, name: string) => {
      const result = await nfs.lookup({ what: { dir, name } });
      assert.equal(result.status, Nfsstat3.NFS3_OK, `lookup ${name}`);
      if (result.status !== Nfsstat3.NFS3_OK) throw new Error('unreachable');
      return result.object;
    };
    const good = await lookup(mount.fhandle, 'good.bin');
    const zone = await lookup(mount.fhandle, 'fuzz-zone');
    const victim = await lookup(zone, 'victim');
    const handles = [zone, victim, Buffer.from(victim).fill(0, 0, 4), randomBytes(victim.length)];

    const rssBefore = nfsd.rssBytes();
    const { tally, goodRounds: goodReads } = await runFuzzStorm({
      host: '127.0.0.1',
      port: nfsd.port,
      handles,
      seed: SEED,
      // The well-behaved client reads the whole good file again and again during the storm.
      goodRound: () => readAndCheck(nfs, good, goodData),
    });
    const rssAfter = nfsd.rssBytes();

    assert.ok(tally.sent >= 100_000, `sent ${tally.sent}`);
    assert.ok(tally.garbageArgs > 1000, `GARBAGE_ARGS replies: ${tally.garbageArgs}`);
    assert.ok(tally.closedByServer > 0, 'oversized records must close their connection');
    assert.ok(goodReads > 0, 'the good client completed reads during the storm');
    assert.ok(rssAfter < STORM_RSS_LIMIT_BYTES, `rss ${rssBefore} -> ${rssAfter}`);
    // Still alive and correct after the storm.
    const after = await nfs.getattr({ object: good });
    assert.equal(after.status, Nfsstat3.NFS3_OK);
    console.log(`fuzz: ${JSON.stringify(tally)}, good reads ${goodReads}, rss ${(rssBefore / 1e6).toFixed(0)} -> ${(rssAfter / 1e6).toFixed(0)} MB`);
  } finally {
    client.close();
    const exit = await nfsd.stop();
    rmSync(base, { recursive: true, force: true });
    assert.equal(exit, 0, `row nfsd must exit cleanly, not crash:\n${nfsd.output().slice(-2000)}`);
  }
});
