/**
 * Typed readers and writers for option values (RFC 2132, RFC 3004, RFC 4578). Readers return
 * undefined for an absent or malformed value: a client's odd option must not cost it an answer.
 */
import { formatIpv4, ipv4ToBytes } from './address.js';
import { DhcpOption } from './constants.js';
import type { DhcpOptions } from './options.js';
import { readIpv4Number, readUint16, readUint32, uint16Bytes, uint32Bytes } from './wire.js';

export function uint8Option(options: DhcpOptions, code: number): number | undefined {
  const value = options.get(code);
  return value?.length === 1 ? value[0] : undefined;
}

export function uint16Option(options: DhcpOptions, code: number): number | undefined {
  const value = options.get(code);
  return value?.length === 2 ? readUint16(value, 0) : undefined;
}

export function uint32Option(options: DhcpOptions, code: number): number | undefined {
  const value = options.get(code);
  return value?.length === 4 ? readUint32(value, 0) : undefined;
}

export function ipv4Option(options: DhcpOptions, code: number): string | undefined {
  const value = options.get(code);
  return value?.length === 4 ? formatIpv4(readIpv4Number(value, 0)) : undefined;
}

export function ipv4ListOption(options: DhcpOptions, code: number): string[] | undefined {
  const value = options.get(code);
  if (!value || value.length === 0 || value.length % 4 !== 0) return undefined;
  const list: string[] = [];
  for (let offset = 0; offset < value.length; offset += 4) list.push(formatIpv4(readIpv4Number(value, offset)));
  return list;
}

/** NVT ASCII text; trailing NULs (some clients count one, RFC 2132 section 2 says not to) dropped. */
export function stringOption(options: DhcpOptions, code: number): string | undefined {
  const value = options.get(code);
  if (!value) return undefined;
  return value.toString('latin1').replace(/\0+$/, '');
}

export function messageTypeOf(options: DhcpOptions): number | undefined {
  return uint8Option(options, DhcpOption.DHCP_MESSAGE_TYPE);
}

export function parameterRequestList(options: DhcpOptions): number[] {
  return [...(options.get(DhcpOption.PARAMETER_REQUEST_LIST) ?? [])];
}

/** RFC 4578 section 2.1: a list of 16-bit architecture types, most preferred first. */
export function clientArchitectures(options: DhcpOptions): number[] {
  const value = options.get(DhcpOption.CLIENT_SYSTEM_ARCHITECTURE);
  if (!value || value.length === 0 || value.length % 2 !== 0) return [];
  const list: number[] = [];
  for (let offset = 0; offset < value.length; offset += 2) list.push(readUint16(value, offset));
  return list;
}

/**
 * RFC 3004 user class instances (length-prefixed). iPXE and many other clients send one
 * bare string ("iPXE") instead: when the value does not parse as RFC 3004 it is that string.
 */
export function userClasses(options: DhcpOptions): string[] {
  const value = options.get(DhcpOption.USER_CLASS);
  if (!value || value.length === 0) return [];
  const instances: string[] = [];
  let offset = 0;
  while (offset < value.length) {
    const length = value[offset] ?? 0;
    if (length === 0 || offset + 1 + length > value.length) break;
    instances.push(value.subarray(offset + 1, offset + 1 + length).toString('latin1'));
    offset += 1 + length;
  }
  return offset === value.length ? instances : [value.toString('latin1')];
}

/** RFC 4578 section 2.2: UNDI interface type and version. */
export interface ClientNetworkInterface {
  type: number;
  major: number;
  minor: number;
}

export function clientNetworkInterface(options: DhcpOptions): ClientNetworkInterface | undefined {
  const value = options.get(DhcpOption.CLIENT_NETWORK_INTERFACE_IDENTIFIER);
  if (value?.length !== 3) return undefined;
  return { type: value[0] ?? 0, major: value[1] ?? 0, minor: value[2] ?? 0 };
}

/** RFC 4578 section 2.3: type 0 followed by a 16-octet UUID, formatted 8-4-4-4-12 (raw octet order). */
export function clientMachineId(options: DhcpOptions): string | undefined {
  const value = options.get(DhcpOption.CLIENT_MACHINE_IDENTIFIER);
  if (value?.length !== 17 || value[0] !== 0) return undefined;
  const hex = value.subarray(1).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Option value writers, for `clientOptions` hooks and the reply builder. */
export const optionValue = {
  uint8: (value: number): Buffer => Buffer.from([value]),
  uint16: uint16Bytes,
  uint32: uint32Bytes,
  ipv4: (...addresses: readonly string[]): Buffer => Buffer.concat(addresses.map(ipv4ToBytes)),
  /** Text without a terminating NUL (RFC 2132 section 2). */
  string: (text: string): Buffer => Buffer.from(text, 'utf8'),
  /** Sub-options `code len value` followed by END, for encapsulated spaces (43, 175). */
  encapsulated: (subOptions: Iterable<readonly [number, Buffer]>): Buffer => {
    const parts: Buffer[] = [];
    for (const [code, value] of subOptions) parts.push(Buffer.from([code, value.length]), value);
    parts.push(Buffer.from([DhcpOption.END]));
    return Buffer.concat(parts);
  },
} as const;
