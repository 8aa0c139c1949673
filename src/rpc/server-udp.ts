import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import type { ReplySink, RpcDispatcher, RpcPeer, RpcServerCounters } from './dispatcher.js';
import type { RpcLogger } from './types.js';

/** The largest UDP payload over IPv4 (65,535 - 20 IP - 8 UDP). */
export const MAX_UDP_PAYLOAD = 65_507;

export interface ServerUdpOptions {
  /** Replies longer than this are answered SYSTEM_ERR instead (and logged). */
  maxReplyBytes: number;
  /** Calls running at once from all senders; datagrams beyond it are dropped (clients retransmit). */
  maxInFlight: number;
}

/**
 * The server's UDP side: one datagram is one call (no record marking), and the reply
 * goes back to the datagram's source. A reply too large for a datagram is not truncated:
 * the caller gets SYSTEM_ERR, so servers should advertise transfer sizes that fit (NFS
 * FSINFO rtmax/wtmax over UDP).
 */
export class ServerUdpEndpoint implements ReplySink {
  readonly recordMarking = false;
  readonly maxReplyBytes: number;
  private inFlight = 0;
  private closed = false;
  private readonly localPort: number;

  constructor(
    private readonly socket: UdpSocket,
    private readonly dispatcher: RpcDispatcher,
    private readonly counters: RpcServerCounters,
    private readonly logger: RpcLogger,
    private readonly options: ServerUdpOptions,
  ) {
    this.maxReplyBytes = options.maxReplyBytes;
    this.localPort = socket.address().port;
    socket.on('message', (message: Buffer, remote: RemoteInfo) => this.onMessage(message, remote));
    socket.on('error', (error) => this.onError(error));
    socket.on('close', () => {
      this.closed = true;
    });
  }

  markClosed(): void {
    this.closed = true;
  }

  sendReply(peer: RpcPeer, chunks: Buffer[]): void {
    if (this.closed) {
      this.counters.droppedReplies++;
      return;
    }
    this.socket.send(chunks, peer.remotePort, peer.remoteAddress, this.onSent);
  }

  callFinished(): void {
    this.inFlight--;
  }

  private onMessage(message: Buffer, remote: RemoteInfo): void {
    if (this.inFlight >= this.options.maxInFlight) {
      this.counters.droppedReplies++;
      this.logger.debug('rpc: UDP call dropped, too many in flight', { remoteAddress: remote.address, inFlight: this.inFlight });
      return;
    }
    const peer: RpcPeer = { transport: 'udp', remoteAddress: remote.address, remotePort: remote.port, localPort: this.localPort };
    this.inFlight++;
    if (this.dispatcher.dispatch(message, peer, this)) return;
    this.inFlight--;
    this.counters.garbageRecords++;
    this.logger.debug('rpc: datagram is not a call, dropped', { remoteAddress: remote.address, bytes: message.length });
  }

  /** One bound callback for every send, instead of a closure per reply. */
  private readonly onSent = (error: Error | null): void => {
    if (error) {
      this.counters.socketErrors++;
      this.logger.debug('rpc: UDP reply not sent', { error });
    }
  };

  private onError(error: Error): void {
    this.counters.socketErrors++;
    this.logger.warn('rpc: UDP socket error', { error });
  }
}
