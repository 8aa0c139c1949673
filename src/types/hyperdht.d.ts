/**
 * Types for the parts of the untyped `hyperdht` package (6.x) rowboot uses. Written from its
 * README and index.js; only what src/registry and src/overlay call is declared.
 */
declare module 'hyperdht' {
  import type { EventEmitter } from 'node:events';
  import type { Duplex } from 'node:stream';

  namespace HyperDHT {
    interface KeyPair {
      publicKey: Buffer;
      secretKey: Buffer;
    }

    /** A key pair whose secret half stays out of reach: hyperdht calls `sign` instead. */
    interface SigningKeyPair {
      publicKey: Buffer;
      sign(signable: Buffer): Buffer;
    }

    interface NodeAddress {
      host: string;
      port: number;
    }

    interface FromNode extends NodeAddress {
      id: Buffer | null;
    }

    interface Options {
      /** `host:port` strings (optionally `ip@host:port`) or addresses; `[]` makes a first node. */
      bootstrap?: Array<string | NodeAddress>;
      /** Preferred UDP port, or a `[from, to)` range; `[0, 0]` means any free port. */
      port?: number | [number, number];
      host?: string;
      ephemeral?: boolean;
      firewalled?: boolean;
      anyPort?: boolean;
      keyPair?: KeyPair;
      /** Lifetime of records this node stores for others (announces 20 min, mutables 48 h by default). */
      maxAge?: number;
      maxWindow?: number;
      concurrency?: number;
      connectionKeepAlive?: number | false;
    }

    interface QueryOptions {
      concurrency?: number;
      retries?: number;
    }

    interface PeerRecord {
      publicKey: Buffer;
      relayAddresses: NodeAddress[];
    }

    interface LookupReply {
      from: FromNode;
      to: NodeAddress;
      token: Buffer | null;
      peers: PeerRecord[];
      bump: number;
    }

    /** A dht-rpc query: a readable stream of replies that also completes as a promise. */
    interface Query<T> extends AsyncIterable<T> {
      finished(): Promise<void>;
      destroy(err?: Error): void;
      readonly closestNodes: FromNode[];
    }

    interface MutablePutOptions extends QueryOptions {
      seq?: number;
    }

    interface MutableGetOptions extends QueryOptions {
      /** Only accept records with at least this sequence number. */
      seq?: number;
      /** Ask every close node and keep the highest sequence (the default) instead of the first. */
      latest?: boolean;
      /** Called with the record found; returning true re-stores it on the closest nodes. */
      refresh?: (record: MutableRecord) => boolean;
    }

    interface MutableRecord {
      seq: number;
      value: Buffer;
      signature: Buffer;
      from: FromNode;
    }

    interface MutablePutResult {
      publicKey: Buffer;
      closestNodes: FromNode[];
      seq: number;
      signature: Buffer;
    }

    /** An end-to-end encrypted (Noise) stream to a peer known by its public key. */
    interface NoiseSecretStream extends Duplex {
      readonly publicKey: Buffer;
      readonly remotePublicKey: Buffer;
      readonly handshakeHash: Buffer;
    }

    interface ServerOptions {
      firewall?: (remotePublicKey: Buffer, remoteHandshakePayload: unknown) => boolean;
    }

    interface Server extends EventEmitter {
      listen(keyPair: KeyPair): Promise<void>;
      close(): Promise<void>;
      refresh(): void;
      address(): { host: string; port: number; publicKey: Buffer } | null;
    }

    interface ConnectOptions {
      keyPair?: KeyPair;
      nodes?: NodeAddress[];
    }
  }

  class HyperDHT extends EventEmitter {
    constructor(options?: HyperDHT.Options);
    static keyPair(seed?: Buffer): HyperDHT.KeyPair;
    /** BLAKE2b-256, the hash hyperdht uses for its own targets. */
    static hash(data: Buffer): Buffer;
    static bootstrapper(port: number, host: string, options?: HyperDHT.Options): HyperDHT;

    readonly destroyed: boolean;
    readonly ephemeral: boolean;
    readonly defaultKeyPair: HyperDHT.KeyPair;

    ready(): Promise<void>;
    fullyBootstrapped(): Promise<void>;
    address(): { host: string; port: number };
    destroy(options?: { force?: boolean }): Promise<void>;

    announce(
      topic: Buffer,
      keyPair: HyperDHT.KeyPair,
      relayAddresses?: HyperDHT.NodeAddress[],
      options?: HyperDHT.QueryOptions,
    ): HyperDHT.Query<HyperDHT.LookupReply>;
    unannounce(topic: Buffer, keyPair: HyperDHT.KeyPair, options?: HyperDHT.QueryOptions): Promise<void>;
    lookup(topic: Buffer, options?: HyperDHT.QueryOptions): HyperDHT.Query<HyperDHT.LookupReply>;

    mutablePut(
      keyPair: HyperDHT.KeyPair | HyperDHT.SigningKeyPair,
      value: Buffer,
      options?: HyperDHT.MutablePutOptions,
    ): Promise<HyperDHT.MutablePutResult>;
    mutableGet(publicKey: Buffer, options?: HyperDHT.MutableGetOptions): Promise<HyperDHT.MutableRecord | null>;

    createServer(
      options?: HyperDHT.ServerOptions,
      onconnection?: (socket: HyperDHT.NoiseSecretStream) => void,
    ): HyperDHT.Server;
    connect(remotePublicKey: Buffer, options?: HyperDHT.ConnectOptions): HyperDHT.NoiseSecretStream;
  }

  export = HyperDHT;
}

declare module 'hyperdht/testnet' {
  import type HyperDHT from 'hyperdht';

  interface Testnet {
    nodes: HyperDHT[];
    bootstrap: HyperDHT.NodeAddress[];
    createNode(options?: HyperDHT.Options): HyperDHT;
    destroy(): Promise<void>;
  }

  function createTestnet(size?: number, options?: { host?: string; port?: number; bootstrap?: HyperDHT.NodeAddress[] }): Promise<Testnet>;

  export = createTestnet;
}
