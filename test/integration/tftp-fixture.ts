/**
 * Shared by the tftp-*.test.ts integration tests: a TftpServer over a fresh temporary root on
 * loopback, a raw TFTP client that shows every packet, a small windowed download client built
 * on it, a UDP relay that drops packets, and a wrapper around the npm `tftp` client (no types).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  TftpOpcode,
  TftpServer,
  decodeError,
  decodeOack,
  encodeAck,
  encodeRequest,
  readDataBlock,
  readOpcode,
} from '../../src/boot/tftp/index.js';
import type { TftpErrorPacket, TftpServerOptions } from '../../src/boot/tftp/index.js';

export const LOOPBACK = '127.0.0.1';

export interface TftpFixture {
  root: string;
  server: TftpServer;
  port: number;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0 over a new root holding `files` (relative path -> content). */
export async function startTftpFixture(
  options: Partial<TftpServerOptions> & { files?: Record<string, Buffer | string> } = {},
): Promise<TftpFixture> {
  const base = mkdtempSync(join(tmpdir(), 'rowboot-tftp-'));
  const root = join(base, 'root');
  mkdirSync(root);
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  const { files: _files, ...serverOptions } = options;
  const server = new TftpServer({ host: LOOPBACK, port: 0, ...serverOptions, root: options.root ?? root });
  try {
    const { port } = await server.listen();
    return {
      root,
      server,
      port,
      close: async () => {
        await server.close();
        rmSync(base, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw error;
  }
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Deterministic pseudo-random bytes (so a failing transfer can be reproduced). */
export function patternBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index++) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[index] = state & 0xff;
  }
  return out;
}

export function rrq(filename: string, options: Record<string, string> = {}, mode = 'octet'): Buffer {
  return encodeRequest({ opcode: TftpOpcode.RRQ, filename, mode, options: new Map(Object.entries(options)) });
}

export function wrq(filename: string): Buffer {
  return encodeRequest({ opcode: TftpOpcode.WRQ, filename, mode: 'octet', options: new Map() });
}

export interface Received {
  packet: Buffer;
  from: RemoteInfo;
}

/** A UDP socket that queues what it receives, so a test can await packets one by one. */
export class RawTftpClient {
  private readonly queue: Received[] = [];
  private waiter: ((received: Received) => void) | undefined;
  private readonly pendingSends = new Set<Promise<void>>();

  private constructor(private readonly socket: Socket) {
    socket.on('message', (packet: Buffer, from: RemoteInfo) => {
      const waiter = this.waiter;
      if (waiter) {
        this.waiter = undefined;
        waiter({ packet, from });
      } else {
        this.queue.push({ packet, from });
      }
    });
  }

  static open(): Promise<RawTftpClient> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, LOOPBACK, () => {
        socket.removeListener('error', reject);
        resolve(new RawTftpClient(socket));
      });
    });
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(packet: Buffer, port: number, address = LOOPBACK): void {
    const sent: Promise<void> = new Promise<void>((resolve) => this.socket.send(packet, port, address, () => resolve())).finally(() =>
      this.pendingSends.delete(sent),
    );
    this.pendingSends.add(sent);
  }

  /** The next packet, or a rejection after `timeoutMs`. */
  receive(timeoutMs = 3000): Promise<Received> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no packet within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (received) => {
        clearTimeout(timer);
        resolve(received);
      };
    });
  }

  /** Resolves undefined if nothing arrives within `ms`. */
  async receiveOrNothing(ms: number): Promise<Received | undefined> {
    try {
      return await this.receive(ms);
    } catch {
      return undefined;
    }
  }

  /** Expects an ERROR packet and returns it. */
  async receiveError(timeoutMs = 3000): Promise<TftpErrorPacket & { from: RemoteInfo }> {
    const { packet, from } = await this.receive(timeoutMs);
    const error = decodeError(packet);
    assert.ok(error, `expected an ERROR packet, got opcode ${readOpcode(packet)}`);
    return { ...error, from };
  }

  /** Closes the socket once every packet sent so far has left (a send resolves its address first). */
  async close(): Promise<void> {
    await Promise.all([...this.pendingSends]);
    this.socket.close();
  }
}

export interface RawDownloadOptions {
  options?: Record<string, string>;
  /** ACK after this many blocks (the windowsize the server granted). Default: from the OACK, else 1. */
  windowsize?: number;
  /** Re-ACK the last in-order block after this long without progress. */
  idleMs?: number;
  /** Give up after this many idle periods in a row. */
  maxIdle?: number;
  /** Drop the incoming DATA packet with this index (0-based, counting every DATA received). */
  dropIncoming?: (index: number) => boolean;
  /**
   * After the final ACK, wait this long and ACK the last block again if it comes again (the
   * final ACK was lost; RFC 1350 section 6 "dallying"). Default 0.
   */
  dallyMs?: number;
}

