/**
 * The lease table: who holds which address, address choice for DISCOVER (RFC 2131 section
 * 4.3.1), the availability check behind ACK/NAK, declined addresses, and persistence.
 */
import { formatIpv4, normalizeMac, parseIpv4 } from './address.js';
import type { ResolvedDhcpConfig } from './config.js';
import type { LeaseInfo } from './lease.js';
import type { PersistedLeases } from './lease-file.js';
import { LEASE_FILE_VERSION, readLeaseFile, writeLeaseFile } from './lease-file.js';

/** Who a client is: RFC 2131 section 4.2 keys leases by client identifier, else by chaddr. */
export interface ClientIdentity {
  key: string;
  mac: string;
  clientId: string | undefined;
}

interface LeaseRecord {
  key: string;
  mac: string;
  clientId: string | undefined;
  address: number;
  hostName: string | undefined;
  boundUntil: number;
  offeredUntil: number;
  lastSeen: number;
}

/** The lease key: a client id equal to `htype + chaddr` (what iPXE and udhcpc send) is the MAC. */
export function clientIdentity(mac: string, htype: number, clientId: Buffer | undefined): ClientIdentity {
  const macHex = mac.replace(/:/g, '');
  const idHex = clientId?.toString('hex');
  if (idHex === undefined || idHex === '' || idHex === htype.toString(16).padStart(2, '0') + macHex) {
    return { key: `mac:${mac}`, mac, clientId: undefined };
  }
  return { key: `id:${idHex}`, mac, clientId: idHex };
}

export class LeaseStore {
  private readonly byKey = new Map<string, LeaseRecord>();
  private readonly byAddress = new Map<number, LeaseRecord>();
  private readonly declined = new Map<number, number>();

  constructor(private readonly config: ResolvedDhcpConfig) {}

  /** Loads the lease file, if configured. Throws LeaseFileError. */
  load(): void {
    if (this.config.leaseFile === undefined) return;
    const data = readLeaseFile(this.config.leaseFile);
    for (const lease of data.leases) {
      let address: number;
      let mac: string;
      try {
        address = parseIpv4(lease.address);
        mac = normalizeMac(lease.mac);
      } catch (error) {
        this.config.logger.warn('lease file entry skipped', { lease, error: String(error) });
        continue;
      }
      const identity: ClientIdentity =
        lease.clientId === null ? { key: `mac:${mac}`, mac, clientId: undefined } : { key: `id:${lease.clientId}`, mac, clientId: lease.clientId };
      const record = this.assign(identity, address);
      record.boundUntil = lease.boundUntil;
      record.hostName = lease.hostName ?? undefined;
      record.lastSeen = lease.lastSeen;
    }
    for (const entry of data.declined) {
      try {
        this.declined.set(parseIpv4(entry.address), entry.until);
      } catch {
        // Skip a malformed entry; nothing depends on it.
      }
    }
  }

  find(key: string): LeaseRecord | undefined {
    return this.byKey.get(key);
  }

  /**
   * May `identity` use `address`? A static lease pins its MAC to one address and keeps that
   * address from everyone else; dynamic addresses come from the range, minus the server's
   * address, declined addresses and addresses another client holds (bound or offered).
   */
  isAvailable(identity: ClientIdentity, address: number, now: number): boolean {
    if ((this.declined.get(address) ?? 0) > now) return false;
    const pinned = this.config.staticByMac.get(identity.mac);
    if (pinned) return address === pinned.address;
    if (address < this.config.rangeFrom || address > this.config.rangeTo) return false;
    if (address === this.config.serverAddress || address === this.config.nextServer) return false;
    if (this.config.staticAddresses.has(address)) return false;
    const holder = this.byAddress.get(address);
    return !holder || holder.key === identity.key || !this.isActive(holder, now);
  }

  /** RFC 2131 section 4.3.1: static, then the client's current or previous address, then the requested one, then a free one. */
  choose(identity: ClientIdentity, requested: number | undefined, now: number): number | undefined {
    const pinned = this.config.staticByMac.get(identity.mac);
    if (pinned) return this.isAvailable(identity, pinned.address, now) ? pinned.address : undefined;
    const own = this.byKey.get(identity.key);
    if (own && this.isAvailable(identity, own.address, now)) return own.address;
    if (requested !== undefined && this.isAvailable(identity, requested, now)) return requested;
    // Never-used addresses first, so that every client keeps its previous address as long as possible.
    let reusable: LeaseRecord | undefined;
    for (let address = this.config.rangeFrom; address <= this.config.rangeTo; address++) {
      if (!this.isAvailable(identity, address, now)) continue;
      const holder = this.byAddress.get(address);
      if (!holder) return address;
      if (!reusable || holder.lastSeen < reusable.lastSeen) reusable = holder;
    }
    return reusable?.address;
  }

  offer(identity: ClientIdentity, address: number, now: number): void {
    const record = this.assign(identity, address);
    record.offeredUntil = now + this.config.offerHoldMs;
    record.lastSeen = now;
  }

