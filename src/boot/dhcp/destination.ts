import { IPV4_ANY, IPV4_BROADCAST } from './address.js';
import type { ResolvedDhcpConfig } from './config.js';
import { DhcpMessageType } from './constants.js';
import type { DhcpMessage } from './message.js';

export interface ReplyDestination {
  address: string;
  port: number;
  broadcast: boolean;
}

/**
 * RFC 2131 section 4.1: to the relay agent (giaddr) on the server port; a NAK otherwise always
 * broadcast; to ciaddr when the client has an address; else broadcast. The RFC's remaining
 * case (no broadcast bit: unicast to chaddr + yiaddr) needs an ARP entry a user-space socket
 * cannot add, so that case is broadcast too, which every client accepts.
 */
export function replyDestination(config: ResolvedDhcpConfig, request: DhcpMessage, replyType: number): ReplyDestination {
  if (request.giaddr !== IPV4_ANY) return { address: request.giaddr, port: config.relayPort, broadcast: false };
  if (replyType !== DhcpMessageType.DHCPNAK && request.ciaddr !== IPV4_ANY) {
    return { address: request.ciaddr, port: config.clientPort, broadcast: false };
  }
  return { address: IPV4_BROADCAST, port: config.clientPort, broadcast: true };
}
