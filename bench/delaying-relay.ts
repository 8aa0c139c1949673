/**
 * A user-space TCP relay that adds a fixed one-way delay to every chunk in both directions
 * (`tc netem` does not exist here, architecture.md), so 15 ms each way is a 30 ms round trip
 * between the gateway and the image server. Chunks keep their order: equal delays fire in the
 * order they were scheduled. No bandwidth cap. Every connection is also watched by an
 * NfsReadTap, so the relay knows the bytes the image server sent in READ replies, and how many
 * of them were distinct.
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { NfsReadTap } from './nfs-read-tap.js';
import { ReadLedger } from './read-ledger.js';

export interface DelayingRelayOptions {
  listenHost: string;
  listenPort: number;
  targetHost: string;
  targetPort: number;
  /** Added to each chunk in each direction. */
  oneWayDelayMs: number;
}

export interface RelayStats {
  connections: number;
  bytesToServer: number;
  bytesFromServer: number;
  reads: number;
  readBytes: number;
  distinctReadBytes: number;
  files: number;
  undecodable: number;
}

export class DelayingRelay {
  readonly ledger = new ReadLedger();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly taps: NfsReadTap[] = [];
  private connections = 0;
  private bytesToServer = 0;
  private bytesFromServer = 0;

  constructor(private readonly options: DelayingRelayOptions) {}

  async listen(): Promise<number> {
    const server = createServer((client) => this.relay(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.listenPort, this.options.listenHost, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  stats(): RelayStats {
    return {
      connections: this.connections,
      bytesToServer: this.bytesToServer,
      bytesFromServer: this.bytesFromServer,
      reads: this.ledger.reads,
      readBytes: this.ledger.totalBytes,
      distinctReadBytes: this.ledger.distinctBytes(),
      files: this.ledger.files(),
      undecodable: this.taps.reduce((sum, tap) => sum + tap.undecodable, 0),
    };
  }

  /** Zeroes the counters (between boots); connections stay up. */
  reset(): void {
    this.ledger.reset();
    this.bytesToServer = 0;
    this.bytesFromServer = 0;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }

  private relay(client: Socket): void {
    this.connections++;
    const server = connect(this.options.targetPort, this.options.targetHost);
    const tap = new NfsReadTap(this.ledger);
    this.taps.push(tap);
    for (const socket of [client, server]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => {
        client.destroy();
        server.destroy();
      });
      socket.on('close', () => {
        this.sockets.delete(socket);
        // The other side closes once what is still in flight has been delivered.
        setTimeout(() => (socket === client ? server : client).end(), this.options.oneWayDelayMs);
      });
    }
    const delay = this.options.oneWayDelayMs;
    client.on('data', (chunk: Buffer) => {
      this.bytesToServer += chunk.length;
      tap.fromClient(chunk);
      setTimeout(() => server.write(chunk), delay);
    });
    server.on('data', (chunk: Buffer) => {
      this.bytesFromServer += chunk.length;
      tap.fromServer(chunk);
      setTimeout(() => client.write(chunk), delay);
    });
  }
}
