/**
 * One read transfer on its own socket (its own TID, RFC 1350 section 4): OACK or DATA 1,
 * then windows of `windowsize` DATA packets (RFC 7440; windowsize 1 is RFC 1350's lock-step),
 * each window started by the ACK of the block before it. The hot path, one ACK in and one
 * DATA out, allocates nothing of its own: the source hands out a ready packet buffer and the
 * transfer only writes its header.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { absoluteBlockIndex, wireBlockNumber } from './block-number.js';
import type { BlockSource } from './block-source.js';
import { DATA_HEADER_BYTES, TftpErrorCode, TftpOpcode } from './constants.js';
import type { TftpCounters } from './counters.js';
import { countError } from './counters.js';
import type { TftpLogger } from './logger.js';
import type { NegotiatedOptions } from './options.js';
import type { TftpClient, TftpTransferOutcome, TftpTransferSummary } from './types.js';
import { decodeAck, decodeError, encodeError, encodeOack, readOpcode, writeDataHeader } from './wire.js';

export interface TransferSettings {
  socket: Socket;
  peer: TftpClient;
  path: string;
  virtual: boolean;
  source: BlockSource;
  negotiated: NegotiatedOptions;
  /** Retransmission timeout when the client did not ask for one (RFC 2349). */
  defaultTimeoutMs: number;
  /** Retransmissions of one packet or window before the transfer is given up. */
  retries: number;
  counters: TftpCounters;
  logger: TftpLogger;
  onEnd(summary: TftpTransferSummary): void;
}

type Phase = 'oack' | 'data' | 'done';

/**
 * The retransmission clock ticks this many times per timeout and fires when a whole timeout's
 * worth of ticks saw no progress, i.e. 3/4 to 1 timeout after the last ACK. Progress only
 * resets a counter: re-arming a timer on each of ~30,000 ACKs per second costs measurable time.
 */
const TICKS_PER_TIMEOUT = 4;

export class Transfer {
  private readonly socket: Socket;
  private readonly peer: TftpClient;
  private readonly source: BlockSource;
  private readonly counters: TftpCounters;
  private readonly logger: TftpLogger;
  private readonly blksize: number;
  private readonly windowsize: number;
  private readonly rollover: 0 | 1;
  private readonly timeoutMs: number;
  private readonly retries: number;
  /** Absolute index of the last block; it carries fewer than blksize bytes (maybe none). */
  private readonly lastBlock: number;
  private readonly oackPacket: Buffer | undefined;
  private readonly startedAt = performance.now();
  private phase: Phase;
  /** Highest block the client acknowledged (0: the OACK, or nothing yet). */
  private acked = 0;
  private highestSent = 0;
  private nextToSend = 1;
  private windowEnd = 0;
  private retriesLeft: number;
  private waitingForSource = false;
  /** A duplicate ACK already made us resend this window once (RFC 7440 section 4; no Sorcerer's Apprentice). */
  private resentForDuplicate = false;
  private timer: NodeJS.Timeout | undefined;
  private idleTicks = 0;
  private blocksSent = 0;
  private retransmissions = 0;

  constructor(private readonly settings: TransferSettings) {
    this.socket = settings.socket;
    this.peer = settings.peer;
    this.source = settings.source;
    this.counters = settings.counters;
    this.logger = settings.logger;
    const { negotiated } = settings;
    this.blksize = negotiated.blksize;
    this.windowsize = negotiated.windowsize;
    this.rollover = negotiated.rollover;
    this.timeoutMs = negotiated.timeoutMs ?? settings.defaultTimeoutMs;
    this.retries = settings.retries;
    this.retriesLeft = settings.retries;
    this.lastBlock = Math.floor(this.source.size / this.blksize) + 1;
    this.oackPacket = negotiated.oack.length > 0 ? encodeOack(negotiated.oack) : undefined;
    this.phase = this.oackPacket ? 'oack' : 'data';
  }

