import type HyperDHT from 'hyperdht';
import { derivedSigner, type DerivedSigner } from './derived-key.js';
import { DhtQueryError, RegistryError } from './errors.js';
import type { KeyPair } from './key-file.js';
import { encodePresence, type PresenceKind, type PresenceValue } from './records.js';
import { serverNamespace, serversTopic, userNamespace, usersShardOf, usersTopic, type ImageVersion } from './topics.js';

/**
 * Tables 2 and 3: "this image server holds A@vN" and "this gateway uses A@vN".
 *
 * Each entry is two DHT writes, refreshed every ttl/3:
 *  - an announce of the server's / gateway's own key on the table's topic, so lookups can list
 *    who takes part (hyperdht keeps announces ~13-27 minutes and an announce carries no data);
 *  - a signed mutable record under that key tweaked for (table, A@vN), carrying `expiresAt`
 *    (and the mount path for servers). Readers count an entry only while `expiresAt` is ahead,
 *    so an entry whose writer was killed stops counting within one TTL, not hyperdht's 20 min.
 * A clean stop writes a final record with `stopped` and unannounces.
 */
export interface PresenceHandle {
  readonly kind: PresenceKind;
  readonly image: ImageVersion;
  readonly publicKey: Buffer;
  readonly ttlMs: number;
  /** Clock time of the last successful refresh. */
  readonly lastRefreshAt: number;
  /** Refreshes that failed since start (each is also passed to `onError`). */
  readonly failedRefreshes: number;
  /** Refreshes now instead of waiting for the timer. */
  refresh(): Promise<void>;
  /** Stops refreshing, marks the entry stopped and unannounces it. */
  stop(): Promise<void>;
}

export interface PresenceOptions {
  kind: PresenceKind;
  ttlMs: number;
  mountPath?: string;
  manifestHash?: string;
  clock: () => number;
  onError?: (error: Error) => void;
}

/** Shortest TTL accepted: refreshes every ttl/3 must leave room for a DHT round trip. */
export const MIN_PRESENCE_TTL_MS = 300;

export class PresenceAnnouncement implements PresenceHandle {
  readonly kind: PresenceKind;
  readonly publicKey: Buffer;
  readonly ttlMs: number;
  lastRefreshAt = 0;
  failedRefreshes = 0;
  private readonly signer: DerivedSigner;
  private readonly topic: Buffer;
  private lastSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly dht: HyperDHT,
    private readonly keyPair: KeyPair,
    readonly image: ImageVersion,
    private readonly options: PresenceOptions,
  ) {
    if (!(options.ttlMs >= MIN_PRESENCE_TTL_MS)) throw new RegistryError(`ttl must be at least ${MIN_PRESENCE_TTL_MS} ms`);
    this.kind = options.kind;
    this.ttlMs = options.ttlMs;
    this.publicKey = keyPair.publicKey;
    const namespace = options.kind === 'server' ? serverNamespace(image) : userNamespace(image);
    this.signer = derivedSigner(keyPair, namespace);
    this.topic = options.kind === 'server' ? serversTopic(image) : usersTopic(image, usersShardOf(keyPair.publicKey));
  }

  /** First refresh; resolves once the entry is in the DHT, then keeps it there. */
  async start(): Promise<void> {
    await this.refresh();
    this.schedule();
  }

  refresh(): Promise<void> {
    if (this.stopped) return Promise.reject(new RegistryError('presence already stopped'));
    // One write at a time: a timer tick during a manual refresh joins it.
    this.inFlight ??= this.write(false).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight?.catch(() => undefined);
    const problems: unknown[] = [];
    await this.write(true).catch((error: unknown) => problems.push(error));
    await this.dht.unannounce(this.topic, this.keyPair).catch((error: unknown) => problems.push(error));
    if (problems.length > 0) {
      throw new DhtQueryError(`could not withdraw ${this.kind} entry cleanly (it expires by itself)`, { cause: problems[0] });
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.refresh()
        .catch((error: unknown) => {
          this.failedRefreshes++;
          this.options.onError?.(error as Error);
        })
        .finally(() => this.schedule());
    }, Math.floor(this.ttlMs / 3));
    // The DHT node keeps its owner alive; this timer alone must not.
    this.timer.unref();
  }

  private async write(final: boolean): Promise<void> {
    const now = this.options.clock();
    // Sequence numbers follow the clock so a restarted writer with the same key still moves forward.
    const seq = Math.max(this.lastSeq + 1, now);
    const value: PresenceValue = {
      kind: this.kind,
      name: this.image.name,
      version: this.image.version,
      expiresAt: final ? now : now + this.ttlMs,
      ttlMs: this.ttlMs,
      stopped: final,
      ...(this.options.mountPath === undefined ? {} : { mountPath: this.options.mountPath }),
      ...(this.options.manifestHash === undefined ? {} : { manifestHash: this.options.manifestHash }),
    };
    try {
      await this.dht.mutablePut(this.signer, encodePresence(value), { seq });
      this.lastSeq = seq;
      // Record first, then announce: a lookup that finds the key also finds its record.
      if (!final) await this.dht.announce(this.topic, this.keyPair).finished();
    } catch (error) {
      throw new DhtQueryError(`cannot refresh ${this.kind} entry for ${this.image.name}@v${this.image.version}`, { cause: error });
    }
    if (!final) this.lastRefreshAt = now;
  }
}
