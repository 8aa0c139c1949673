import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { DEFAULT_MAX_RECORD_BYTES } from './constants.js';
import { RpcDispatcher, newServerCounters, type RpcServerCounters } from './dispatcher.js';
import { RpcError } from './errors.js';
import { consoleRpcLogger } from './logger.js';
import { ServerConnection } from './server-connection.js';
import { MAX_UDP_PAYLOAD, ServerUdpEndpoint } from './server-udp.js';
import type { RpcLogger, RpcProgram } from './types.js';

export interface RpcServerOptions {
  /** Largest TCP record accepted; a bigger one closes the connection. Default 1 MiB + 64 KiB. */
  maxRecordBytes?: number;
  /** Calls running at once per TCP connection before the server stops reading it. Default 64. */
  maxInFlightPerConnection?: number;
  /** Calls running at once over UDP; more datagrams are dropped. Default 1024. */
  maxUdpInFlight?: number;
  /** Largest UDP reply; a bigger one becomes SYSTEM_ERR. Default 65,507. */
  maxUdpReplyBytes?: number;
  logger?: RpcLogger;
}

export interface RpcListenOptions {
  host: string;
  /** 0 picks a port that is free for TCP and UDP both. */
  port: number;
  tcp?: boolean;
  udp?: boolean;
}

/** How many times port 0 is retried when the TCP port picked is taken for UDP. */
const SHARED_PORT_ATTEMPTS = 20;

/**
 * An ONC RPC server (RFC 5531) over TCP and UDP on one port number. Programs are added
 * before or after listen(); each call is dispatched by (program, version, procedure).
 */
export class RpcServer {
  readonly counters: RpcServerCounters = newServerCounters();
  private readonly dispatcher: RpcDispatcher;
  private readonly logger: RpcLogger;
  private readonly maxRecordBytes: number;
  private readonly maxInFlightPerConnection: number;
  private readonly maxUdpInFlight: number;
  private readonly maxUdpReplyBytes: number;
  private readonly connections = new Set<ServerConnection>();
  private tcpServer: Server | undefined;
  private udpSocket: UdpSocket | undefined;
  private udpEndpoint: ServerUdpEndpoint | undefined;
  private boundPort: number | undefined;

  constructor(options: RpcServerOptions = {}) {
    this.logger = options.logger ?? consoleRpcLogger;
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.maxInFlightPerConnection = options.maxInFlightPerConnection ?? 64;
    this.maxUdpInFlight = options.maxUdpInFlight ?? 1024;
    this.maxUdpReplyBytes = options.maxUdpReplyBytes ?? MAX_UDP_PAYLOAD;
    this.dispatcher = new RpcDispatcher(this.counters, this.logger);
  }

  addProgram(program: RpcProgram): void {
    this.dispatcher.addProgram(program);
  }

  /** The bound port, once listening. */
  get port(): number | undefined {
    return this.boundPort;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  async listen(options: RpcListenOptions): Promise<{ port: number }> {
    const { host, port, tcp = true, udp = true } = options;
    if (this.boundPort !== undefined) throw new RpcError(`already listening on port ${this.boundPort}`);
    if (!tcp && !udp) throw new RangeError('listen needs tcp, udp or both');
    let resolved: { address: string; family: number };
    try {
      resolved = await lookup(host);
    } catch (error) {
      throw new RpcError(`cannot resolve listen address ${host}`, { cause: error });
    }
    const attempts = port === 0 && tcp && udp ? SHARED_PORT_ATTEMPTS : 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      let tcpServer: Server | undefined;
      let udpSocket: UdpSocket | undefined;
      try {
        let bound = port;
        if (tcp) {
          tcpServer = await listenTcp(resolved.address, bound, (socket) => this.onConnection(socket));
          bound = (tcpServer.address() as { port: number }).port;
        }
        if (udp) {
          udpSocket = await bindUdp(resolved.family, resolved.address, bound);
          bound = udpSocket.address().port;
        }
        this.install(tcpServer, udpSocket, bound);
        return { port: bound };
      } catch (error) {
        lastError = error;
        tcpServer?.close();
        udpSocket?.close();
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
      }
    }
    throw new RpcError(`cannot listen on ${host}:${port}`, { cause: lastError });
  }

  private install(tcpServer: Server | undefined, udpSocket: UdpSocket | undefined, port: number): void {
    this.tcpServer = tcpServer;
    this.udpSocket = udpSocket;
    this.boundPort = port;
    tcpServer?.on('error', (error) => {
      this.counters.socketErrors++;
      this.logger.error('rpc: TCP listener error', { error });
    });
    if (udpSocket) {
      this.udpEndpoint = new ServerUdpEndpoint(udpSocket, this.dispatcher, this.counters, this.logger, {
        maxReplyBytes: this.maxUdpReplyBytes,
        maxInFlight: this.maxUdpInFlight,
      });
    }
  }

  private onConnection(socket: Socket): void {
    this.counters.connections++;
    const connection = new ServerConnection(
      socket,
      this.dispatcher,
      this.counters,
      this.logger,
      { maxRecordBytes: this.maxRecordBytes, maxInFlight: this.maxInFlightPerConnection },
      (closed) => this.connections.delete(closed),
    );
    this.connections.add(connection);
  }

  /** Stops listening and closes every connection; replies still running are dropped. */
  async close(): Promise<void> {
    const tcpServer = this.tcpServer;
    const udpSocket = this.udpSocket;
    this.tcpServer = undefined;
    this.udpSocket = undefined;
    this.boundPort = undefined;
    this.udpEndpoint?.markClosed();
    this.udpEndpoint = undefined;
    await Promise.all([
      ...[...this.connections].map((connection) => connection.destroy()),
      tcpServer ? new Promise<void>((resolve) => tcpServer.close(() => resolve())) : undefined,
      udpSocket ? new Promise<void>((resolve) => udpSocket.close(() => resolve())) : undefined,
    ]);
  }
}

function listenTcp(address: string, port: number, onConnection: (socket: Socket) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: a client may send its calls then FIN; its replies still go out.
    const server = createServer({ allowHalfOpen: true, noDelay: true }, onConnection);
    const onError = (error: Error): void => {
      server.close();
      reject(error);
    };
    server.once('error', onError);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

function bindUdp(family: number, address: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    const onError = (error: Error): void => {
      try {
        socket.close();
      } catch {
        // Already closed by the failed bind; nothing left to release.
      }
      reject(error);
    };
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