  /** True while the client has not acknowledged the first answer (a repeated RRQ resends it). */
  get untouched(): boolean {
    return this.phase === 'oack' || (this.phase === 'data' && this.acked === 0 && !this.oackPacket);
  }

  start(): void {
    this.socket.on('message', (message: Buffer, from: RemoteInfo) => this.onMessage(message, from));
    this.socket.on('error', (error) => this.end('failed', `socket error: ${error.message}`));
    this.timer = setInterval(() => this.onTick(), Math.max(1, Math.floor(this.timeoutMs / TICKS_PER_TIMEOUT)));
    this.sendFirst();
  }

  /** Sends the first answer again (after a repeated RRQ). */
  resendFirst(): void {
    if (!this.untouched) return;
    this.idleTicks = 0;
    if (this.oackPacket) this.countRetransmission();
    this.sendFirst();
  }

  /** Ends the transfer without a word to the client (server shutdown). */
  close(): void {
    this.end('closed', 'server closed');
  }

  private sendFirst(): void {
    if (this.oackPacket) {
      this.send(this.oackPacket);
    } else {
      this.startWindow();
    }
  }

  private onMessage(message: Buffer, from: RemoteInfo): void {
    if (this.phase === 'done') return;
    if (from.port !== this.peer.port || from.address !== this.peer.address) {
      // RFC 1350 section 4: a packet from a foreign TID gets ERROR 5; the transfer goes on.
      this.counters.foreignTidPackets++;
      this.logger.debug('tftp: packet from a foreign transfer ID', { from: `${from.address}:${from.port}`, peer: this.peerName() });
      this.sendError(TftpErrorCode.UNKNOWN_TRANSFER_ID, 'unknown transfer ID', from.address, from.port);
      return;
    }
    const opcode = readOpcode(message);
    if (opcode === TftpOpcode.ACK) {
      const block = decodeAck(message);
      if (block === undefined) {
        this.garbage('short ACK', message);
        return;
      }
      this.onAck(block);
      return;
    }
    if (opcode === TftpOpcode.ERROR) {
      const error = decodeError(message);
      this.end('aborted', error ? `client sent ERROR ${error.code} ${JSON.stringify(error.message)}` : 'client sent a short ERROR');
      return;
    }
    if (opcode === TftpOpcode.RRQ || opcode === TftpOpcode.WRQ || opcode === TftpOpcode.DATA || opcode === TftpOpcode.OACK) {
      this.sendError(TftpErrorCode.ILLEGAL_OPERATION, 'illegal TFTP operation', this.peer.address, this.peer.port);
      this.end('failed', `client sent opcode ${opcode} during a read transfer`);
      return;
    }
    this.garbage('unknown opcode', message);
  }

  private onAck(wire: number): void {
    if (this.phase === 'oack') {
      // RFC 2347: ACK 0 accepts the OACK; anything else is stale or confused.
      if (wire !== 0) {
        this.counters.ignoredAcks++;
        return;
      }
      this.phase = 'data';
      this.progress();
      return;
    }
    const block = absoluteBlockIndex(wire, this.acked, this.highestSent, this.rollover);
    if (block === undefined) {
      this.counters.ignoredAcks++;
      return;
    }
    if (block > this.acked) {
      this.acked = block;
      if (block === this.lastBlock) {
        this.end('completed');
        return;
      }
      this.progress();
      return;
    }
    // A repeated ACK of the last acknowledged block. In lock-step mode it is ignored
    // (RFC 1123 section 4.2.3.1, Sorcerer's Apprentice); with a window it means the client
    // saw a gap or timed out, so the window goes out again, once.
    if (this.windowsize > 1 && !this.resentForDuplicate && this.highestSent > this.acked) {
      this.resentForDuplicate = true;
      this.startWindow();
      return;
    }
    this.counters.ignoredAcks++;
  }

  private progress(): void {
    this.retriesLeft = this.retries;
    this.resentForDuplicate = false;
    this.idleTicks = 0;
    this.startWindow();
  }

