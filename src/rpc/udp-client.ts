import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import type { XdrReader, XdrWriter } from '../xdr/index.js';
import { AUTH_NONE } from './auth.js';
import { CallTable, type PendingCall } from './call-table.js';
import { RpcConnectionError, RpcTimeoutError } from './errors.js';
import { silentRpcLogger } from './logger.js';
import type { OpaqueAuth, RpcCallOptions, RpcCaller, RpcLogger } from './types.js';

export interface RpcUdpClientOptions {
  host: string;
  port: number;
  credential?: OpaqueAuth;
  /** Default per-call deadline, retransmissions included. Default 30 s. */
  timeoutMs?: number;
  /** First retransmission interval; it doubles after each one. Default 1 s. */
  retransmitMs?: number;
  /** Cap of the retransmission interval. Default 8 s. */
  maxRetransmitMs?: number;
  localAddress?: string;
  logger?: RpcLogger;
}

/**
 * An ONC RPC client over UDP: one datagram per call, retransmitted with the same xid
 * (retransmitMs, doubling up to maxRetransmitMs) until a reply arrives or the call's
 * deadline passes (RpcTimeoutError). Only datagrams from the server's address and port
 * are taken as replies. A server's duplicate-request cache makes the retransmissions of
 * a non-idempotent call safe; without one, a retransmitted call may run twice.
 */
export class RpcUdpClient implements RpcCaller {
  readonly counters = { sent: 0, retransmits: 0, strayDatagrams: 0 };
  private readonly host: string;
  private readonly port: number;
  private readonly credential: OpaqueAuth;
  private readonly timeoutMs: number;
  private readonly retransmitMs: number;
  private readonly maxRetransmitMs: number;
  private readonly localAddress: string | undefined;
  private readonly logger: RpcLogger;
  private readonly table: CallTable;
  private socket: UdpSocket | undefined;
  private remoteAddress = '';
  private opening: Promise<void> | undefined;
  private closed = false;

  constructor(options: RpcUdpClientOptions) {
    this.host = options.host;
    this.port = options.port;
    this.credential = options.credential ?? AUTH_NONE;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retransmitMs = options.retransmitMs ?? 1000;
    this.maxRetransmitMs = options.maxRetransmitMs ?? 8000;
    this.localAddress = options.localAddress;
    this.logger = options.logger ?? silentRpcLogger;
    this.table = new CallTable({
      removed: (call) => clearTimeout(call.retransmitTimer),
      timeoutError: (call) => new RpcTimeoutError(`RPC call ${call.xid} to ${this.host}:${this.port} (UDP) timed out`),
    });
  }

  get pendingCalls(): number {
    return this.table.size;
  }

  get unmatchedReplies(): number {
    return this.table.unmatchedReplies;
  }

  /** Resolves the server address and binds the local socket; calls do this on demand. */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new RpcConnectionError('client is closed'));
    this.opening ??= this.open().catch((error: unknown) => {
      this.opening = undefined;
      throw new RpcConnectionError(`cannot open a UDP socket for ${this.host}:${this.port}`, { cause: error });
    });
    return this.opening;
  }

  private async open(): Promise<void> {
    const { address, family } = await lookup(this.host);
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: this.localAddress, port: 0 }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    if (this.closed) {
      socket.close();
      throw new RpcConnectionError('client closed while opening');
    }
    socket.on('message', (message: Buffer, remote: RemoteInfo) => this.onMessage(message, remote));
    socket.on('error', (error) => this.logger.warn('rpc: UDP client socket error', { error }));
    this.remoteAddress = address;
    this.socket = socket;
  }

  call<T>(
    program: number,
    version: number,
    procedure: number,
    encodeArgs: (writer: XdrWriter) => void,
    decodeResult: (reader: XdrReader) => T,
    options?: RpcCallOptions,
  ): Promise<T> {
    if (this.closed) return Promise.reject(new RpcConnectionError('client is closed'));
    if (!this.socket) {
      return this.connect().then(() => this.call(program, version, procedure, encodeArgs, decodeResult, options));
    }
    const { call, promise } = this.table.start(
      false,
      { program, version, procedure, credential: options?.credential ?? this.credential },
      encodeArgs,
      decodeResult,
      options?.timeoutMs ?? this.timeoutMs,
      options?.signal,
    );
    if (call) {
      call.retransmitMs = this.retransmitMs;
      this.send(call);
    }
    return promise;
  }

  /** Fails every pending call with RpcConnectionError and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.table.failAll(new RpcConnectionError('client closed'));
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private send(call: PendingCall): void {
    const socket = this.socket;
    if (!socket) return;
    this.counters.sent++;
    socket.send(call.message, this.port, this.remoteAddress, (error) => {
      if (error) this.table.fail(call, new RpcConnectionError(`cannot send call ${call.xid}`, { cause: error }));
    });
    call.retransmitTimer = setTimeout(onRetransmit, call.retransmitMs, this, call);
  }

  /** Called by the retransmission timer. */
  retransmit(call: PendingCall): void {
    if (call.settled) return;
    this.counters.retransmits++;
    call.retransmitMs = Math.min(call.retransmitMs * 2, this.maxRetransmitMs);
    this.send(call);
  }

  private onMessage(message: Buffer, remote: RemoteInfo): void {
    if (remote.port !== this.port || remote.address !== this.remoteAddress) {
      this.counters.strayDatagrams++;
      return;
    }
    this.table.handleReply(message);
  }
}

function onRetransmit(client: RpcUdpClient, call: PendingCall): void {
  client.retransmit(call);
}
