import { formatMac } from './address.js';
import { DhcpOption } from './constants.js';
import type { DhcpMessage } from './message.js';
import type { ClientNetworkInterface } from './option-values.js';
import {
  clientArchitectures,
  clientMachineId,
  clientNetworkInterface,
  stringOption,
  userClasses,
} from './option-values.js';

/** What the boot-file chooser and the per-client option hook learn about a client. */
export interface DhcpClient {
  /** `aa:bb:cc:dd:ee:ff`. */
  mac: string;
  /** First option 93 value (RFC 4578), or undefined when the client sent none (plain DHCP client). */
  arch: number | undefined;
  /** The first option 77 user class (iPXE sends "iPXE"), or undefined. */
  userClass: string | undefined;
  /** True when the user class says iPXE: its DHCP must not be answered with iPXE again. */
  isIpxe: boolean;
  /** Option 60, e.g. "PXEClient:Arch:00000:UNDI:002001". */
  vendorClass: string | undefined;
  /** Option 97 UUID (8-4-4-4-12 hex), or undefined. */
  uuid: string | undefined;
  /** Option 94, or undefined. */
  networkInterface: ClientNetworkInterface | undefined;
  /** Option 12 as sent by the client. */
  hostName: string | undefined;
}

const IPXE_USER_CLASS = 'iPXE';

export function describeClient(message: DhcpMessage): DhcpClient {
  const classes = userClasses(message.options);
  return {
    mac: formatMac(message.chaddr),
    arch: clientArchitectures(message.options)[0],
    userClass: classes[0],
    isIpxe: classes.includes(IPXE_USER_CLASS),
    vendorClass: stringOption(message.options, DhcpOption.VENDOR_CLASS_IDENTIFIER),
    uuid: clientMachineId(message.options),
    networkInterface: clientNetworkInterface(message.options),
    hostName: stringOption(message.options, DhcpOption.HOST_NAME),
  };
}
