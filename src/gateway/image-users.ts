/**
 * The gateway's entry in "users of A@vN" (002 Section 3, the third table): announced while at
 * least one client session is live, refreshed every users-ttl/3 (Registry.announceUser), and
 * withdrawn when none is, so `row refs` counts this gateway exactly while it serves the image
 * and `row gc` never deletes a version a client is running from.
 *
 * A client session is live while the proxy has served a call (NFS or MOUNT) from that client
 * within the last users-ttl: the proxy asks for every call's session key, and that is where
 * clients are noted. (Not the DHCP lease: leases outlive powered-off VMs by their lease time,
 * and `row proxy --image` has no DHCP.) A diskless client touches its root file system far more
 * often than once a minute while it runs.
 */
import { formatImageRef, type ImageVersion, type KeyPair, type PresenceHandle, type Registry } from '../registry/index.js';
import type { GatewayLogger } from './logger.js';

/** After a failed first announcement, the next client call tries again no sooner than this. */
const RETRY_AFTER_MS = 5000;
/** A clean stop waits this long for the withdrawal to reach the DHT. */
const WITHDRAW_TIMEOUT_MS = 5000;

export interface ImageUsersOptions {
  registry: Registry;
  keyPair: KeyPair;
  image: ImageVersion;
  ttlMs: number;
  logger: GatewayLogger;
  /** Milliseconds, monotonic enough for ages of a few minutes. */
  clock?: () => number;
}

export interface ImageUsersStatus {
  announcing: boolean;
  liveClients: number;
  /** Announcements started (one per stretch of client activity). */
  announcements: number;
  failedRefreshes: number;
}

export class ImageUsers {
  private readonly lastSeen = new Map<string, number>();
  private readonly clock: () => number;
  private readonly timer: NodeJS.Timeout;
  private presence: PresenceHandle | undefined;
  private transition: Promise<void> | undefined;
  private retryAt = 0;
  private announcements = 0;
  private failedRefreshes = 0;
  private closed = false;

  constructor(private readonly options: ImageUsersOptions) {
    this.clock = options.clock ?? Date.now;
    // Checked a few times per TTL: the entry is withdrawn at most ttl/3 after the last session ended.
    this.timer = setInterval(() => this.check(), Math.max(100, Math.floor(options.ttlMs / 3)));
    this.timer.unref();
  }

  /** Called for every client call: `client` is its session key. Cheap: one Map write. */
  noteClient(client: string): void {
    const now = this.clock();
    this.lastSeen.set(client, now);
    if (this.presence === undefined && this.transition === undefined && !this.closed && now >= this.retryAt) this.check();
  }

  status(): ImageUsersStatus {
    return { announcing: this.presence !== undefined, liveClients: this.liveClients(), announcements: this.announcements, failedRefreshes: this.failedRefreshes + (this.presence?.failedRefreshes ?? 0) };
  }

  /** Withdraws the entry (a clean stop: `row refs` drops this gateway at once). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.transition?.catch(() => undefined);
    await this.stop();
  }

  private liveClients(): number {
    const horizon = this.clock() - this.options.ttlMs;
    let live = 0;
    for (const [client, seen] of this.lastSeen) {
      if (seen > horizon) live++;
      else this.lastSeen.delete(client);
    }
    return live;
  }

  private check(): void {
    if (this.transition !== undefined || this.closed) return;
    const live = this.liveClients();
    if (live > 0 && this.presence === undefined && this.clock() >= this.retryAt) this.transition = this.start(live);
    else if (live === 0 && this.presence !== undefined) this.transition = this.stop();
    void this.transition?.finally(() => {
      this.transition = undefined;
    });
  }

  private async start(live: number): Promise<void> {
    const { registry, keyPair, image, ttlMs, logger } = this.options;
    try {
      this.presence = await registry.announceUser(keyPair, image, ttlMs, { onError: (error) => logger.warn(`refreshing "uses ${formatImageRef(image)}" failed: ${error.message}`) });
      this.announcements++;
      logger.info(`announcing "uses ${formatImageRef(image)}" (${live} live client${live === 1 ? '' : 's'}; refreshed every ${Math.round(ttlMs / 3000)} s)`);
      if (this.closed) await this.stop();
    } catch (error) {
      this.retryAt = this.clock() + RETRY_AFTER_MS;
      logger.warn(`cannot announce "uses ${formatImageRef(image)}": ${(error as Error).message}`);
    }
  }

  private async stop(): Promise<void> {
    const presence = this.presence;
    if (presence === undefined) return;
    this.presence = undefined;
    this.failedRefreshes += presence.failedRefreshes;
    const { image, logger, ttlMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    try {
      // Without reachable DHT nodes the final write retries for tens of seconds; the entry expires by itself anyway.
      await Promise.race([
        presence.stop(),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no DHT answer within ${WITHDRAW_TIMEOUT_MS / 1000} s`)), WITHDRAW_TIMEOUT_MS);
        }),
      ]);
      logger.info(`withdrew "uses ${formatImageRef(image)}"${this.closed ? '' : ` (no client call for ${Math.round(ttlMs / 1000)} s)`}`);
    } catch (error) {
      logger.warn(`withdrawing "uses ${formatImageRef(image)}" failed (it expires within ${Math.round(ttlMs / 1000)} s): ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
