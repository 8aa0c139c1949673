import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import type { PendingCall } from './call-table.js';
import { RpcClientBase, type RpcClientOptions } from './client-base.js';
import { RpcConnectionError, RpcTimeoutError, type RpcError } from './errors.js';

export interface RpcUdpClientOptions extends RpcClientOptions {
  /** First retransmission interval; it doubles after each one. Default 1 s. */
  retransmitMs?: number;
  /** Cap of the retransmission interval. Default 8 s. */
  maxRetransmitMs?: number;
}

/**
 * An ONC RPC client over UDP: one datagram per call, retransmitted with the same xid
 * (retransmitMs, doubling up to maxRetransmitMs) until a reply arrives or the call's
 * deadline passes (RpcTimeoutError). Only datagrams from the server's address and port
 * are taken as replies. A server's duplicate-request cache makes the retransmissions of
 * a non-idempotent call safe; without one, a retransmitted call may run twice.
 */
export class RpcUdpClient extends RpcClientBase {
  readonly counters = { sent: 0, retransmits: 0, strayDatagrams: 0 };
  private readonly retransmitMs: number;
  private readonly maxRetransmitMs: number;
  private socket: UdpSocket | undefined;
  private remoteAddress = '';
  private openingSocket: Promise<void> | undefined;
  protected override closed = false;

  constructor(options: RpcUdpClientOptions) {
    super(options, false);
    this.retransmitMs = options.retransmitMs ?? 1000;
    this.maxRetransmitMs = options.maxRetransmitMs ?? 8000;
  }

  /** Resolves the server address and binds the local socket; calls do this on demand. */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new RpcConnectionError('client is closed'));
    this.openingSocket ??= this.open().catch((error: unknown) => {
      this.openingSocket = undefined;
      throw new RpcConnectionError(`cannot open a UDP socket for ${this.host}:${this.port}`, { cause: error });
    });
    return this.openingSocket;
  }

  /** A call is encoded once the socket is bound (the xid and deadline start then). */
  protected override opening(): Promise<void> | undefined {
    return this.socket ? undefined : this.connect();
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

  /** Fails every pending call with RpcConnectionError and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.table.failAll(new RpcConnectionError('client closed'));
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  protected override transmit(call: PendingCall): void {
    call.retransmitMs = this.retransmitMs;
    this.send(call);
  }

  protected override onCallRemoved(call: PendingCall): void {
    clearTimeout(call.retransmitTimer);
  }

  protected override timeoutError(call: PendingCall): RpcError {
    return new RpcTimeoutError(`RPC call ${call.xid} to ${this.host}:${this.port} (UDP) timed out`);
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
