/**
 * Which ROW session an NFS call belongs to: the client machine's MAC, found through the DHCP
 * lease of the call's source address, so a reboot (new lease, maybe a new address) or a
 * gateway restart (leases persist) finds the same modifications. Falls back to the address
 * for clients we never leased to (e.g. a static host on the link).
 */
import type { LeaseInfo } from '../boot/dhcp/index.js';
import type { RpcCallContext } from '../rpc/index.js';

export type LeaseLookup = (address: string) => LeaseInfo | undefined;

function plainIpv4(address: string): string {
  // A dual-stack socket reports IPv4 peers as IPv4-mapped IPv6 (RFC 4291 section 2.5.5.2).
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

export function macSessionKey(leaseByAddress: LeaseLookup): (call: RpcCallContext) => string {
  return (call) => {
    const address = plainIpv4(call.remoteAddress);
    return leaseByAddress(address)?.mac ?? address;
  };
}
