import { connect as netConnect, type Socket } from 'node:net';
import type { PendingCall } from './call-table.js';
import { RpcClientBase, type RpcClientOptions } from './client-base.js';
import { DEFAULT_MAX_RECORD_BYTES } from './constants.js';
import { RpcConnectionError, RpcTimeoutError, type RpcError } from './errors.js';
import { RecordDecoder } from './record-marking.js';
import { BatchedSocketWriter } from './socket-write.js';

export interface RpcTcpClientOptions extends RpcClientOptions {
  /** Largest reply record accepted; a bigger one closes the connection. Default 1 MiB + 64 KiB. */
  maxRecordBytes?: number;
  /** Re-connect and re-send after a lost connection. Default true. */
  reconnect?: boolean;
}

/** Backoff between connection attempts while calls wait: 50 ms doubling to 2 s. */
const RECONNECT_BASE_MS = 50;
const RECONNECT_MAX_MS = 2000;

type State = 'idle' | 'connecting' | 'connected' | 'closed';

/**
 * An ONC RPC client over one TCP connection (RFC 5531 record marking), with any number
 * of calls in flight matched to replies by xid.
 *
 * Connection loss, with `reconnect` (the default): calls in flight are re-sent once, with
 * the same xid, on a new connection; a call whose connection drops a second time fails
 * with RpcConnectionError. While calls wait for a connection the client retries with
 * backoff (50 ms .. 2 s); a call still unsent at its deadline fails with
 * RpcConnectionError (cause: the last connect error), a sent one with RpcTimeoutError.
 * Without `reconnect`, a lost connection or a failed connect fails the calls waiting on it
 * at once; a later call still opens a new connection.
 *
 * Payload buffers given to encodeArgs are sent by reference: do not modify them until
 * the call settles. connect() is optional (calls connect on demand); close() is needed
 * to let the process exit.
 */
export class RpcTcpClient extends RpcClientBase {
  readonly counters = { connects: 0, connectFailures: 0, connectionsLost: 0, resentCalls: 0 };
  private readonly maxRecordBytes: number;
  private readonly reconnect: boolean;
  private state: State = 'idle';
  private socket: Socket | undefined;
  private writer: BatchedSocketWriter | undefined;
  /** Calls waiting for a connection, in the order they are to be sent. */
  private queue: PendingCall[] = [];
  private connectWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failedAttempts = 0;
  private lastConnectError: unknown;

