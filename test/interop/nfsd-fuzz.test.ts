/**
 * Issue 2, bad input: at least 100,000 random, truncated, oversized and bit-flipped RPC
 * records over TCP and UDP at a real `row nfsd` process. It must never crash, must not grow
 * its memory without bound, must answer GARBAGE_ARGS (or another RPC-level reply) or close
 * the offending connection, and must keep serving a well-behaved client all along.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XdrReader } from '../../src/xdr/index.js';
import { AcceptStat, decodeReplyHeader, RpcTcpClient } from '../../src/rpc/index.js';
import { MOUNT_PROGRAM, MOUNT_V3, MountClient, NFS_PROGRAM, NFS_V3, Nfs3Client, Nfsstat3, PMAP_PROGRAM, PMAP_V2, Mountstat3 } from '../../src/nfs/index.js';
import { FuzzRandom, makeFuzzRecord, type FuzzTarget } from '../helpers/rpc-fuzz.js';
import { startRowNfsd } from '../helpers/row-process.js';

const TCP_RECORDS = 80_000;
const UDP_RECORDS = 30_000;
const TCP_CONNECTIONS = 4;
const MAX_RECORD_BYTES = 1024 * 1024 + 64 * 1024;
const LAST_FRAGMENT = 0x80000000;
const RSS_LIMIT_BYTES = 400 * 1024 * 1024;
const SEED = Number(process.env['ROWBOOT_FUZZ_SEED'] ?? 20261123);

const targets: FuzzTarget[] = [
  { program: NFS_PROGRAM, version: NFS_V3, procedures: Array.from({ length: 22 }, (_, i) => i) },
  { program: MOUNT_PROGRAM, version: MOUNT_V3, procedures: [0, 1, 2, 3, 4, 5] },
  { program: PMAP_PROGRAM, version: PMAP_V2, procedures: [0, 1, 2, 3, 4] },
];

interface Tally {
  sent: number;
  replies: number;
  garbageArgs: number;
  closedByServer: number;
}

const ANSWER_TIMEOUT_MS = 5000;
const UDP_BURST = 100;
const UDP_QUIET_MS = 20;

/**
 * One TCP connection at a time, in lockstep: every record must be answered (a reply of any
 * kind) or make the server close the connection, within ANSWER_TIMEOUT_MS. A record the
 * server neither answers nor rejects is a failure: that is how a server hangs a client.
 */
async function fuzzTcp(port: number, random: FuzzRandom, handles: Buffer[], count: number, tally: Tally): Promise<void> {
  let socket: Socket | undefined;
  let pending = Buffer.alloc(0);
  let answered: (() => void) | undefined;
  const open = () =>
    new Promise<Socket>((done, fail) => {
      const next = connect({ host: '127.0.0.1', port }, () => done(next));
      next.on('error', fail);
      next.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 4) {
          const length = pending.readUInt32BE(0) & 0x7fffffff;
          if (pending.length < 4 + length) break;
          const header = decodeReplyHeader(new XdrReader(pending, 4, 4 + length));
          tally.replies++;
          if (header.kind === 'accepted' && header.acceptStat === AcceptStat.GARBAGE_ARGS) tally.garbageArgs++;
          pending = pending.subarray(4 + length);
          answered?.();
        }
      });
      next.on('close', () => {
        tally.closedByServer++;
        answered?.();
      });
    });
  for (let i = 0; i < count; i++) {
    if (!socket || socket.destroyed) {
      pending = Buffer.alloc(0);
      socket = await open();
      socket.on('error', () => undefined);
    }
    const record = makeFuzzRecord(random, targets, handles, MAX_RECORD_BYTES);
    const mark = Buffer.alloc(4);
    mark.writeUInt32BE((LAST_FRAGMENT | Math.min(record.claimedLength, 0x7fffffff)) >>> 0);
    const current = socket;
    const outcome = new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no answer and no close for a ${record.kind} record (#${i}, ${record.body.toString('hex').slice(0, 80)})`)), ANSWER_TIMEOUT_MS);
      answered = () => {
        clearTimeout(timer);
        answered = undefined;
        done();
      };
    });
    // An 'oversized' record claims more than it sends: the server must close at the header.
    current.write(Buffer.concat([mark, record.body]));
    tally.sent++;
    await outcome;
  }
  socket?.destroy();
}

/** UDP in bursts: send a burst, then wait until replies stop, so the server is never simply flooded. */
async function fuzzUdp(port: number, random: FuzzRandom, handles: Buffer[], count: number, tally: Tally): Promise<void> {
  const socket = createSocket('udp4');
  let lastReply = performance.now();
  socket.on('message', (reply: Buffer) => {
    const header = decodeReplyHeader(new XdrReader(reply));
    tally.replies++;
    lastReply = performance.now();
    if (header.kind === 'accepted' && header.acceptStat === AcceptStat.GARBAGE_ARGS) tally.garbageArgs++;
  });
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  for (let sent = 0; sent < count; ) {
    for (let i = 0; i < UDP_BURST && sent < count; i++, sent++) {
      const record = makeFuzzRecord(random, targets, handles, MAX_RECORD_BYTES);
      await new Promise<void>((done) => socket.send(record.body, port, '127.0.0.1', () => done()));
      tally.sent++;
    }
    lastReply = performance.now();
    while (performance.now() - lastReply < UDP_QUIET_MS) await new Promise((done) => setTimeout(done, UDP_QUIET_MS / 2));
  }
  socket.close();
}

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
    const goodDigest = createHash('sha256').update(goodData).digest('hex');

    // The well-behaved client reads the whole good file again and again during the storm.
    let stormOver = false;
    let goodReads = 0;
    const wellBehaved = (async () => {
      while (!stormOver) {
        const hash = createHash('sha256');
        for (let offset = 0; offset < goodData.length; offset += 64 * 1024) {
          const read = await nfs.read({ file: good, offset, count: 64 * 1024 });
          assert.equal(read.status, Nfsstat3.NFS3_OK);
          if (read.status === Nfsstat3.NFS3_OK) hash.update(read.data);
        }
        assert.equal(hash.digest('hex'), goodDigest);
        goodReads++;
      }
    })();

    const tally: Tally = { sent: 0, replies: 0, garbageArgs: 0, closedByServer: 0 };
    const rssBefore = nfsd.rssBytes();
    const perConnection = Math.ceil(TCP_RECORDS / TCP_CONNECTIONS);
    await Promise.all([
      ...Array.from({ length: TCP_CONNECTIONS }, (_, i) => fuzzTcp(nfsd.port, new FuzzRandom(SEED + i), handles, perConnection, tally)),
      fuzzUdp(nfsd.port, new FuzzRandom(SEED + 100), handles, UDP_RECORDS, tally),
    ]);
    stormOver = true;
    await wellBehaved;
    const rssAfter = nfsd.rssBytes();

    assert.ok(tally.sent >= 100_000, `sent ${tally.sent}`);
    assert.ok(tally.garbageArgs > 1000, `GARBAGE_ARGS replies: ${tally.garbageArgs}`);
    assert.ok(tally.closedByServer > 0, 'oversized records must close their connection');
    assert.ok(goodReads > 0, 'the good client completed reads during the storm');
    assert.ok(rssAfter < RSS_LIMIT_BYTES, `rss ${rssBefore} -> ${rssAfter}`);
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
