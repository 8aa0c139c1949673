/**
 * The RPC fuzz storm of issue 2, shared by every server it is run against (`row nfsd`, the
 * ROW-FS proxy): at least 100,000 random, truncated, oversized, bit-flipped and plausible
 * records over TCP (several lockstep connections) and UDP (bursts), while a well-behaved
 * client keeps working. A record that is neither answered nor makes the server close the
 * connection within ANSWER_TIMEOUT_MS fails the storm: that is how a server hangs a client.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { XdrReader } from '../../src/xdr/index.js';
import { AcceptStat, decodeReplyHeader } from '../../src/rpc/index.js';
import { MOUNT_PROGRAM, MOUNT_V3, NFS_PROGRAM, NFS_V3, Nfsstat3, PMAP_PROGRAM, PMAP_V2 } from '../../src/nfs/index.js';
import type { Nfs3Client } from '../../src/nfs/index.js';
import { FuzzRandom, makeFuzzRecord, type FuzzTarget } from './rpc-fuzz.js';

const MAX_RECORD_BYTES = 1024 * 1024 + 64 * 1024;
const LAST_FRAGMENT = 0x80000000;

const targets: FuzzTarget[] = [
  { program: NFS_PROGRAM, version: NFS_V3, procedures: Array.from({ length: 22 }, (_, i) => i) },
  { program: MOUNT_PROGRAM, version: MOUNT_V3, procedures: [0, 1, 2, 3, 4, 5] },
  { program: PMAP_PROGRAM, version: PMAP_V2, procedures: [0, 1, 2, 3, 4] },
];

export interface Tally {
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
async function fuzzTcp(host: string, port: number, random: FuzzRandom, handles: Buffer[], count: number, tally: Tally): Promise<void> {
  let socket: Socket | undefined;
  let pending = Buffer.alloc(0);
  let answered: (() => void) | undefined;
  const open = () =>
    new Promise<Socket>((done, fail) => {
      const next = connect({ host, port }, () => done(next));
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
async function fuzzUdp(host: string, port: number, random: FuzzRandom, handles: Buffer[], count: number, tally: Tally): Promise<void> {
  const socket = createSocket('udp4');
  let lastReply = performance.now();
  socket.on('message', (reply: Buffer) => {
    const header = decodeReplyHeader(new XdrReader(reply));
    tally.replies++;
    lastReply = performance.now();
    if (header.kind === 'accepted' && header.acceptStat === AcceptStat.GARBAGE_ARGS) tally.garbageArgs++;
  });
  await new Promise<void>((done) => socket.bind(0, done));
  for (let sent = 0; sent < count; ) {
    for (let i = 0; i < UDP_BURST && sent < count; i++, sent++) {
      const record = makeFuzzRecord(random, targets, handles, MAX_RECORD_BYTES);
      await new Promise<void>((done) => socket.send(record.body, port, host, () => done()));
      tally.sent++;
    }
    lastReply = performance.now();
    while (performance.now() - lastReply < UDP_QUIET_MS) await new Promise((done) => setTimeout(done, UDP_QUIET_MS / 2));
  }
  socket.close();
}

/** The storm: 110,000 records, 80,000 of them over 4 lockstep TCP connections. */
const STORM_TCP_RECORDS = 80_000;
const STORM_UDP_RECORDS = 30_000;
const STORM_TCP_CONNECTIONS = 4;
/** What a server may hold after the storm: bounded, not proportional to what it was sent. */
export const STORM_RSS_LIMIT_BYTES = 400 * 1024 * 1024;

export interface StormOptions {
  host: string;
  port: number;
  /** Handles of the server under test: fuzzed records carry them (and damaged copies). */
  handles: Buffer[];
  seed: number;
  tcpRecords?: number;
  udpRecords?: number;
  tcpConnections?: number;
  /** One round of the well-behaved client's work (read and check a file); repeated during the storm. */
  goodRound: () => Promise<void>;
}

export interface StormResult {
  tally: Tally;
  goodRounds: number;
}

export async function runFuzzStorm(options: StormOptions): Promise<StormResult> {
  let stormOver = false;
  let goodRounds = 0;
  const wellBehaved = (async () => {
    while (!stormOver) {
      await options.goodRound();
      goodRounds++;
    }
  })();
  const tally: Tally = { sent: 0, replies: 0, garbageArgs: 0, closedByServer: 0 };
  const connections = options.tcpConnections ?? STORM_TCP_CONNECTIONS;
  const perConnection = Math.ceil((options.tcpRecords ?? STORM_TCP_RECORDS) / connections);
  try {
    await Promise.all([
      ...Array.from({ length: connections }, (_, i) =>
        fuzzTcp(options.host, options.port, new FuzzRandom(options.seed + i), options.handles, perConnection, tally),
      ),
      fuzzUdp(options.host, options.port, new FuzzRandom(options.seed + 100), options.handles, options.udpRecords ?? STORM_UDP_RECORDS, tally),
    ]);
  } finally {
    stormOver = true;
    await wellBehaved;
  }
  return { tally, goodRounds };
}

/** The well-behaved client's check: reads `file` whole in 64 KiB READs and compares its SHA-256. */
export async function readAndCheck(nfs: Nfs3Client, file: Buffer, expected: Buffer): Promise<void> {
  const chunk = 64 * 1024;
  const hash = createHash('sha256');
  for (let offset = 0; offset < expected.length; offset += chunk) {
    const read = await nfs.read({ file, offset, count: chunk });
    assert.equal(read.status, Nfsstat3.NFS3_OK, 'READ during the storm');
    if (read.status === Nfsstat3.NFS3_OK) hash.update(read.data);
  }
  assert.equal(hash.digest('hex'), createHash('sha256').update(expected).digest('hex'), 'file bytes during the storm');
}
