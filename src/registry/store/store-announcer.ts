import type { KeyPair } from '../key-file.js';
import type { PresenceHandle } from '../presence-announcement.js';
import type { Registry } from '../registry.js';
import type { ImageStore, StoredVersion } from './image-store.js';

/**
 * Keeps the "servers of A@vN" table in step with a store (issue 5, `row serve`): every version
 * in the store is announced (and refreshed every ttl/3 by its PresenceHandle), a version that
 * leaves the store is withdrawn. `sync()` runs on a timer and right after each upload, so a
 * local `row publish --store` is picked up within one rescan period.
 */
export interface StoreAnnouncerOptions {
  store: ImageStore;
  registry: Registry;
  keyPair: KeyPair;
  ttlMs: number;
  mountPathOf(stored: StoredVersion): string;
  log(line: string): void;
}

interface Announced {
  handle: PresenceHandle;
  manifestHash: string;
}

function keyOf(stored: { name: string; version: number; publisher: string }): string {
  return `${stored.publisher}/${stored.name}@v${stored.version}`;
}

export class StoreAnnouncer {
  private readonly announced = new Map<string, Announced>();
  /** Withdrawn on purpose (being deleted): not announced again while still on disk. */
  private readonly withdrawn = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: StoreAnnouncerOptions) {}

  /** Versions announced now, as `A@vN`. */
  list(): string[] {
    return [...this.announced.keys()].map((key) => key.slice(key.indexOf('/') + 1)).sort();
  }

  /** Announces what is new in the store and withdraws what left it; one sync at a time. */
  sync(): Promise<void> {
    this.running = this.running.then(() => this.syncOnce());
    return this.running;
  }

  /** Stops announcing one version (before it is deleted). */
  withdraw(stored: StoredVersion): Promise<void> {
    const key = keyOf(stored);
    this.withdrawn.add(key);
    this.running = this.running.then(() => this.stopOne(key));
    return this.running;
  }

  /** Withdraws every entry (a clean shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await Promise.all([...this.announced.keys()].map((key) => this.stopOne(key)));
  }

  private async syncOnce(): Promise<void> {
    if (this.stopped) return;
    let versions: StoredVersion[];
    try {
      versions = await this.options.store.list();
    } catch (error) {
      this.options.log(`announce: cannot list the store: ${(error as Error).message}`);
      return;
    }
    const present = new Set(versions.map(keyOf));
    for (const key of this.announced.keys()) {
      if (!present.has(key)) await this.stopOne(key);
    }
    for (const key of this.withdrawn) {
      if (!present.has(key)) this.withdrawn.delete(key);
    }
    for (const stored of versions) {
      if (this.withdrawn.has(keyOf(stored))) continue;
      const current = this.announced.get(keyOf(stored));
      if (current?.manifestHash === stored.manifestHash) continue;
      if (current) await this.stopOne(keyOf(stored));
      await this.announce(stored);
    }
  }

  private async announce(stored: StoredVersion): Promise<void> {
    const image = { publisherKey: Buffer.from(stored.publisher, 'hex'), name: stored.name, version: stored.version };
    const mountPath = this.options.mountPathOf(stored);
    try {
      const handle = await this.options.registry.announceServer(this.options.keyPair, image, {
        mountPath,
        manifestHash: stored.manifestHash,
        ttlMs: this.options.ttlMs,
        onError: (error) => this.options.log(`announce: refresh of ${stored.name}@v${stored.version} failed: ${error.message}`),
      });
      this.announced.set(keyOf(stored), { handle, manifestHash: stored.manifestHash });
      this.options.log(`announced ${stored.name}@v${stored.version} at ${mountPath}`);
    } catch (error) {
      // Retried on the next sync.
      this.options.log(`announce: ${stored.name}@v${stored.version} failed: ${(error as Error).message}`);
    }
  }

  private async stopOne(key: string): Promise<void> {
    const entry = this.announced.get(key);
    if (!entry) return;
    this.announced.delete(key);
    await entry.handle.stop().catch((error: Error) => this.options.log(`announce: withdrawing ${key} was not clean: ${error.message}`));
    this.options.log(`withdrew ${key.slice(key.indexOf('/') + 1)}`);
  }
}