export interface RawDownloadResult {
  data: Buffer;
  oack: Map<string, string> | undefined;
  /** Wire block numbers of the DATA packets accepted, in order. */
  blockNumbers: number[];
  serverTid: number;
  acksSent: number;
  duplicates: number;
}

/**
 * A small but correct RFC 1350 / RFC 7440 receiver: accepts only the next expected block,
 * ACKs at the end of each window or at the last block, ACKs the last in-order block when a
 * block arrives out of order or again (a loss, or a lost ACK), and when nothing arrived for
 * `idleMs`.
 */
export async function rawDownload(port: number, filename: string, settings: RawDownloadOptions = {}): Promise<RawDownloadResult> {
  const client = await RawTftpClient.open();
  try {
    client.send(rrq(filename, settings.options), port);
    const idleMs = settings.idleMs ?? 500;
    const maxIdle = settings.maxIdle ?? 20;
    let oack: Map<string, string> | undefined;
    let serverTid: number | undefined;
    let blksize = 512;
    let windowsize = settings.windowsize ?? 1;
    let rollover = 0;
    let expected = 1;
    let inWindow = 0;
    let lastAcked = 0;
    let lastInOrder = 0;
    let lastComplaint = -Infinity;
    let acksSent = 0;
    let duplicates = 0;
    let idle = 0;
    let incomingIndex = 0;
    const chunks: Buffer[] = [];
    const blockNumbers: number[] = [];
    const ack = (wire: number): void => {
      assert.ok(serverTid !== undefined);
      client.send(encodeAck(wire), serverTid);
      acksSent++;
    };
    const nextWire = (wire: number): number => (wire === 0xffff ? rollover : wire + 1);
    for (;;) {
      const received = await client.receiveOrNothing(idleMs);
      if (!received) {
        if (++idle > maxIdle) throw new Error(`download of ${filename} stalled at block ${expected}`);
        if (serverTid !== undefined) ack(lastAcked);
        continue;
      }
      const { packet, from } = received;
      serverTid ??= from.port;
      assert.equal(from.port, serverTid, 'every packet comes from the transfer TID');
      const opcode = readOpcode(packet);
      if (opcode === TftpOpcode.ERROR) {
        const error = decodeError(packet);
        throw Object.assign(new Error(`server ERROR ${error?.code}: ${error?.message}`), { tftpCode: error?.code });
      }
      if (opcode === TftpOpcode.OACK) {
        if (oack === undefined) {
          oack = decodeOack(packet);
          assert.ok(oack, 'OACK decodes');
          blksize = Number(oack.get('blksize') ?? 512);
          windowsize = settings.windowsize ?? Number(oack.get('windowsize') ?? 1);
          rollover = Number(oack.get('rollover') ?? 0);
        }
        ack(0);
        continue;
      }
      const wire = readDataBlock(packet);
      assert.ok(wire !== undefined, `unexpected opcode ${opcode}`);
      if (settings.dropIncoming?.(incomingIndex++)) continue;
      if (wire !== expected) {
        duplicates++;
        // RFC 7440 section 4: tell the sender where the data stopped; it restarts there. At most
        // one such ACK per third of an idle period, so a burst of strays costs one ACK.
        if (performance.now() - lastComplaint >= idleMs / 3) {
          lastComplaint = performance.now();
          ack(lastInOrder);
          lastAcked = lastInOrder;
          inWindow = 0;
        }
        continue;
      }
      idle = 0;
      lastInOrder = wire;
      const payload = packet.subarray(4);
      assert.ok(payload.length <= blksize, 'DATA payload fits the negotiated blksize');
      chunks.push(Buffer.from(payload));
      blockNumbers.push(wire);
      inWindow++;
      const last = payload.length < blksize;
      if (last || inWindow >= windowsize) {
        ack(wire);
        lastAcked = wire;
        inWindow = 0;
      }
      expected = nextWire(wire);
      if (last) {
        const dallyUntil = performance.now() + (settings.dallyMs ?? 0);
        for (let left = settings.dallyMs ?? 0; left > 0; left = dallyUntil - performance.now()) {
          const again = await client.receiveOrNothing(left);
          if (again && readDataBlock(again.packet) === wire) ack(wire);
        }
        return { data: Buffer.concat(chunks), oack, blockNumbers, serverTid, acksSent, duplicates };
      }
    }
  } finally {
    await client.close();
  }
}

export type Direction = 'toServer' | 'toClient';

