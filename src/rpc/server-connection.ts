import type { Socket } from 'node:net';
import { RpcRecordTooLargeError } from './errors.js';
import type { ReplySink, RpcDispatcher, RpcPeer, RpcServerCounters } from './dispatcher.js';
import { RecordDecoder } from './record-marking.js';
import { BatchedSocketWriter } from './socket-write.js';
import type { RpcLogger } from './types.js';

export interface ServerConnectionOptions {
  maxRecordBytes: number;
  /** Calls running at once on this connection; more records wait and the socket pauses. */
  maxInFlight: number;
}

/**
 * One accepted TCP connection: record marking in, dispatch, replies out in whatever
 * order handlers finish (RFC 5531 lets replies to a stream's calls come back in any
 * order; clients match them by xid).
 *
 * Flow control, so a flood cannot exhaust memory: at most maxInFlight calls run at once;
 * records decoded beyond that wait in a queue (they are slices of a chunk already read)
 * and the socket stops reading until calls finish. The socket also stops reading while
 * the peer is not reading our replies (write buffer full), so replies cannot pile up.
 */
export class ServerConnection implements ReplySink {
  readonly recordMarking = true;
  readonly maxReplyBytes = Infinity;
  readonly peer: RpcPeer;
  private readonly decoder: RecordDecoder;
  private readonly writer: BatchedSocketWriter;
  private readonly waiting: Buffer[] = [];
  private inFlight = 0;
  private draining = false;
  private readingPaused = false;
  private writeBlocked = false;
  /** The peer sent FIN; we end our side once every call has been answered. */
  private peerEnded = false;
  private closed = false;
  private closeSeen = false;
  private readonly closeWaiters: (() => void)[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly dispatcher: RpcDispatcher,
    private readonly counters: RpcServerCounters,
    private readonly logger: RpcLogger,
    private readonly options: ServerConnectionOptions,
    private readonly onClosed: (connection: ServerConnection) => void,
  ) {
    this.peer = {
      transport: 'tcp',
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      localPort: socket.localPort ?? 0,
    };
    this.decoder = new RecordDecoder((record) => this.onRecord(record), options.maxRecordBytes);
    this.writer = new BatchedSocketWriter(socket, () => this.onWriteBlocked());
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('end', () => this.onEnd());
    socket.on('error', (error) => this.onError(error));
    socket.on('close', () => this.onClose());
  }

  /** Closes the connection at once; replies still running are dropped. Resolves on 'close'. */
  destroy(): Promise<void> {
    if (this.closeSeen) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    this.socket.destroy();
    return closed;
  }

  sendReply(_peer: RpcPeer, chunks: Buffer[]): void {
    if (this.closed || this.socket.destroyed || !this.socket.writable) {
      this.counters.droppedReplies++;
      return;
    }
    this.writer.write(chunks);
  }

  private onWriteBlocked(): void {
    if (this.writeBlocked) return;
    this.writeBlocked = true;
    this.updateReading();
  }

  callFinished(): void {
    this.inFlight--;
    if (this.closed) return;
    this.drainWaiting();
    this.updateReading();
    if (this.peerEnded && this.inFlight === 0 && this.waiting.length === 0) this.writer.end();
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk);
    } catch (error) {
      if (error instanceof RpcRecordTooLargeError) {
        this.counters.oversizedRecords++;
        this.logger.warn('rpc: record over the size limit, closing connection', {
          remoteAddress: this.peer.remoteAddress,
          remotePort: this.peer.remotePort,
          recordBytes: error.recordBytes,
          maxRecordBytes: error.maxRecordBytes,
        });
      } else {
        this.logger.error('rpc: connection failed while handling a record', { remoteAddress: this.peer.remoteAddress, error });
      }
      this.socket.destroy();
    }
  }

  private onRecord(record: Buffer): void {
    if (this.closed) return;
    if (this.inFlight >= this.options.maxInFlight || this.waiting.length > 0) {
      this.waiting.push(record);
      this.updateReading();
      return;
    }
    this.start(record);
  }

  private start(record: Buffer): void {
    this.inFlight++;
    if (this.dispatcher.dispatch(record, this.peer, this)) return;
    // Not a call at all: the byte stream cannot be trusted any more (style.md: close, log, count).
    this.inFlight--;
    this.counters.garbageRecords++;
    this.logger.debug('rpc: record is not a call, closing connection', {
      remoteAddress: this.peer.remoteAddress,
      remotePort: this.peer.remotePort,
      recordBytes: record.length,
    });
    this.closed = true;
    this.waiting.length = 0;
    this.socket.destroy();
  }

  /** Starts waiting records while there is room; a loop, not recursion, as replies may finish synchronously. */
  private drainWaiting(): void {
    if (this.draining) return;
    this.draining = true;
    while (!this.closed && this.waiting.length > 0 && this.inFlight < this.options.maxInFlight) {
      this.start(this.waiting.shift() as Buffer);
    }
    this.draining = false;
  }

  private updateReading(): void {
    if (this.closed) return;
    const pause = this.writeBlocked || this.waiting.length > 0 || this.inFlight >= this.options.maxInFlight;
    if (pause && !this.readingPaused) {
      this.readingPaused = true;
      this.socket.pause();
    } else if (!pause && this.readingPaused) {
      this.readingPaused = false;
      this.socket.resume();
    }
  }

  private onDrain(): void {
    this.writeBlocked = false;
    this.updateReading();
  }

  private onEnd(): void {
    this.peerEnded = true;
    if (!this.decoder.idle) {
      this.logger.debug('rpc: connection ended inside a record', { remoteAddress: this.peer.remoteAddress });
    }
    if (this.inFlight === 0 && this.waiting.length === 0) this.writer.end();
  }

  private onError(error: Error): void {
    // ECONNRESET and friends: the peer went away; 'close' follows and cleans up.
    this.counters.socketErrors++;
    this.logger.debug('rpc: connection error', {
      remoteAddress: this.peer.remoteAddress,
      remotePort: this.peer.remotePort,
      code: (error as NodeJS.ErrnoException).code,
      error,
    });
  }

  private onClose(): void {
    if (this.inFlight > 0 || this.waiting.length > 0) {
      this.logger.debug('rpc: connection closed with calls outstanding', { inFlight: this.inFlight, waiting: this.waiting.length });
    }
    this.closed = true;
    this.waiting.length = 0;
    this.closeSeen = true;
    this.counters.closedConnections++;
    this.onClosed(this);
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }
}
