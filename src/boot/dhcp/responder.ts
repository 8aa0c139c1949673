/**
 * The DHCP server's protocol logic without sockets: one decoded request in, at most one reply
 * out (RFC 2131 section 4.3). The socket layer (server.ts) and the unit tests drive it.
 */
import { IPV4_ANY, formatIpv4, parseIpv4, sameSubnet } from './address.js';
import type { DhcpClient } from './client.js';
import { describeClient } from './client.js';
import { decodeDhcpMessage, encodeDhcpMessage } from './codec.js';
import type { DhcpResponderOptions, ResolvedDhcpConfig } from './config.js';
import { resolveDhcpConfig } from './config.js';
import { BootpOp, DhcpMessageType, DhcpOption, DhcpSize, ETHERNET_ADDRESS_LENGTH, HardwareType } from './constants.js';
import type { ReplyDestination } from './destination.js';
import { replyDestination } from './destination.js';
import { DhcpDecodeError } from './errors.js';
import type { LeaseEvent, LeaseInfo } from './lease.js';
import type { ClientIdentity } from './lease-store.js';
import { LeaseStore, clientIdentity } from './lease-store.js';
import type { DhcpMessage } from './message.js';
import { ipv4Option, messageTypeOf, uint16Option } from './option-values.js';
import { buildConfigReply, buildNak } from './reply.js';
import type { DhcpStats } from './stats.js';
import { emptyDhcpStats } from './stats.js';

export interface DhcpReply extends ReplyDestination {
  message: DhcpMessage;
  packet: Buffer;
}

/** Where a datagram came from (for logs only: the protocol decides by giaddr/ciaddr). */
export interface PacketSource {
  address: string;
  port: number;
}

interface Request {
  message: DhcpMessage;
  client: DhcpClient;
  identity: ClientIdentity;
  now: number;
}

export class DhcpResponder {
  readonly config: ResolvedDhcpConfig;
  private readonly store: LeaseStore;
  private readonly counters: DhcpStats = emptyDhcpStats();

  /** Throws DhcpConfigError for bad options and LeaseFileError for an unreadable lease file. */
  constructor(options: DhcpResponderOptions) {
    this.config = resolveDhcpConfig(options);
    this.store = new LeaseStore(this.config);
    this.store.load();
  }

  get stats(): DhcpStats {
    return { ...this.counters };
  }

  leases(): LeaseInfo[] {
    return this.store.list(this.config.now());
  }

  /** The client that holds (or last held) `address`: how the gateway maps an NFS client to its MAC. */
  leaseByAddress(address: string): LeaseInfo | undefined {
    return this.store.byAddressInfo(parseIpv4(address), this.config.now());
  }

  /** Decodes and answers one datagram. Never throws for anything a peer can send. */
  handlePacket(packet: Buffer, from: PacketSource): DhcpReply | undefined {
    this.counters.received++;
    let message: DhcpMessage;
    try {
      message = decodeDhcpMessage(packet);
    } catch (error) {
      if (!(error instanceof DhcpDecodeError)) throw error;
      this.counters.garbage++;
      this.config.logger.debug('garbage packet dropped', { from, bytes: packet.length, reason: error.message });
      return undefined;
    }
    return this.handleMessage(message, from);
  }

  handleMessage(message: DhcpMessage, from: PacketSource): DhcpReply | undefined {
    if (message.op !== BootpOp.BOOTREQUEST) return this.ignore('not a BOOTREQUEST', message, from);
    if (message.htype !== HardwareType.ETHERNET || message.hlen !== ETHERNET_ADDRESS_LENGTH) {
      return this.ignore('not an Ethernet client', message, from);
    }
    if (message.giaddr !== IPV4_ANY && !sameSubnet(parseIpv4(message.giaddr), this.config.serverAddress, this.config.mask)) {
      return this.ignore('relayed from a subnet we have no pool for', message, from);
    }
    const client = describeClient(message);
    const request: Request = {
      message,
      client,
      identity: clientIdentity(client.mac, message.htype, message.options.get(DhcpOption.CLIENT_IDENTIFIER)),
      now: this.config.now(),
    };
    switch (messageTypeOf(message.options)) {
      case DhcpMessageType.DHCPDISCOVER:
        this.counters.discovers++;
        return this.discover(request);
      case DhcpMessageType.DHCPREQUEST:
        this.counters.requests++;
        return this.request(request);
      case DhcpMessageType.DHCPDECLINE:
        this.counters.declines++;
        this.decline(request);
        return undefined;
      case DhcpMessageType.DHCPRELEASE:
        this.counters.releases++;
        this.release(request);
        return undefined;
      case DhcpMessageType.DHCPINFORM:
        this.counters.informs++;
        return this.inform(request);
      default:
        return this.ignore('no or unknown DHCP message type', message, from);
    }
  }

