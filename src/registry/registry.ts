import type HyperDHT from 'hyperdht';
import { PublicKeyFormatError } from './errors.js';
import { assertImageName, assertVersion } from './image-ref.js';
import type { KeyPair } from './key-file.js';
import { getLatest, putLatest, type LatestRecord } from './latest-table.js';
import { mapLimit } from './map-limit.js';
import { PresenceAnnouncement, type PresenceHandle } from './presence-announcement.js';
import { fetchPresence, lookupAnnounced, type LookupStats } from './presence-lookup.js';
import { PUBLIC_KEY_BYTES } from './public-key.js';
import { assertManifestHash, assertMountPath } from './records.js';
import { serversTopic, USERS_SHARDS, usersTopic, type ImageVersion } from './topics.js';

/**
 * The three DHT tables of 002_eb6434fc5d94cfdc.txt Section 3 on hyperdht: latest version of A,
 * servers of A@vN, users of A@vN. The caller owns the DHT node (and destroys it).
 */
export interface RegistryOptions {
  dht: HyperDHT;
  /** Wall clock in ms; entries carry absolute expiry times, so writers' and readers' clocks should agree to well under a TTL. */
  clock?: () => number;
  /** DHT queries kept in flight by one lookup (see map-limit.ts). */
  concurrency?: number;
}

export interface ServerEntry {
  publicKey: Buffer;
  mountPath?: string;
  /** The manifest hash the server says its copy has. */
  manifestHash?: string;
  expiresAt: number;
  live: boolean;
}

export interface UserCount {
  /** Distinct gateways whose entry has not expired: the reference count. */
  count: number;
  /** Their public keys. */
  gateways: Buffer[];
  /** Distinct keys announced on the users topics (live, expired and stopped). */
  announced: number;
  /** Latest `expiresAt` of any entry found (live or not), or null if none was found. */
  lastUsedAt: number | null;
  /** False if a lookup reply was truncated by hyperdht: the count may be low. */
  exact: boolean;
}

/** Default refresh TTLs: gateways refresh every 20 s, servers every 2 min. */
export const DEFAULT_USERS_TTL_MS = 60_000;
export const DEFAULT_SERVERS_TTL_MS = 360_000;

export class Registry {
  readonly dht: HyperDHT;
  readonly stats: LookupStats = { rejectedRecords: 0 };
  private readonly clock: () => number;
  private readonly concurrency: number;

  constructor(options: RegistryOptions) {
    this.dht = options.dht;
    this.clock = options.clock ?? Date.now;
    this.concurrency = options.concurrency ?? 4;
  }

  /** Moves A's latest pointer to `version`; refuses a version not above the current one. */
  publishLatest(keyPair: KeyPair, name: string, target: { version: number; manifestHash: string }): Promise<LatestRecord> {
    return putLatest(this.dht, keyPair, name, target, this.clock());
  }

  /** The latest version of A as signed by `publisherKey`, or null if A was never published. */
  resolveLatest(publisherKey: Buffer, name: string): Promise<LatestRecord | null> {
    return getLatest(this.dht, publisherKey, name);
  }

  /**
   * Reads A's latest record and stores it again on the nodes now closest to it. DHT nodes drop
   * mutable records after 48 h; anyone (an image server) can keep the publisher's signed record
   * alive this way without its key.
   */
  refreshLatest(publisherKey: Buffer, name: string): Promise<LatestRecord | null> {
    return getLatest(this.dht, publisherKey, name, true);
  }

  /** Announces that the server with `keyPair` holds `image`, exported at `mountPath`. */
  async announceServer(
    keyPair: KeyPair,
    image: ImageVersion,
    options: { mountPath: string; manifestHash?: string; ttlMs?: number; onError?: (error: Error) => void },
  ): Promise<PresenceHandle> {
    checkImage(image);
    assertMountPath(options.mountPath);
    if (options.manifestHash !== undefined) assertManifestHash(options.manifestHash);
    const announcement = new PresenceAnnouncement(this.dht, keyPair, image, {
      kind: 'server',
      ttlMs: options.ttlMs ?? DEFAULT_SERVERS_TTL_MS,
      mountPath: options.mountPath,
      ...(options.manifestHash === undefined ? {} : { manifestHash: options.manifestHash }),
      clock: this.clock,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    await announcement.start();
    return announcement;
  }

  /** Servers holding `image` whose entry is live (or all with a record, if `includeExpired`), live first. */
  async findServers(image: ImageVersion, options: { includeExpired?: boolean } = {}): Promise<ServerEntry[]> {
    checkImage(image);
    const { keys } = await lookupAnnounced(this.dht, [serversTopic(image)], this.concurrency);
    const now = this.clock();
    const entries = await mapLimit(keys, this.concurrency, (key) => fetchPresence(this.dht, key, 'server', image, this.stats));
    const servers: ServerEntry[] = [];
    for (const entry of entries) {
      if (entry === null) continue;
      const live = !entry.value.stopped && entry.value.expiresAt > now;
      if (!live && !options.includeExpired) continue;
      servers.push({
        publicKey: entry.publicKey,
        expiresAt: entry.value.expiresAt,
        live,
        ...(entry.value.mountPath === undefined ? {} : { mountPath: entry.value.mountPath }),
        ...(entry.value.manifestHash === undefined ? {} : { manifestHash: entry.value.manifestHash }),
      });
    }
    return servers.sort((a, b) => Number(b.live) - Number(a.live) || b.expiresAt - a.expiresAt);
  }

  /** Announces that the gateway with `keyPair` uses `image`, refreshed every ttlMs / 3 until stop(). */
  async announceUser(
    keyPair: KeyPair,
    image: ImageVersion,
    ttlMs: number = DEFAULT_USERS_TTL_MS,
    options: { onError?: (error: Error) => void } = {},
  ): Promise<PresenceHandle> {
    checkImage(image);
    const announcement = new PresenceAnnouncement(this.dht, keyPair, image, {
      kind: 'user',
      ttlMs,
      clock: this.clock,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    await announcement.start();
    return announcement;
  }

  /** How many distinct gateways currently use `image` (the paper's reference count). */
  async countUsers(image: ImageVersion): Promise<UserCount> {
    checkImage(image);
    const topics = Array.from({ length: USERS_SHARDS }, (_, shard) => usersTopic(image, shard));
    const announced = await lookupAnnounced(this.dht, topics, this.concurrency);
    const entries = await mapLimit(announced.keys, this.concurrency, (key) =>
      fetchPresence(this.dht, key, 'user', image, this.stats),
    );
    const now = this.clock();
    const gateways: Buffer[] = [];
    let lastUsedAt: number | null = null;
    for (const entry of entries) {
      if (entry === null) continue;
      lastUsedAt = Math.max(lastUsedAt ?? 0, entry.value.expiresAt);
      if (!entry.value.stopped && entry.value.expiresAt > now) gateways.push(entry.publicKey);
    }
    return { count: gateways.length, gateways, announced: announced.keys.length, lastUsedAt, exact: announced.exact };
  }
}

function checkImage(image: ImageVersion): void {
  if (image.publisherKey.length !== PUBLIC_KEY_BYTES) throw new PublicKeyFormatError(`publisher key must be ${PUBLIC_KEY_BYTES} bytes`);
  assertImageName(image.name);
  assertVersion(image.version);
}
