/**
 * The DHCP server on UDP port 67. Two sockets (architecture.md: Node cannot bind to an
 * interface, and a socket bound to the interface address misses broadcasts):
 *
 * - `0.0.0.0:67` hears broadcast DISCOVERs and REQUESTs (from every interface: keep the
 *   uplink out with the nftables guard, see guard.ts);
 * - `serverAddress:67` hears unicast RENEW/INFORM and sends every reply. Because it is bound
 *   to our address, Linux sends its 255.255.255.255 broadcasts out of the interface that owns
 *   that address instead of following the default route (to the uplink), and the replies'
 *   source address matches option 54.
 */
import type { Socket } from 'node:dgram';
import { createSocket } from 'node:dgram';
import { IPV4_ANY, formatIpv4 } from './address.js';
import type { DhcpResponderOptions } from './config.js';
import { DhcpPort } from './constants.js';
import { DhcpSocketError } from './errors.js';
import type { LeaseInfo } from './lease.js';
import type { DhcpReply, PacketSource } from './responder.js';
import { DhcpResponder } from './responder.js';
import type { DhcpStats } from './stats.js';

export interface DhcpServerOptions extends DhcpResponderOptions {
  /** Server port; default 67. 0 picks a free one (tests over loopback). */
  port?: number;
}

function bindSocket(address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    const onError = (cause: Error): void => {
      socket.close();
      reject(new DhcpSocketError(`cannot bind UDP ${address}:${port}`, { cause }));
    };
    socket.once('error', onError);
    socket.bind({ address, port }, () => {
      socket.removeListener('error', onError);
      socket.setBroadcast(true);
      resolve(socket);
    });
  });
}

export class DhcpServer {
  readonly responder: DhcpResponder;
  private wildcard: Socket | undefined;
  private local: Socket | undefined;
  private sendErrors = 0;

  constructor(private readonly options: DhcpServerOptions) {
    this.responder = new DhcpResponder(options);
  }

  /** Binds both sockets; rejects with DhcpSocketError. */
  async listen(): Promise<void> {
    const serverAddress = formatIpv4(this.responder.config.serverAddress);
    this.local = await bindSocket(serverAddress, this.options.port ?? DhcpPort.SERVER);
    const port = this.local.address().port;
    try {
      this.wildcard = await bindSocket(IPV4_ANY, port);
    } catch (error) {
      await this.close();
      throw error;
    }
    for (const socket of [this.wildcard, this.local]) {
      socket.on('message', (packet, remote) => this.onPacket(packet, { address: remote.address, port: remote.port }));
      socket.on('error', (error) => this.responder.config.logger.warn('DHCP socket error', { error: String(error) }));
    }
  }

  /** The bound port (useful when `port` was 0). */
  get port(): number {
    if (!this.local) throw new DhcpSocketError('DHCP server is not listening');
    return this.local.address().port;
  }

  get stats(): DhcpStats {
    const stats = this.responder.stats;
    return { ...stats, replyErrors: stats.replyErrors + this.sendErrors };
  }

  leases(): LeaseInfo[] {
    return this.responder.leases();
  }

  leaseByAddress(address: string): LeaseInfo | undefined {
    return this.responder.leaseByAddress(address);
  }

  async close(): Promise<void> {
    const sockets = [this.wildcard, this.local].filter((socket): socket is Socket => socket !== undefined);
    this.wildcard = undefined;
    this.local = undefined;
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
  }

  private onPacket(packet: Buffer, from: PacketSource): void {
    let reply: DhcpReply | undefined;
    try {
      reply = this.responder.handlePacket(packet, from);
    } catch (error) {
      // A bug, not a bad packet: never let it take the event loop down.
      this.sendErrors++;
      this.responder.config.logger.error('DHCP request handling failed', { from, error: String(error) });
      return;
    }
    if (!reply || !this.local) return;
    this.local.send(reply.packet, reply.port, reply.address, (error) => {
      if (!error) return;
      this.sendErrors++;
      this.responder.config.logger.warn('cannot send a DHCP reply', { to: reply.address, error: String(error) });
    });
  }
}

/** Creates a server and starts listening. */
export async function startDhcpServer(options: DhcpServerOptions): Promise<DhcpServer> {
  const server = new DhcpServer(options);
  await server.listen();
  return server;
}
