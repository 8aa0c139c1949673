/**
 * Which image server an image main uses: the first reachable holder of A@vN from the DHT's
 * "servers of A@vN" table, and, when the image main gives that one up, the next one (issue 5:
 * "if the server in use dies, it switches to another server of the same version").
 *
 * A killed server's entry stays in the table until it expires (the servers' TTL, minutes), so
 * servers given up are skipped for a while; if every holder has been given up, they are tried
 * again, longest-failed first (a restarted server comes back).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type HyperDHT from 'hyperdht';
import { formatImageRef, formatPublicKey, type ImageVersion, type Registry, type ServerEntry } from '../registry/index.js';
import { ImageUnavailableError } from './errors.js';
import type { GatewayLogger } from './logger.js';
import { ServerLink } from './server-link.js';

/** A server given up is not tried again for this long while other holders are left. */
const FAILED_COOLDOWN_MS = 120_000;
/** Holders tried at once at most, and the head start each gets over the next. */
const MAX_CANDIDATES = 8;
const STAGGER_MS = 1000;

function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error && parts.length < 3; current = current.cause) parts.push(current.message);
  return parts.join(': ');
}

export interface ServerSelectorOptions {
  registry: Registry;
  dht: HyperDHT;
  keyPair: HyperDHT.KeyPair;
  image: ImageVersion;
  /** The manifest hash the version must have (from A's signed latest record), when known. */
  manifestHash: string | undefined;
  /** Overlay connect + MNT of one candidate. */
  connectTimeoutMs: number;
  logger: GatewayLogger;
}

export interface ServerSelectorStats {
  /** Links opened (the first server counts). */
  connects: number;
  /** Servers given up while in use. */
  failovers: number;
  /** Candidates that could not be connected to or mounted. */
  unreachable: number;
}

export class ServerSelector {
  readonly stats: ServerSelectorStats = { connects: 0, failovers: 0, unreachable: 0 };
  private link: ServerLink | undefined;
  private opening: Promise<ServerLink> | undefined;
  /** Server key (hex) -> when it was given up (Date.now()). */
  private readonly failed = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: ServerSelectorOptions) {}

  /** The server in use now, if connected. */
  get inUse(): ServerLink | undefined {
    return this.link;
  }

  /** The link in use, connecting to a holder first if there is none (callers share one attempt). */
  current(): Promise<ServerLink> {
    if (this.link !== undefined) return Promise.resolve(this.link);
    if (this.closed) return Promise.reject(new ImageUnavailableError('image main is closed'));
    this.opening ??= this.connect().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** Gives up `link` (no answer for too long); the next current() connects to another holder. Idempotent. */
  abandon(link: ServerLink, reason: string): void {
    if (this.link !== link) return;
    this.link = undefined;
    this.stats.failovers++;
    this.failed.set(formatPublicKey(link.publicKey), Date.now());
    this.options.logger.warn(`server ${link.label} given up (${reason}); switching to another holder of ${formatImageRef(this.options.image)}`);
    void link.close();
  }

  async close(): Promise<void> {
    // Not waiting for a connect in progress: a link it opens now is closed at once (see connect()).
    this.closed = true;
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  private async connect(): Promise<ServerLink> {
    const { image, logger } = this.options;
    const label = formatImageRef(image);
    let servers: ServerEntry[];
    try {
      servers = await this.options.registry.findServers(image);
    } catch (error) {
      throw new ImageUnavailableError(`cannot look up the servers of ${label}`, { cause: error });
    }
    const candidates = this.order(servers);
    if (candidates.length === 0) throw new ImageUnavailableError(`no image server announces ${label}${servers.length > 0 ? ' with the expected manifest' : ''}`);
    return new Promise<ServerLink>((resolve, reject) => {
      let winner: ServerLink | undefined;
      let pending = candidates.length;
      let lastError: unknown;
      const settle = () => {
        if (--pending > 0 || winner !== undefined) return;
        reject(new ImageUnavailableError(`no server of ${label} is reachable (${candidates.length} tried)`, { cause: lastError }));
      };
      candidates.forEach((server, index) => {
        // Happy eyeballs: the next holder is tried only if the ones before have not answered yet,
        // so a dead server whose entry has not expired costs a stagger, not a connect timeout.
        void sleep(index * STAGGER_MS)
          .then(() => {
            if (winner !== undefined || this.closed) throw new ImageUnavailableError('not needed');
            return ServerLink.open({
              dht: this.options.dht,
              keyPair: this.options.keyPair,
              publicKey: server.publicKey,
              mountPath: server.mountPath as string,
              timeoutMs: this.options.connectTimeoutMs,
              logger,
            });
          })
          .then(
            (link) => {
              if (winner !== undefined || this.closed) {
                void link.close();
                return;
              }
              winner = link;
              this.stats.connects++;
              this.failed.delete(formatPublicKey(server.publicKey));
              this.link = link;
              logger.info(`using server ${formatPublicKey(server.publicKey)} (${label} at ${link.mountPath})`);
              resolve(link);
            },
            (error: unknown) => {
              if (winner !== undefined || this.closed) return;
              lastError = error;
              this.stats.unreachable++;
              this.failed.set(formatPublicKey(server.publicKey), Date.now());
              logger.warn(`server ${formatPublicKey(server.publicKey).slice(0, 12)}… unusable: ${describeError(error)}`);
            },
          )
          .finally(settle);
      });
    });
  }

  /** Holders with a mount path and the right manifest; recently failed ones last, or only if nothing else is left. */
  private order(servers: readonly ServerEntry[]): ServerEntry[] {
    const expected = this.options.manifestHash;
    const usable = servers.filter((server) => {
      if (server.mountPath === undefined) return false;
      if (expected !== undefined && server.manifestHash !== undefined && server.manifestHash !== expected) {
        this.options.logger.warn(`server ${formatPublicKey(server.publicKey).slice(0, 12)}… announces a different manifest (${server.manifestHash}); skipped`);
        return false;
      }
      return true;
    });
    const now = Date.now();
    const failedAt = (server: ServerEntry) => this.failed.get(formatPublicKey(server.publicKey));
    const fresh = usable.filter((server) => {
      const at = failedAt(server);
      return at === undefined || now - at > FAILED_COOLDOWN_MS;
    });
    if (fresh.length > 0) return fresh.slice(0, MAX_CANDIDATES);
    return [...usable].sort((a, b) => (failedAt(a) ?? 0) - (failedAt(b) ?? 0)).slice(0, MAX_CANDIDATES);
  }
}
