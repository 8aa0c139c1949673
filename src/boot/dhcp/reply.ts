/** Building OFFER, ACK and NAK messages (RFC 2131 section 4.3.1 table 3). */
import { IPV4_ANY, formatIpv4 } from './address.js';
import type { DhcpClient } from './client.js';
import type { ResolvedDhcpConfig } from './config.js';
import { BootpFlags, BootpLayout, BootpOp, DhcpMessageType, DhcpOption, IpxeOption } from './constants.js';
import type { DhcpMessage } from './message.js';
import { optionValue } from './option-values.js';
import type { DhcpOptions } from './options.js';

/** Fields every reply copies from its request. */
function replyBase(request: DhcpMessage, type: number): DhcpMessage {
  return {
    op: BootpOp.BOOTREPLY,
    htype: request.htype,
    hlen: request.hlen,
    hops: 0,
    xid: request.xid,
    secs: 0,
    flags: request.flags,
    ciaddr: IPV4_ANY,
    yiaddr: IPV4_ANY,
    siaddr: IPV4_ANY,
    giaddr: request.giaddr,
    chaddr: request.chaddr,
    sname: '',
    file: '',
    options: new Map([[DhcpOption.DHCP_MESSAGE_TYPE, optionValue.uint8(type)]]),
  };
}

/** RFC 6842: echo the client identifier; RFC 3046 section 2.2: echo relay agent information. */
function echoOptions(request: DhcpMessage, options: DhcpOptions): void {
  const clientId = request.options.get(DhcpOption.CLIENT_IDENTIFIER);
  if (clientId) options.set(DhcpOption.CLIENT_IDENTIFIER, clientId);
  const relayInfo = request.options.get(DhcpOption.RELAY_AGENT_INFORMATION);
  if (relayInfo && request.giaddr !== IPV4_ANY) options.set(DhcpOption.RELAY_AGENT_INFORMATION, relayInfo);
}

export interface ConfigReplyInput {
  request: DhcpMessage;
  type: typeof DhcpMessageType.DHCPOFFER | typeof DhcpMessageType.DHCPACK;
  client: DhcpClient;
  /** The address given to the client (yiaddr); undefined for an INFORM answer. */
  address: string | undefined;
  /** Host name of the client's static lease, sent as option 12. */
  hostName: string | undefined;
}

/** OFFER or ACK: the address, lease times, subnet, configured extras and boot information. */
export function buildConfigReply(config: ResolvedDhcpConfig, input: ConfigReplyInput): DhcpMessage {
  const { request, client } = input;
  const reply = replyBase(request, input.type);
  const options = reply.options;
  options.set(DhcpOption.SERVER_IDENTIFIER, optionValue.ipv4(formatIpv4(config.serverAddress)));
  if (input.address !== undefined) {
    reply.yiaddr = input.address;
    const lease = config.leaseTimeSeconds;
    options.set(DhcpOption.IP_ADDRESS_LEASE_TIME, optionValue.uint32(lease));
    // RFC 2131 section 4.4.5: T1 = 0.5 and T2 = 0.875 of the lease.
    options.set(DhcpOption.RENEWAL_TIME_VALUE, optionValue.uint32(Math.floor(lease / 2)));
    options.set(DhcpOption.REBINDING_TIME_VALUE, optionValue.uint32(Math.floor((lease * 7) / 8)));
  }
  // Table 3: ciaddr is the request's in an ACK (RENEWING, REBINDING, INFORM), 0 in an OFFER.
  if (input.type === DhcpMessageType.DHCPACK) reply.ciaddr = request.ciaddr;
  options.set(DhcpOption.SUBNET_MASK, optionValue.ipv4(formatIpv4(config.mask)));
  options.set(DhcpOption.BROADCAST_ADDRESS, optionValue.ipv4(formatIpv4((config.serverAddress | ~config.mask) >>> 0)));
  if (config.routers.length > 0) options.set(DhcpOption.ROUTER, optionValue.ipv4(...config.routers.map(formatIpv4)));
  if (config.dnsServers.length > 0) options.set(DhcpOption.DOMAIN_NAME_SERVER, optionValue.ipv4(...config.dnsServers.map(formatIpv4)));
  if (config.domainName !== undefined) options.set(DhcpOption.DOMAIN_NAME, optionValue.string(config.domainName));
  if (input.hostName !== undefined) options.set(DhcpOption.HOST_NAME, optionValue.string(input.hostName));

  const bootFile = config.bootFile?.(client);
  if (bootFile !== undefined && bootFile !== '') {
    reply.siaddr = formatIpv4(config.nextServer);
    // Old PXE ROMs read only the BOOTP field, iPXE prefers option 67: send both when it fits.
    if (Buffer.byteLength(bootFile, 'latin1') < BootpLayout.FILE_LENGTH) reply.file = bootFile;
    options.set(DhcpOption.TFTP_SERVER_NAME, optionValue.string(config.tftpServerName));
    options.set(DhcpOption.BOOTFILE_NAME, optionValue.string(bootFile));
  }
  if (client.isIpxe && config.ipxeNoProxyDhcp) {
    // af 04 b0 01 01 ff: iPXE stops waiting for ProxyDHCP offers (architecture.md).
    options.set(DhcpOption.IPXE_ENCAPSULATED, optionValue.encapsulated([[IpxeOption.NO_PXEDHCP, optionValue.uint8(1)]]));
  }
  const extra = config.clientOptions?.(client, input.address ?? request.ciaddr);
  for (const [code, value] of extra ?? []) options.set(code, value);
  echoOptions(request, options);
  return reply;
}

/** NAK (table 3): no addresses, server id, an explanation; broadcast bit set when relayed (section 4.1). */
export function buildNak(config: ResolvedDhcpConfig, request: DhcpMessage, reason: string): DhcpMessage {
  const reply = replyBase(request, DhcpMessageType.DHCPNAK);
  reply.options.set(DhcpOption.SERVER_IDENTIFIER, optionValue.ipv4(formatIpv4(config.serverAddress)));
  reply.options.set(DhcpOption.MESSAGE, optionValue.string(reason));
  echoOptions(request, reply.options);
  if (request.giaddr !== IPV4_ANY) reply.flags |= BootpFlags.BROADCAST;
  return reply;
}