/**
 * A UDP relay between clients and a TFTP server that drops packets on request. Clients talk
 * to `port`; the relay talks to the server from one socket per client and follows the
 * server's transfer TID. Clients therefore see every answer come from `port`.
 */
export class LossyRelay {
  readonly dropped: Record<Direction, number> = { toServer: 0, toClient: 0 };
  readonly forwarded: Record<Direction, number> = { toServer: 0, toClient: 0 };
  private readonly upstreams = new Map<string, { socket: Socket; serverTid: number | undefined; sent: number; received: number }>();

  private constructor(
    private readonly front: Socket,
    private readonly serverPort: number,
    private readonly drop: (direction: Direction, index: number) => boolean,
  ) {
    front.on('message', (packet: Buffer, from: RemoteInfo) => this.fromClient(packet, from));
  }

  static open(serverPort: number, drop: (direction: Direction, index: number) => boolean): Promise<LossyRelay> {
    const front = createSocket('udp4');
    return new Promise((resolve, reject) => {
      front.once('error', reject);
      front.bind(0, LOOPBACK, () => {
        front.removeListener('error', reject);
        resolve(new LossyRelay(front, serverPort, drop));
      });
    });
  }

  get port(): number {
    return this.front.address().port;
  }

  close(): void {
    this.front.close();
    for (const upstream of this.upstreams.values()) upstream.socket.close();
    this.upstreams.clear();
  }

  private fromClient(packet: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    let upstream = this.upstreams.get(key);
    if (!upstream) {
      const socket = createSocket('udp4');
      const state = { socket, serverTid: undefined as number | undefined, sent: 0, received: 0 };
      socket.on('message', (reply: Buffer, server: RemoteInfo) => {
        state.serverTid = server.port;
        if (this.drop('toClient', state.received++)) {
          this.dropped.toClient++;
          return;
        }
        this.forwarded.toClient++;
        this.front.send(reply, from.port, from.address);
      });
      socket.bind(0, LOOPBACK);
      upstream = state;
      this.upstreams.set(key, upstream);
    }
    const index = upstream.sent++;
    // The request itself always goes through: clients differ wildly in how soon they repeat it.
    if (index > 0 && this.drop('toServer', index)) {
      this.dropped.toServer++;
      return;
    }
    this.forwarded.toServer++;
    upstream.socket.send(packet, upstream.serverTid ?? this.serverPort, LOOPBACK);
  }
}

/** A seeded drop decision with probability `rate` (mulberry32), the same on every run. */
export function seededDrops(rate: number, seed: number): () => boolean {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    const value = ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
    return value < rate;
  };
}

/** The parts of the npm `tftp` package (0.1.2) the tests use; it ships no types. */
interface NpmTftpGetStream {
  on(event: 'data', listener: (chunk: Buffer) => void): NpmTftpGetStream;
  on(event: 'finish' | 'end' | 'close' | 'abort', listener: () => void): NpmTftpGetStream;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): NpmTftpGetStream;
  on(event: 'stats', listener: (stats: { blockSize: number; windowSize: number; size: number | null }) => void): NpmTftpGetStream;
}

interface NpmTftpClient {
  createGetStream(remote: string): NpmTftpGetStream;
}

interface NpmTftpModule {
  createClient(options: { host: string; port: number; blockSize?: number; windowSize?: number; retries?: number; timeout?: number }): NpmTftpClient;
}

const npmTftp = createRequire(import.meta.url)('tftp') as NpmTftpModule;

export interface NpmDownloadOptions {
  blockSize?: number;
  windowSize?: number;
  /**
   * The client's retransmission timeout in ms. The npm client also sends it as the RFC 2349
   * `timeout` option, which is in seconds: values above 255 are ignored by the server.
   */
  timeout?: number;
  retries?: number;
}

/** Downloads with the npm client; resolves with the bytes and the negotiated stats. */
export function npmDownload(
  port: number,
  filename: string,
  options: NpmDownloadOptions = {},
): Promise<{ data: Buffer; stats: { blockSize: number; windowSize: number; size: number | null } | undefined }> {
  const client = npmTftp.createClient({ host: LOOPBACK, port, timeout: 1000, ...options });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let stats: { blockSize: number; windowSize: number; size: number | null } | undefined;
    const stream = client.createGetStream(filename);
    stream.on('stats', (value) => {
      stats = value;
    });
    stream.on('data', (chunk) => chunks.push(Buffer.from(chunk)));
    stream.on('error', reject);
    stream.on('abort', () => reject(new Error('npm tftp client aborted')));
    stream.on('end', () => resolve({ data: Buffer.concat(chunks), stats }));
  });
}
