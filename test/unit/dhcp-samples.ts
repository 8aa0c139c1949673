/** Request builders and fixtures shared by the dhcp-*.test.ts unit tests. */
import { join } from 'node:path';
import type { DhcpMessage, DhcpOptions } from '../../src/boot/dhcp/index.js';
import { BootpOp, DhcpMessageType, DhcpOption, HardwareType, normalizeMac, optionValue } from '../../src/boot/dhcp/index.js';
import { repoRoot } from '../helpers/repo-root.js';

/** A full iPXE DISCOVER/OFFER/REQUEST/ACK, captured with tcpdump -s 0 (QEMU 7.2 + Debian's iPXE ROM against this server). */
export const rowbootCapture = join(repoRoot, 'test/unit/dhcp-fixtures/ipxe-dhcp-rowboot.pcap');
/** The shared dnsmasq capture (../shared/fixtures/pxe); its records are cut at 96 octets. */
export const dnsmasqCapture = join(repoRoot, '..', 'shared/fixtures/pxe/ipxe-dhcp-dnsmasq.pcap');

export interface RequestSpec {
  type: number;
  mac?: string;
  xid?: number;
  flags?: number;
  ciaddr?: string;
  giaddr?: string;
  /** Extra options after 53, in order. */
  options?: [number, Buffer][];
}

export function macBytes(mac: string): Buffer {
  return Buffer.from(normalizeMac(mac).replace(/:/g, ''), 'hex');
}

export function request(spec: RequestSpec): DhcpMessage {
  const options: DhcpOptions = new Map([[DhcpOption.DHCP_MESSAGE_TYPE, optionValue.uint8(spec.type)]]);
  for (const [code, value] of spec.options ?? []) options.set(code, value);
  return {
    op: BootpOp.BOOTREQUEST,
    htype: HardwareType.ETHERNET,
    hlen: 6,
    hops: 0,
    xid: spec.xid ?? 0x12345678,
    secs: 0,
    flags: spec.flags ?? 0,
    ciaddr: spec.ciaddr ?? '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: spec.giaddr ?? '0.0.0.0',
    chaddr: macBytes(spec.mac ?? '52:54:00:00:00:01'),
    sname: '',
    file: '',
    options,
  };
}

export const discover = (mac: string, options: [number, Buffer][] = []): DhcpMessage =>
  request({ type: DhcpMessageType.DHCPDISCOVER, mac, options });

/** SELECTING-state REQUEST (server id + requested address). */
export const select = (mac: string, serverId: string, address: string): DhcpMessage =>
  request({
    type: DhcpMessageType.DHCPREQUEST,
    mac,
    options: [
      [DhcpOption.SERVER_IDENTIFIER, optionValue.ipv4(serverId)],
      [DhcpOption.REQUESTED_IP_ADDRESS, optionValue.ipv4(address)],
    ],
  });

/** iPXE's identifying options: arch, user class "iPXE" (bare, as iPXE sends it). */
export const ipxeOptions = (arch: number): [number, Buffer][] => [
  [DhcpOption.CLIENT_SYSTEM_ARCHITECTURE, optionValue.uint16(arch)],
  [DhcpOption.USER_CLASS, Buffer.from('iPXE')],
];

export const firmwareOptions = (arch: number): [number, Buffer][] => [
  [DhcpOption.CLIENT_SYSTEM_ARCHITECTURE, optionValue.uint16(arch)],
  [DhcpOption.VENDOR_CLASS_IDENTIFIER, Buffer.from(`PXEClient:Arch:${String(arch).padStart(5, '0')}:UNDI:002001`)],
];

/** A controllable clock. */
export function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

export const from = { address: '0.0.0.0', port: 68 };