  constructor(options: RpcTcpClientOptions) {
    super(options, true);
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.reconnect = options.reconnect ?? true;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  protected override get closed(): boolean {
    return this.state === 'closed';
  }

  /** Opens the connection now (one attempt); rejects with RpcConnectionError if it fails. */
  connect(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(new RpcConnectionError('client is closed'));
    return new Promise((resolve, reject) => {
      this.connectWaiters.push({ resolve, reject });
      if (this.state === 'idle') {
        clearTimeout(this.reconnectTimer);
        this.reconnectTimer = undefined;
        this.openSocket();
      }
    });
  }

  /** Fails every pending call with RpcConnectionError and closes the connection. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const error = new RpcConnectionError('client closed');
    this.queue = [];
    this.table.failAll(error);
    this.rejectConnectWaiters(error);
    const socket = this.socket;
    this.socket = undefined;
    this.writer = undefined;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.destroy();
      });
    }
  }

  /** Calls are encoded at once: one waiting for the connection is queued by transmit(). */
  protected override opening(): undefined {
    return undefined;
  }

  protected override transmit(call: PendingCall): void {
    if (this.state === 'connected' && this.socket !== undefined && this.writer !== undefined) {
      call.sentOn = this.socket;
      this.writer.write(call.message);
      return;
    }
    this.queue.push(call);
    if (this.state === 'idle' && this.reconnectTimer === undefined) this.openSocket();
  }

  private openSocket(): void {
    this.state = 'connecting';
    const socket = netConnect({ host: this.host, port: this.port, localAddress: this.localAddress, noDelay: true });
    // Held from the start so close() can stop a connection attempt too.
    this.socket = socket;
    let established = false;
    let lastError: unknown;
    const decoder = new RecordDecoder((record) => this.table.handleReply(record), this.maxRecordBytes);
    socket.on('connect', () => {
      if (this.state === 'closed') {
        socket.destroy();
        return;
      }
      established = true;
      this.counters.connects++;
      this.state = 'connected';
      // The caller bounds how many calls it has in flight; Node buffers what the kernel cannot take yet.
      this.writer = new BatchedSocketWriter(socket, () => {});
      this.failedAttempts = 0;
      this.lastConnectError = undefined;
      socket.setKeepAlive(true, 60_000);
      const waiters = this.connectWaiters;
      this.connectWaiters = [];
      for (const waiter of waiters) waiter.resolve();
      const queued = this.queue;
      this.queue = [];
      for (const call of queued) this.transmit(call);
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (error) {
        this.logger.warn('rpc: bad reply stream, closing connection', { host: this.host, port: this.port, error });
        socket.destroy(error as Error);
      }
    });
    socket.on('error', (error) => {
      lastError = error;
    });
    socket.on('close', () => {
      if (this.socket === socket) {
        this.socket = undefined;
        this.writer = undefined;
      }
      if (established) this.onConnectionLost(socket, lastError);
      else this.onConnectFailed(lastError);
    });
  }

  private onConnectFailed(cause: unknown): void {
    if (this.state === 'closed') return;
    this.state = 'idle';
    this.failedAttempts++;
    this.counters.connectFailures++;
    this.lastConnectError = cause;
    const error = new RpcConnectionError(`cannot connect to ${this.host}:${this.port}`, { cause });
    this.rejectConnectWaiters(error);
    if (!this.reconnect) {
      this.failQueue(error);
      return;
    }
    if (this.queue.length > 0) this.scheduleReconnect();
  }

  private onConnectionLost(socket: Socket, cause: unknown): void {
    if (this.state === 'closed') return;
    this.state = 'idle';
    this.counters.connectionsLost++;
    this.logger.debug('rpc: connection lost', { host: this.host, port: this.port, pending: this.table.size, error: cause });
    const resend: PendingCall[] = [];
    for (const call of [...this.table.values()]) {
      if (call.sentOn !== socket) continue;
      call.sentOn = undefined;
      if (this.reconnect && !call.retried) {
        call.retried = true;
        resend.push(call);
      } else {
        this.table.fail(call, new RpcConnectionError(`connection to ${this.host}:${this.port} lost`, { cause }));
      }
    }
    this.counters.resentCalls += resend.length;
    // Calls that were in flight go first, in their original order.
    this.queue = resend.concat(this.queue);
    if (this.queue.length > 0) this.openSocket();
  }

  private scheduleReconnect(): void {
    const delay = Math.min(RECONNECT_BASE_MS * 2 ** (this.failedAttempts - 1), RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state === 'idle' && this.queue.length > 0) this.openSocket();
    }, delay);
  }

  private failQueue(error: Error): void {
    const queued = this.queue;
    this.queue = [];
    for (const call of queued) this.table.fail(call, error);
  }

  private rejectConnectWaiters(error: Error): void {
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  protected override onCallRemoved(call: PendingCall): void {
    if (call.sentOn !== undefined) return;
    const index = this.queue.indexOf(call);
    if (index >= 0) this.queue.splice(index, 1);
    if (this.queue.length === 0 && this.reconnectTimer !== undefined && this.connectWaiters.length === 0) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
    }
  }

  protected override timeoutError(call: PendingCall): RpcError {
    if (call.sentOn === undefined && this.lastConnectError !== undefined) {
      return new RpcConnectionError(`no connection to ${this.host}:${this.port} before the call's deadline`, {
        cause: this.lastConnectError,
      });
    }
    return new RpcTimeoutError(`RPC call ${call.xid} to ${this.host}:${this.port} timed out`);
  }
}
