/** DHCP and BOOTP wire constants, named as in RFC 2131, RFC 2132, RFC 4578 and iPXE. */

/** RFC 2131 section 2, figure 1: `op`. */
export const BootpOp = { BOOTREQUEST: 1, BOOTREPLY: 2 } as const;
export type BootpOp = (typeof BootpOp)[keyof typeof BootpOp];

/** `htype` (RFC 1700 ARP hardware types); this server leases to Ethernet clients only. */
export const HardwareType = { ETHERNET: 1 } as const;
/** Ethernet `hlen`. */
export const ETHERNET_ADDRESS_LENGTH = 6;

/** RFC 2131 section 2, figure 2: the leftmost bit of `flags`. */
export const BootpFlags = { BROADCAST: 0x8000 } as const;

/** RFC 2131 section 4.1: servers listen on 67 (relay agents too), clients on 68. */
export const DhcpPort = { SERVER: 67, CLIENT: 68 } as const;

/** RFC 2131 section 3: the first four octets of `options` (99.130.83.99). */
export const DHCP_MAGIC_COOKIE = 0x63825363;

/** RFC 2132 section 9.6: option 53 values. */
export const DhcpMessageType = {
  DHCPDISCOVER: 1,
  DHCPOFFER: 2,
  DHCPREQUEST: 3,
  DHCPDECLINE: 4,
  DHCPACK: 5,
  DHCPNAK: 6,
  DHCPRELEASE: 7,
  DHCPINFORM: 8,
} as const;
export type DhcpMessageType = (typeof DhcpMessageType)[keyof typeof DhcpMessageType];

/** Option codes (RFC 2132 unless noted). */
export const DhcpOption = {
  PAD: 0,
  SUBNET_MASK: 1,
  ROUTER: 3,
  DOMAIN_NAME_SERVER: 6,
  HOST_NAME: 12,
  DOMAIN_NAME: 15,
  ROOT_PATH: 17,
  BROADCAST_ADDRESS: 28,
  VENDOR_SPECIFIC_INFORMATION: 43,
  REQUESTED_IP_ADDRESS: 50,
  IP_ADDRESS_LEASE_TIME: 51,
  OPTION_OVERLOAD: 52,
  DHCP_MESSAGE_TYPE: 53,
  SERVER_IDENTIFIER: 54,
  PARAMETER_REQUEST_LIST: 55,
  MESSAGE: 56,
  MAXIMUM_DHCP_MESSAGE_SIZE: 57,
  RENEWAL_TIME_VALUE: 58,
  REBINDING_TIME_VALUE: 59,
  VENDOR_CLASS_IDENTIFIER: 60,
  CLIENT_IDENTIFIER: 61,
  TFTP_SERVER_NAME: 66,
  BOOTFILE_NAME: 67,
  /** RFC 3004; iPXE sends the bare string "iPXE" rather than RFC 3004 instances. */
  USER_CLASS: 77,
  /** RFC 3046: echoed back to the relay agent. */
  RELAY_AGENT_INFORMATION: 82,
  /** RFC 4578 section 2.1. */
  CLIENT_SYSTEM_ARCHITECTURE: 93,
  /** RFC 4578 section 2.2 (UNDI version). */
  CLIENT_NETWORK_INTERFACE_IDENTIFIER: 94,
  /** RFC 4578 section 2.3 (SMBIOS UUID). */
  CLIENT_MACHINE_IDENTIFIER: 97,
  /** iPXE's encapsulated options ("Etherboot" space, DHCP_EB_ENCAP in iPXE's dhcp.h). */
  IPXE_ENCAPSULATED: 175,
  END: 255,
} as const;
export type DhcpOption = (typeof DhcpOption)[keyof typeof DhcpOption];

/** RFC 2132 section 9.3: which BOOTP fields hold more options. */
export const OptionOverload = { FILE: 1, SNAME: 2, BOTH: 3 } as const;

/**
 * Sub-options inside option 175 (iPXE include/ipxe/dhcp.h). NO_PXEDHCP = 1 makes iPXE skip
 * its ProxyDHCP wait; iPXE looks it up as DHCP_ENCAP_OPT(175, 0xb0), i.e. only inside 175.
 */
export const IpxeOption = { NO_PXEDHCP: 0xb0 } as const;

/** RFC 4578 section 2.1 / IANA "Processor Architecture Types" (option 93 values). */
export const ClientArch = {
  INTEL_X86PC: 0,
  NEC_PC98: 1,
  EFI_ITANIUM: 2,
  DEC_ALPHA: 3,
  ARC_X86: 4,
  INTEL_LEAN_CLIENT: 5,
  EFI_IA32: 6,
  /** "EFI BC": what x86-64 UEFI firmware sends in practice. */
  EFI_BC: 7,
  EFI_XSCALE: 8,
  EFI_X86_64: 9,
  EFI_ARM32: 10,
  EFI_ARM64: 11,
} as const;
export type ClientArch = (typeof ClientArch)[keyof typeof ClientArch];

/** RFC 2131 section 2: fixed BOOTP header layout. */
export const BootpLayout = {
  OP: 0,
  HTYPE: 1,
  HLEN: 2,
  HOPS: 3,
  XID: 4,
  SECS: 8,
  FLAGS: 10,
  CIADDR: 12,
  YIADDR: 16,
  SIADDR: 20,
  GIADDR: 24,
  CHADDR: 28,
  CHADDR_LENGTH: 16,
  SNAME: 44,
  SNAME_LENGTH: 64,
  FILE: 108,
  FILE_LENGTH: 128,
  MAGIC_COOKIE: 236,
  OPTIONS: 240,
} as const;

/**
 * RFC 2131 section 2: a client must accept DHCP messages of up to 576 octets of IP datagram;
 * RFC 1542 section 2.1: BOOTP messages are at least 300 octets (old PXE ROMs insist).
 */
export const DhcpSize = { MIN_IP_DATAGRAM: 576, IP_UDP_HEADERS: 28, MIN_BOOTP_MESSAGE: 300 } as const;