  /** Section 4.3.1: answer at once (no ping: iPXE boots 3 s sooner without it). */
  private discover(request: Request): DhcpReply | undefined {
    const requested = this.requestedAddress(request.message);
    const address = this.store.choose(request.identity, requested, request.now);
    if (address === undefined) {
      this.counters.poolExhausted++;
      this.config.logger.warn('no free address for a DISCOVER', { mac: request.client.mac });
      return undefined;
    }
    this.store.offer(request.identity, address, request.now);
    return this.configReply(request, DhcpMessageType.DHCPOFFER, formatIpv4(address));
  }

  /** Section 4.3.2: SELECTING (server id), INIT-REBOOT (requested address), RENEWING/REBINDING (ciaddr). */
  private request(request: Request): DhcpReply | undefined {
    const { message, identity, now } = request;
    const serverId = ipv4Option(message.options, DhcpOption.SERVER_IDENTIFIER);
    const requested = this.requestedAddress(message);
    let address: number | undefined;
    if (serverId !== undefined) {
      if (parseIpv4(serverId) !== this.config.serverAddress) {
        // The client took another server's offer: ours is free again, and we stay silent.
        this.store.withdrawOffer(identity.key);
        return this.ignore('REQUEST for another server', message, undefined);
      }
      address = requested ?? this.nonZero(message.ciaddr);
    } else {
      address = requested ?? this.nonZero(message.ciaddr);
      if (address !== undefined && !sameSubnet(address, this.config.serverAddress, this.config.mask)) {
        return this.nak(request, 'address is not on this network');
      }
      const known = this.store.find(identity.key) !== undefined || this.config.staticByMac.has(identity.mac);
      if (!known && !this.config.authoritative) return this.ignore('REQUEST from a client we have no record of', message, undefined);
    }
    if (address === undefined) return this.ignore('REQUEST without requested address or ciaddr', message, undefined);
    if (!this.store.isAvailable(identity, address, now)) return this.nak(request, 'requested address is not available');
    let lease: LeaseInfo;
    try {
      lease = this.store.bind(identity, address, this.hostNameFor(request), now);
    } catch (error) {
      this.counters.replyErrors++;
      this.config.logger.error('cannot persist a lease; not acknowledging', { mac: identity.mac, error: String(error) });
      return undefined;
    }
    this.notify({ type: 'bound', lease });
    return this.configReply(request, DhcpMessageType.DHCPACK, formatIpv4(address));
  }

  /** Section 4.3.3: the client found the address in use; keep it out of the pool for a while. */
  private decline(request: Request): void {
    const { message, identity, now } = request;
    if (!this.forUs(message)) return void this.ignore('DECLINE for another server', message, undefined);
    const address = this.requestedAddress(message);
    if (address === undefined) return void this.ignore('DECLINE without requested address', message, undefined);
    try {
      const lease = this.store.decline(identity.key, address, now);
      this.config.logger.warn('address declined by a client: something else uses it', { address: formatIpv4(address), mac: identity.mac });
      if (lease) this.notify({ type: 'declined', lease });
    } catch (error) {
      this.counters.replyErrors++;
      this.config.logger.error('cannot persist a DECLINE', { error: String(error) });
    }
  }

