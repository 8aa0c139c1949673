/**
 * The only place in src/boot/dhcp that knows byte order: DHCP is big-endian ("network byte
 * order", RFC 2131 section 2). This folder may not import src/xdr (layering), so it keeps
 * its own few accessors here.
 */

export function readUint16(buffer: Buffer, offset: number): number {
  return buffer.readUInt16BE(offset);
}

export function readUint32(buffer: Buffer, offset: number): number {
  return buffer.readUInt32BE(offset);
}

export function writeUint16(buffer: Buffer, value: number, offset: number): void {
  buffer.writeUInt16BE(value, offset);
}

export function writeUint32(buffer: Buffer, value: number, offset: number): void {
  buffer.writeUInt32BE(value >>> 0, offset);
}

export function uint16Bytes(value: number): Buffer {
  const out = Buffer.alloc(2);
  writeUint16(out, value, 0);
  return out;
}

export function uint32Bytes(value: number): Buffer {
  const out = Buffer.alloc(4);
  writeUint32(out, value, 0);
  return out;
}

/** An IPv4 address as an unsigned 32-bit number, read from four octets. */
export function readIpv4Number(buffer: Buffer, offset: number): number {
  return readUint32(buffer, offset);
}

export function ipv4NumberBytes(value: number): Buffer {
  return uint32Bytes(value);
}