  /** Forgets an outstanding OFFER (the client chose another server). */
  withdrawOffer(key: string): void {
    const record = this.byKey.get(key);
    if (record) record.offeredUntil = 0;
  }

  /** Binds and persists; on a persistence failure the table is left as it was and the error thrown. */
  bind(identity: ClientIdentity, address: number, hostName: string | undefined, now: number): LeaseInfo {
    return this.transaction(() => {
      const record = this.assign(identity, address);
      record.boundUntil = now + this.config.leaseTimeSeconds * 1000;
      record.offeredUntil = 0;
      record.lastSeen = now;
      record.hostName = hostName ?? record.hostName;
      return this.info(record, now);
    });
  }

  /** RELEASE: the binding ends; the address stays the client's first choice. */
  release(key: string, address: number, now: number): LeaseInfo | undefined {
    const record = this.byKey.get(key);
    if (!record || record.address !== address) return undefined;
    return this.transaction(() => {
      record.boundUntil = 0;
      record.offeredUntil = 0;
      record.lastSeen = now;
      return this.info(record, now);
    });
  }

  /** DECLINE: the address is in use by someone unknown; keep it out of the pool for a while. */
  decline(key: string, address: number, now: number): LeaseInfo | undefined {
    return this.transaction(() => {
      this.declined.set(address, now + this.config.declineHoldMs);
      const record = this.byKey.get(key);
      if (!record || record.address !== address) return undefined;
      const info = this.info(record, now);
      this.byKey.delete(key);
      this.byAddress.delete(address);
      return { ...info, state: 'free', boundUntil: 0 };
    });
  }

  /** Every known lease, bound ones first. */
  list(now: number): LeaseInfo[] {
    const order = { bound: 0, offered: 1, free: 2 } as const;
    return [...this.byKey.values()].map((record) => this.info(record, now)).sort((a, b) => order[a.state] - order[b.state] || a.address.localeCompare(b.address));
  }

  /** Who has (or last had) this address. */
  byAddressInfo(address: number, now: number): LeaseInfo | undefined {
    const record = this.byAddress.get(address);
    return record ? this.info(record, now) : undefined;
  }

  private isActive(record: LeaseRecord, now: number): boolean {
    return record.boundUntil > now || record.offeredUntil > now;
  }

  /** Gives `address` to `identity`, taking it from a previous (inactive) holder. */
  private assign(identity: ClientIdentity, address: number): LeaseRecord {
    const previousHolder = this.byAddress.get(address);
    if (previousHolder && previousHolder.key !== identity.key) this.byKey.delete(previousHolder.key);
    let record = this.byKey.get(identity.key);
    if (record) {
      if (record.address !== address) this.byAddress.delete(record.address);
      record.address = address;
      record.mac = identity.mac;
    } else {
      record = { ...identity, address, hostName: undefined, boundUntil: 0, offeredUntil: 0, lastSeen: 0 };
      this.byKey.set(identity.key, record);
    }
    this.byAddress.set(address, record);
    return record;
  }

  private info(record: LeaseRecord, now: number): LeaseInfo {
    const state = record.boundUntil > now ? 'bound' : record.offeredUntil > now ? 'offered' : 'free';
    return {
      mac: record.mac,
      clientId: record.clientId,
      address: formatIpv4(record.address),
      hostName: record.hostName,
      state,
      boundUntil: record.boundUntil,
    };
  }

  /** Runs a change and persists it; restores the previous table if the write fails. */
  private transaction<T>(change: () => T): T {
    const saved = this.snapshot();
    const result = change();
    if (this.config.leaseFile !== undefined) {
      try {
        writeLeaseFile(this.config.leaseFile, this.persisted());
      } catch (error) {
        this.restore(saved);
        throw error;
      }
    }
    return result;
  }

  private snapshot(): { records: LeaseRecord[]; declined: [number, number][] } {
    return { records: [...this.byKey.values()].map((record) => ({ ...record })), declined: [...this.declined] };
  }

  private restore(saved: { records: LeaseRecord[]; declined: [number, number][] }): void {
    this.byKey.clear();
    this.byAddress.clear();
    for (const record of saved.records) {
      this.byKey.set(record.key, record);
      this.byAddress.set(record.address, record);
    }
    this.declined.clear();
    for (const [address, until] of saved.declined) this.declined.set(address, until);
  }

  private persisted(): PersistedLeases {
    return {
      version: LEASE_FILE_VERSION,
      leases: [...this.byKey.values()].map((record) => ({
        mac: record.mac,
        clientId: record.clientId ?? null,
        address: formatIpv4(record.address),
        hostName: record.hostName ?? null,
        boundUntil: record.boundUntil,
        lastSeen: record.lastSeen,
      })),
      declined: [...this.declined].map(([address, until]) => ({ address: formatIpv4(address), until })),
    };
  }
}
