import { connect as tcpConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import type HyperDHT from 'hyperdht';
import { isAllowed, type AllowList } from './allow-list.js';
import { OverlayError } from './errors.js';
import { isServiceName, parseServiceHeader } from './service-header.js';
import { splice } from './splice.js';

/**
 * Image-server side of the overlay: listens on the server's key pair for Noise-encrypted
 * hyperdht streams (hole-punched, or relayed through DHT nodes when punching fails), refuses
 * gateways not on the allow list before the handshake completes, reads the service header and
 * splices the stream to that service's local TCP port (the NFS server).
 */
export interface TcpTarget {
  host: string;
  port: number;
}

/**
 * A service answered in this process instead of a TCP port (e.g. `row serve`'s uploads, which
 * must know the peer's key). Gets the stream, paused, and the bytes that followed the header.
 */
export type StreamHandler = (stream: HyperDHT.NoiseSecretStream, firstBytes: Buffer) => void;

export interface OverlayServerOptions {
  dht: HyperDHT;
  keyPair: HyperDHT.KeyPair;
  /** service name -> local TCP address, e.g. { nfs: { host: '127.0.0.1', port: 2049 } }. */
  services: Readonly<Record<string, TcpTarget>>;
  /** service name -> in-process handler; a name must not be in both maps. */
  handlers?: Readonly<Record<string, StreamHandler>>;
  /** Gateway keys allowed to connect; undefined allows every key. */
  allow?: AllowList;
  log?: (line: string) => void;
}

export interface OverlayServerStats {
  accepted: number;
  refusedByAllowList: number;
  badHeaders: number;
  targetErrors: number;
  active: number;
}

export interface OverlayServer {
  readonly publicKey: Buffer;
  readonly stats: Readonly<OverlayServerStats>;
  close(): Promise<void>;
}

export async function startOverlayServer(options: OverlayServerOptions): Promise<OverlayServer> {
  const handlers = options.handlers ?? {};
  for (const name of [...Object.keys(options.services), ...Object.keys(handlers)]) {
    if (!isServiceName(name)) throw new OverlayError(`bad service name '${name}'`);
    if (name in options.services && name in handlers) throw new OverlayError(`service '${name}' is both a TCP target and a handler`);
  }
  const stats: OverlayServerStats = { accepted: 0, refusedByAllowList: 0, badHeaders: 0, targetErrors: 0, active: 0 };
  const log = options.log ?? (() => undefined);
  const open = new Set<Duplex>();
  const server = options.dht.createServer({
    // hyperdht: returning true refuses the connection.
    firewall: (remotePublicKey) => {
      if (isAllowed(options.allow, remotePublicKey)) return false;
      stats.refusedByAllowList++;
      log(`overlay: refused ${remotePublicKey.toString('hex')} (not on the allow list)`);
      return true;
    },
  });
  server.on('connection', (stream: HyperDHT.NoiseSecretStream) => {
    stats.accepted++;
    open.add(stream);
    stream.on('close', () => open.delete(stream));
    stream.on('error', () => undefined);
    routeStream(stream, options.services, handlers, stats, log);
  });
  try {
    await server.listen(options.keyPair);
  } catch (error) {
    throw new OverlayError('cannot listen on the overlay', { cause: error });
  }
  return {
    publicKey: options.keyPair.publicKey,
    stats,
    async close() {
      await server.close();
      for (const stream of open) stream.destroy();
    },
  };
}

function routeStream(
  stream: HyperDHT.NoiseSecretStream,
  services: Readonly<Record<string, TcpTarget>>,
  handlers: Readonly<Record<string, StreamHandler>>,
  stats: OverlayServerStats,
  log: (line: string) => void,
): void {
  let received = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    const header = parseServiceHeader(received);
    if (header.state === 'partial') return;
    stream.off('data', onData);
    stream.pause();
    const handler = header.state === 'done' && Object.hasOwn(handlers, header.service) ? handlers[header.service] : undefined;
    if (handler !== undefined && header.state === 'done') {
      handler(stream, header.rest);
      return;
    }
    const target = header.state === 'done' && Object.hasOwn(services, header.service) ? services[header.service] : undefined;
    if (header.state !== 'done' || target === undefined) {
      stats.badHeaders++;
      log(`overlay: dropped stream from ${stream.remotePublicKey.toString('hex')}: ${header.state === 'invalid' ? header.reason : 'unknown service'}`);
      stream.destroy();
      return;
    }
    const socket = tcpConnect(target.port, target.host);
    socket.setNoDelay(true);
    socket.once('connect', () => {
      stats.active++;
      if (header.rest.length > 0) socket.write(header.rest);
      splice(stream, socket, () => stats.active--);
      stream.resume();
    });
    socket.once('error', (error) => {
      if (socket.connecting) {
        stats.targetErrors++;
        log(`overlay: ${header.service} at ${target.host}:${target.port} unreachable: ${error.message}`);
        stream.destroy();
      }
    });
  };
  stream.on('data', onData);
}