  private startWindow(): void {
    this.nextToSend = this.acked + 1;
    this.windowEnd = Math.min(this.acked + this.windowsize, this.lastBlock);
    this.pump();
  }

  /** Sends blocks nextToSend..windowEnd, pausing while the source loads a chunk. */
  private pump(): void {
    while (!this.waitingForSource && this.phase === 'data' && this.nextToSend <= this.windowEnd) {
      if (!this.sendBlock(this.nextToSend)) {
        this.waitForSource(this.nextToSend);
        return;
      }
      this.nextToSend++;
    }
  }

  private waitForSource(block: number): void {
    this.waitingForSource = true;
    this.counters.sourceWaits++;
    this.source.load(block).then(
      () => {
        this.waitingForSource = false;
        this.pump();
      },
      (error: Error) => {
        this.waitingForSource = false;
        // Ended meanwhile (server shutdown closes the source under a pending load).
        if (this.phase === 'done') return;
        this.logger.warn('tftp: cannot read file', { path: this.settings.path, error });
        this.sendError(TftpErrorCode.NOT_DEFINED, 'read error', this.peer.address, this.peer.port);
        this.end('failed', `read error: ${error.message}`);
      },
    );
  }

  /** Sends block `block`; false if the source must load it first. */
  private sendBlock(block: number): boolean {
    const packet = this.source.packet(block);
    if (!packet) return false;
    writeDataHeader(packet, wireBlockNumber(block, this.rollover));
    // No send callback: Node answers one with a process.nextTick per packet, which costs
    // more than the rest of this path. Sources check the send queue before reusing buffers.
    this.socket.send(packet, this.peer.port, this.peer.address);
    if (block > this.highestSent) {
      this.highestSent = block;
      this.blocksSent++;
      this.counters.blocksSent++;
      this.counters.bytesSent += packet.length - DATA_HEADER_BYTES;
    } else {
      this.countRetransmission();
    }
    return true;
  }

  private countRetransmission(): void {
    this.retransmissions++;
    this.counters.retransmissions++;
  }

  private onTick(): void {
    if (++this.idleTicks < TICKS_PER_TIMEOUT) return;
    this.idleTicks = 0;
    this.onTimeout();
  }

  private onTimeout(): void {
    if (this.phase === 'done') return;
    if (this.retriesLeft === 0) {
      this.end('timed-out', `no answer after ${this.retries} retransmissions`);
      return;
    }
    this.retriesLeft--;
    if (this.phase === 'oack' && this.oackPacket) {
      this.countRetransmission();
      this.send(this.oackPacket);
      return;
    }
    this.startWindow();
  }

  private send(packet: Buffer): void {
    this.socket.send(packet, this.peer.port, this.peer.address);
  }

  private sendError(code: TftpErrorCode, message: string, address: string, port: number): void {
    countError(this.counters, code);
    this.socket.send(encodeError(code, message), port, address);
  }

  private garbage(reason: string, message: Buffer): void {
    this.counters.garbagePackets++;
    this.logger.debug('tftp: dropped a malformed packet', { reason, from: this.peerName(), bytes: message.length });
  }

  private peerName(): string {
    return `${this.peer.address}:${this.peer.port}`;
  }

  private end(outcome: TftpTransferOutcome, reason?: string): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    clearInterval(this.timer);
    // Pending sends complete or fail quietly; the socket is ours alone.
    this.socket.close();
    this.source.close().catch((error: unknown) => this.logger.warn('tftp: closing the source failed', { error }));
    const summary: TftpTransferSummary = {
      client: this.peer,
      path: this.settings.path,
      virtual: this.settings.virtual,
      size: this.source.size,
      blksize: this.blksize,
      windowsize: this.windowsize,
      outcome,
      blocksSent: this.blocksSent,
      retransmissions: this.retransmissions,
      durationMs: performance.now() - this.startedAt,
    };
    if (reason !== undefined) summary.reason = reason;
    this.settings.onEnd(summary);
  }
}
