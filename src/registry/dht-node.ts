import type HyperDHT from 'hyperdht';
import { hyperdht } from './lazy-modules.js';
import { RegistryError } from './errors.js';

/**
 * Starting hyperdht nodes for rowboot: clients, a bootstrap node (`row dht --listen`), and a
 * private in-process network for tests and benchmarks.
 *
 * Quirk: hyperdht turns `port: 0` into its default 49737 (`opts.port || 49737`); dht-rpc takes
 * a `[from, to)` range, and `[0, 0]` is the only way to ask for any free port.
 */
export interface DhtAddress {
  host: string;
  port: number;
}

export interface DhtNodeOptions {
  /** Nodes to join through; an empty list starts a new network; absent joins hyperdht's public network. */
  bootstrap?: readonly DhtAddress[] | undefined;
  /** Address to bind; default all interfaces. */
  host?: string;
  /** UDP port; 0 (the default) picks a free one. */
  port?: number;
  /** Ephemeral nodes (the default) query and announce but store nothing for others. */
  ephemeral?: boolean;
}

/** Parses `HOST:PORT[,HOST:PORT...]` (the `--bootstrap` flag and ROW_BOOTSTRAP). */
export function parseBootstrapList(text: string): DhtAddress[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(parseDhtAddress);
}

export function parseDhtAddress(text: string): DhtAddress {
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon);
  const port = Number(text.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RegistryError(`invalid DHT address '${text}': expected HOST:PORT`);
  }
  return { host, port };
}

function portOption(port: number | undefined): number | [number, number] {
  return port === undefined || port === 0 ? [0, 0] : port;
}

/** A DHT node that has joined the network (or, with an empty bootstrap, is a network of one). */
export async function startDhtNode(options: DhtNodeOptions): Promise<HyperDHT> {
  const node = new (hyperdht())({
    ...(options.bootstrap === undefined ? {} : { bootstrap: [...options.bootstrap] }),
    port: portOption(options.port),
    ephemeral: options.ephemeral ?? true,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.ephemeral === false ? { firewalled: false } : {}),
  });
  try {
    await node.fullyBootstrapped();
  } catch (error) {
    await node.destroy({ force: true }).catch(() => undefined);
    throw new RegistryError('DHT node failed to start', { cause: error });
  }
  return node;
}

/**
 * A persistent, non-firewalled node at a fixed public address (`row dht --listen HOST:PORT`),
 * the first node of a private network or an extra bootstrap for an existing one.
 */
export async function startBootstrapNode(listen: DhtAddress, bootstrap: readonly DhtAddress[] = []): Promise<HyperDHT> {
  let node: HyperDHT;
  try {
    // Bind the given address too: bootstrapper() only advertises it and binds all interfaces.
    node = hyperdht().bootstrapper(listen.port, listen.host, { bootstrap: [...bootstrap], host: listen.host });
  } catch (error) {
    throw new RegistryError(`cannot start a DHT node on ${listen.host}:${listen.port}`, { cause: error });
  }
  try {
    await node.fullyBootstrapped();
  } catch (error) {
    await node.destroy({ force: true }).catch(() => undefined);
    throw new RegistryError(`DHT node on ${listen.host}:${listen.port} failed to start`, { cause: error });
  }
  return node;
}

export interface LocalTestnet {
  /** Give these to clients as `bootstrap`. */
  readonly bootstrap: DhtAddress[];
  /** The persistent nodes that store records. */
  readonly nodes: HyperDHT[];
  /** An ephemeral client node joined to the testnet; destroyed by `destroy()` unless already destroyed. */
  createClient(): Promise<HyperDHT>;
  /** Destroys every client and node, newest first. */
  destroy(): Promise<void>;
}

/**
 * `size` persistent nodes on `host` (default 127.0.0.1) with ephemeral ports, offline. Same
 * shape as hyperdht/testnet, which binds its nodes near the fixed port 49737.
 */
export async function startLocalTestnet(size: number, host = '127.0.0.1'): Promise<LocalTestnet> {
  if (!Number.isInteger(size) || size < 1) throw new RegistryError(`testnet size must be >= 1, got ${size}`);
  const nodes: HyperDHT[] = [];
  const clients: HyperDHT[] = [];
  const destroy = async (): Promise<void> => {
    for (const node of [...clients.reverse(), ...nodes.reverse()]) {
      if (!node.destroyed) await node.destroy({ force: true });
    }
    clients.length = 0;
    nodes.length = 0;
  };
  try {
    const first = await startDhtNode({ bootstrap: [], host, ephemeral: false });
    nodes.push(first);
    const bootstrap = [{ host, port: first.address().port }];
    while (nodes.length < size) nodes.push(await startDhtNode({ bootstrap, host, ephemeral: false }));
    return {
      bootstrap,
      nodes,
      async createClient() {
        const client = await startDhtNode({ bootstrap, host });
        clients.push(client);
        return client;
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
