import { createServer, type Server, type Socket } from 'node:net';
import type HyperDHT from 'hyperdht';
import { OverlayConnectError, OverlayError } from './errors.js';
import { encodeServiceHeader, isServiceName } from './service-header.js';
import { splice } from './splice.js';

/**
 * Gateway side of the overlay: opens Noise streams to an image server by public key, and a local
 * TCP forwarder so unmodified TCP clients (the gateway's NFS RPC client) reach a service on the
 * server. Each local connection tries the candidate servers in order, so when the server in use
 * dies the next reconnect lands on another holder of the same version.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface ConnectOverlayOptions {
  keyPair?: HyperDHT.KeyPair;
  timeoutMs?: number;
}

/** An open (handshaken) overlay stream to `remotePublicKey`, already asking for `service`. */
export function connectOverlay(
  dht: HyperDHT,
  remotePublicKey: Buffer,
  service: string,
  options: ConnectOverlayOptions = {},
): Promise<HyperDHT.NoiseSecretStream> {
  if (!isServiceName(service)) return Promise.reject(new OverlayError(`bad service name '${service}'`));
  const stream = dht.connect(remotePublicKey, options.keyPair ? { keyPair: options.keyPair } : {});
  const peer = remotePublicKey.toString('hex').slice(0, 12);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new OverlayConnectError(`no overlay stream to ${peer}… within ${options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms`));
    }, options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(new OverlayConnectError(`overlay stream to ${peer}… failed`, { cause: error }));
    };
    stream.once('error', onError);
    stream.once('open', () => {
      clearTimeout(timer);
      stream.off('error', onError);
      stream.write(encodeServiceHeader(service));
      resolve(stream);
    });
  });
}

export interface ForwarderOptions {
  dht: HyperDHT;
  /** Servers to try, best first; called for every new local connection. */
  candidates: () => Buffer[] | Promise<Buffer[]>;
  service: string;
  keyPair?: HyperDHT.KeyPair;
  /** Local address to listen on; port 0 picks a free one. */
  listen?: { host: string; port: number };
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface ForwarderStats {
  connections: number;
  failovers: number;
  failures: number;
}

export interface OverlayForwarder {
  readonly host: string;
  readonly port: number;
  /** The server the last successful connection went to. */
  readonly current: Buffer | null;
  readonly stats: Readonly<ForwarderStats>;
  close(): Promise<void>;
}

export async function startOverlayForwarder(options: ForwarderOptions): Promise<OverlayForwarder> {
  const stats: ForwarderStats = { connections: 0, failovers: 0, failures: 0 };
  const log = options.log ?? (() => undefined);
  const sockets = new Set<Socket>();
  let current: Buffer | null = null;

  const open = async (): Promise<HyperDHT.NoiseSecretStream> => {
    const candidates = await options.candidates();
    // Stay on the server in use while it works; otherwise walk the list.
    const ordered = current ? [current, ...candidates.filter((key) => !key.equals(current as Buffer))] : candidates;
    let lastError: unknown = new OverlayConnectError('no candidate servers');
    for (const [index, key] of ordered.entries()) {
      try {
        const stream = await connectOverlay(options.dht, key, options.service, {
          ...(options.keyPair ? { keyPair: options.keyPair } : {}),
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        });
        if (index > 0) stats.failovers++;
        current = key;
        return stream;
      } catch (error) {
        lastError = error;
        log(`overlay: ${key.toString('hex').slice(0, 12)}… unreachable, trying the next server`);
      }
    }
    throw new OverlayConnectError(`no server reachable for ${options.service}`, { cause: lastError });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    open().then(
      (stream) => {
        stats.connections++;
        splice(socket, stream);
        socket.resume();
      },
      (error: Error) => {
        stats.failures++;
        log(`overlay: ${error.message}`);
        socket.destroy();
      },
    );
  });
  const listen = options.listen ?? { host: '127.0.0.1', port: 0 };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new OverlayError('forwarder has no TCP address');
  return {
    host: address.address,
    port: address.port,
    get current() {
      return current;
    },
    stats,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
