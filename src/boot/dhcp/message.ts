import type { DhcpOptions } from './options.js';

/** A decoded BOOTP/DHCP message (RFC 2131 section 2, figure 1). Addresses are dotted quads. */
export interface DhcpMessage {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** The first `hlen` octets of the 16-octet chaddr field. */
  chaddr: Buffer;
  /** Server host name; empty when the field carries options (overload). */
  sname: string;
  /** Boot file name; empty when the field carries options (overload). */
  file: string;
  options: DhcpOptions;
}
