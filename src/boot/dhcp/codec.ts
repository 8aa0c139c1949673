/** Decoding and encoding whole DHCP messages (RFC 2131 section 2, RFC 2132). */
import { BootpLayout, DHCP_MAGIC_COOKIE, DhcpSize, OptionOverload } from './constants.js';
import { ipv4FromBytes, ipv4ToBytes } from './address.js';
import { DhcpDecodeError, DhcpEncodeError } from './errors.js';
import type { DhcpMessage } from './message.js';
import { decodeOptionAreas, optionEntries, placeOptions } from './options.js';
import { readUint16, readUint32, writeUint16, writeUint32 } from './wire.js';

/** NUL-terminated text field (sname, file); latin1 so that any octet survives a round trip. */
function readTextField(packet: Buffer, offset: number, length: number): string {
  const field = packet.subarray(offset, offset + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? field.length : nul).toString('latin1');
}

/**
 * Decodes a message; throws DhcpDecodeError for anything malformed (too short, no magic
 * cookie, hlen > 16, truncated or overlong options). A BOOTP message without the cookie is
 * rejected too: this server speaks DHCP only.
 */
export function decodeDhcpMessage(packet: Buffer): DhcpMessage {
  if (packet.length < BootpLayout.OPTIONS) {
    throw new DhcpDecodeError(`message of ${packet.length} octets is shorter than the ${BootpLayout.OPTIONS}-octet header`);
  }
  const cookie = readUint32(packet, BootpLayout.MAGIC_COOKIE);
  if (cookie !== DHCP_MAGIC_COOKIE) throw new DhcpDecodeError(`no DHCP magic cookie (found 0x${cookie.toString(16)})`);
  const hlen = packet[BootpLayout.HLEN] ?? 0;
  if (hlen > BootpLayout.CHADDR_LENGTH) throw new DhcpDecodeError(`hlen ${hlen} exceeds the 16-octet chaddr field`);
  const fileArea = packet.subarray(BootpLayout.FILE, BootpLayout.FILE + BootpLayout.FILE_LENGTH);
  const snameArea = packet.subarray(BootpLayout.SNAME, BootpLayout.SNAME + BootpLayout.SNAME_LENGTH);
  const { options, overload } = decodeOptionAreas({
    options: packet.subarray(BootpLayout.OPTIONS),
    file: fileArea,
    sname: snameArea,
  });
  return {
    op: packet[BootpLayout.OP] ?? 0,
    htype: packet[BootpLayout.HTYPE] ?? 0,
    hlen,
    hops: packet[BootpLayout.HOPS] ?? 0,
    xid: readUint32(packet, BootpLayout.XID),
    secs: readUint16(packet, BootpLayout.SECS),
    flags: readUint16(packet, BootpLayout.FLAGS),
    ciaddr: ipv4FromBytes(packet, BootpLayout.CIADDR),
    yiaddr: ipv4FromBytes(packet, BootpLayout.YIADDR),
    siaddr: ipv4FromBytes(packet, BootpLayout.SIADDR),
    giaddr: ipv4FromBytes(packet, BootpLayout.GIADDR),
    chaddr: Buffer.from(packet.subarray(BootpLayout.CHADDR, BootpLayout.CHADDR + hlen)),
    // RFC 2132 section 9.3: an overloaded field holds options, not a name.
    sname: overload & OptionOverload.SNAME ? '' : readTextField(packet, BootpLayout.SNAME, BootpLayout.SNAME_LENGTH),
    file: overload & OptionOverload.FILE ? '' : readTextField(packet, BootpLayout.FILE, BootpLayout.FILE_LENGTH),
    options,
  };
}

export interface EncodeOptions {
  /**
   * Largest DHCP message (UDP payload) allowed; default 548 = 576 - IP and UDP headers
   * (RFC 2131 section 2: what every client accepts).
   */
  maxSize?: number;
  /** Pad to at least this many octets; default 300 (RFC 1542 section 2.1). */
  minSize?: number;
}

function writeTextField(packet: Buffer, text: string, offset: number, length: number, name: string): void {
  const bytes = Buffer.from(text, 'latin1');
  // One octet stays NUL so that readers stop at the end of the name.
  if (bytes.length >= length) throw new DhcpEncodeError(`${name} of ${bytes.length} octets does not fit the ${length}-octet field`);
  bytes.copy(packet, offset);
}

/** Encodes a message; options are placed in order and spill into free file/sname fields. */
export function encodeDhcpMessage(message: DhcpMessage, encodeOptions: EncodeOptions = {}): Buffer {
  const maxSize = encodeOptions.maxSize ?? DhcpSize.MIN_IP_DATAGRAM - DhcpSize.IP_UDP_HEADERS;
  const minSize = encodeOptions.minSize ?? DhcpSize.MIN_BOOTP_MESSAGE;
  if (message.chaddr.length > BootpLayout.CHADDR_LENGTH) throw new DhcpEncodeError(`chaddr of ${message.chaddr.length} octets exceeds 16`);
  const placed = placeOptions(optionEntries(message.options), maxSize - BootpLayout.OPTIONS, {
    file: message.file === '' ? BootpLayout.FILE_LENGTH : undefined,
    sname: message.sname === '' ? BootpLayout.SNAME_LENGTH : undefined,
  });
  const size = Math.max(Math.min(minSize, maxSize), BootpLayout.OPTIONS + placed.options.length);
  const packet = Buffer.alloc(size);
  packet[BootpLayout.OP] = message.op;
  packet[BootpLayout.HTYPE] = message.htype;
  packet[BootpLayout.HLEN] = message.hlen;
  packet[BootpLayout.HOPS] = message.hops;
  writeUint32(packet, message.xid, BootpLayout.XID);
  writeUint16(packet, message.secs, BootpLayout.SECS);
  writeUint16(packet, message.flags, BootpLayout.FLAGS);
  ipv4ToBytes(message.ciaddr).copy(packet, BootpLayout.CIADDR);
  ipv4ToBytes(message.yiaddr).copy(packet, BootpLayout.YIADDR);
  ipv4ToBytes(message.siaddr).copy(packet, BootpLayout.SIADDR);
  ipv4ToBytes(message.giaddr).copy(packet, BootpLayout.GIADDR);
  message.chaddr.copy(packet, BootpLayout.CHADDR);
  if (placed.sname) placed.sname.copy(packet, BootpLayout.SNAME);
  else writeTextField(packet, message.sname, BootpLayout.SNAME, BootpLayout.SNAME_LENGTH, 'sname');
  if (placed.file) placed.file.copy(packet, BootpLayout.FILE);
  else writeTextField(packet, message.file, BootpLayout.FILE, BootpLayout.FILE_LENGTH, 'file');
  writeUint32(packet, DHCP_MAGIC_COOKIE, BootpLayout.MAGIC_COOKIE);
  placed.options.copy(packet, BootpLayout.OPTIONS);
  return packet;
}
