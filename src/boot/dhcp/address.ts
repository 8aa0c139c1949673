import { DhcpError } from './errors.js';
import { ipv4NumberBytes, readIpv4Number } from './wire.js';

/** A string that is not a dotted-quad IPv4 address or a colon-separated MAC address. */
export class AddressFormatError extends DhcpError {}

const ipv4Pattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const macPattern = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

export const IPV4_ANY = '0.0.0.0';
export const IPV4_BROADCAST = '255.255.255.255';

/** Dotted quad -> unsigned 32-bit number; throws AddressFormatError. */
export function parseIpv4(text: string): number {
  const match = ipv4Pattern.exec(text);
  if (!match) throw new AddressFormatError(`not an IPv4 address: ${JSON.stringify(text)}`);
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(match[i]);
    if (octet > 255) throw new AddressFormatError(`not an IPv4 address: ${JSON.stringify(text)}`);
    value = value * 256 + octet;
  }
  return value;
}

export function isIpv4(text: string): boolean {
  try {
    parseIpv4(text);
    return true;
  } catch {
    return false;
  }
}

export function formatIpv4(value: number): string {
  const v = value >>> 0;
  return [Math.floor(v / 0x1000000) % 256, Math.floor(v / 0x10000) % 256, Math.floor(v / 0x100) % 256, v % 256].join('.');
}

export function ipv4ToBytes(text: string): Buffer {
  return ipv4NumberBytes(parseIpv4(text));
}

export function ipv4FromBytes(buffer: Buffer, offset = 0): string {
  return formatIpv4(readIpv4Number(buffer, offset));
}

/** Prefix length (0..32) -> netmask as a number. */
export function prefixMask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** Netmask number -> prefix length, or undefined when the mask is not contiguous. */
export function maskPrefixLength(mask: number): number | undefined {
  for (let length = 0; length <= 32; length++) if (prefixMask(length) === mask >>> 0) return length;
  return undefined;
}

export function sameSubnet(a: number, b: number, mask: number): boolean {
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/** Hardware address bytes -> lowercase `aa:bb:cc:dd:ee:ff`. */
export function formatMac(bytes: Buffer): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}

/** Accepts `aa:bb:..`, `aa-bb-..` or 12 hex digits, any case; returns the canonical form. */
export function normalizeMac(text: string): string {
  const hex = text.toLowerCase().replace(/[:-]/g, '');
  const canonical = hex.match(/../g)?.join(':') ?? '';
  if (hex.length !== 12 || !macPattern.test(canonical)) {
    throw new AddressFormatError(`not a MAC address: ${JSON.stringify(text)}`);
  }
  return canonical;
}

export function macToBytes(text: string): Buffer {
  return Buffer.from(normalizeMac(text).replace(/:/g, ''), 'hex');
}