  /** Section 4.3.4. */
  private release(request: Request): void {
    const { message, identity, now } = request;
    if (!this.forUs(message)) return void this.ignore('RELEASE for another server', message, undefined);
    const address = this.nonZero(message.ciaddr);
    if (address === undefined) return void this.ignore('RELEASE without ciaddr', message, undefined);
    try {
      const lease = this.store.release(identity.key, address, now);
      if (lease) this.notify({ type: 'released', lease });
    } catch (error) {
      this.counters.replyErrors++;
      this.config.logger.error('cannot persist a RELEASE', { error: String(error) });
    }
  }

  /** Section 4.3.5: configuration only; no lease time, yiaddr 0, sent to ciaddr. */
  private inform(request: Request): DhcpReply | undefined {
    return this.configReply(request, DhcpMessageType.DHCPACK, undefined);
  }

  private configReply(
    request: Request,
    type: typeof DhcpMessageType.DHCPOFFER | typeof DhcpMessageType.DHCPACK,
    address: string | undefined,
  ): DhcpReply | undefined {
    const reply = buildConfigReply(this.config, {
      request: request.message,
      type,
      client: request.client,
      address,
      hostName: this.config.staticByMac.get(request.identity.mac)?.hostName,
    });
    const sent = this.encode(request.message, reply, type);
    if (sent) {
      if (type === DhcpMessageType.DHCPOFFER) this.counters.offers++;
      else this.counters.acks++;
      this.config.logger.debug(type === DhcpMessageType.DHCPOFFER ? 'OFFER' : 'ACK', {
        mac: request.client.mac,
        address,
        to: sent.address,
        bootFile: reply.file || undefined,
      });
    }
    return sent;
  }

  private nak(request: Request, reason: string): DhcpReply | undefined {
    const sent = this.encode(request.message, buildNak(this.config, request.message, reason), DhcpMessageType.DHCPNAK);
    if (sent) this.counters.naks++;
    this.config.logger.info('NAK', { mac: request.client.mac, reason });
    return sent;
  }

  private encode(request: DhcpMessage, reply: DhcpMessage, type: number): DhcpReply | undefined {
    // RFC 2132 section 9.10: option 57 counts the whole DHCP message; stay 28 octets below it
    // in case a client counts the IP and UDP headers too.
    const announced = uint16Option(request.options, DhcpOption.MAXIMUM_DHCP_MESSAGE_SIZE) ?? 0;
    const maxSize = Math.max(DhcpSize.MIN_IP_DATAGRAM, announced) - DhcpSize.IP_UDP_HEADERS;
    try {
      return { message: reply, packet: encodeDhcpMessage(reply, { maxSize }), ...replyDestination(this.config, request, type) };
    } catch (error) {
      this.counters.replyErrors++;
      this.config.logger.error('cannot encode a reply', { error: String(error) });
      return undefined;
    }
  }

  private requestedAddress(message: DhcpMessage): number | undefined {
    const text = ipv4Option(message.options, DhcpOption.REQUESTED_IP_ADDRESS);
    return text === undefined ? undefined : this.nonZero(text);
  }

  private nonZero(text: string): number | undefined {
    const value = parseIpv4(text);
    return value === 0 ? undefined : value;
  }

  /** DECLINE and RELEASE carry our server id (RFC 2131 table 5); tolerate its absence. */
  private forUs(message: DhcpMessage): boolean {
    const serverId = ipv4Option(message.options, DhcpOption.SERVER_IDENTIFIER);
    return serverId === undefined || parseIpv4(serverId) === this.config.serverAddress;
  }

  private hostNameFor(request: Request): string | undefined {
    return this.config.staticByMac.get(request.identity.mac)?.hostName ?? request.client.hostName;
  }

  private notify(event: LeaseEvent): void {
    try {
      this.config.onLeaseChange?.(event);
    } catch (error) {
      this.config.logger.error('onLeaseChange threw', { error: String(error) });
    }
  }

  private ignore(reason: string, message: DhcpMessage, from: PacketSource | undefined): undefined {
    this.counters.ignored++;
    this.config.logger.debug('request ignored', { reason, xid: message.xid, from });
    return undefined;
  }
}
