/**
 * A PXE DHCP server (RFC 2131/2132, PXE options per RFC 4578, iPXE's option 175) for one
 * host-only link, its nftables guard against answering on the uplink, and an IPv6 router
 * advertiser (radvd) that ends iPXE's IPv6 wait. Knows nothing of the gateway.
 */
export {
  BootpFlags,
  BootpLayout,
  BootpOp,
  ClientArch,
  DHCP_MAGIC_COOKIE,
  DhcpMessageType,
  DhcpOption,
  DhcpPort,
  HardwareType,
  IpxeOption,
  OptionOverload,
} from './constants.js';
export type { DhcpMessage } from './message.js';
export type { DhcpOptions } from './options.js';
export { decodeDhcpMessage, encodeDhcpMessage, type EncodeOptions } from './codec.js';
export {
  clientArchitectures,
  clientMachineId,
  clientNetworkInterface,
  ipv4ListOption,
  ipv4Option,
  messageTypeOf,
  optionValue,
  parameterRequestList,
  stringOption,
  uint16Option,
  uint32Option,
  uint8Option,
  userClasses,
  type ClientNetworkInterface,
} from './option-values.js';
export { describeClient, type DhcpClient } from './client.js';
export { bootFileChooser, defaultBootFile, defaultBootFiles, type BootFileChooser, type BootFileTable } from './boot-file.js';
export type { ClientOptionsHook, DhcpResponderOptions, StaticLease } from './config.js';
export type { LeaseEvent, LeaseInfo } from './lease.js';
export { DhcpResponder, type DhcpReply, type PacketSource } from './responder.js';
export { DhcpServer, startDhcpServer, type DhcpServerOptions } from './server.js';
export type { DhcpStats } from './stats.js';
export { consoleDhcpLogger, silentDhcpLogger, type DhcpLogger } from './logger.js';
export { dhcpGuardRuleset, installDhcpGuard, type DhcpGuard, type DhcpGuardOptions } from './guard.js';
export { radvdConfig } from './radvd-config.js';
export { startRouterAdvertiser, type RouterAdvertiser, type RouterAdvertiserOptions } from './router-advertiser.js';
export { formatMac, normalizeMac, AddressFormatError } from './address.js';
export {
  DhcpConfigError,
  DhcpDecodeError,
  DhcpEncodeError,
  DhcpError,
  DhcpGuardError,
  DhcpSocketError,
  LeaseFileError,
  RouterAdvertiserError,
} from './errors.js';
