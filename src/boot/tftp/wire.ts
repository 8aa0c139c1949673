/**
 * TFTP packet encoding and decoding. This file is the only place in src/boot/tftp that knows
 * the byte order (network order, RFC 1350 section 5); boot/tftp may not import src/xdr.
 * Decoders never throw on untrusted input: they return undefined for a malformed packet.
 */
import { DATA_HEADER_BYTES, TftpOpcode } from './constants.js';
import type { TftpErrorCode } from './constants.js';

export interface TftpRequest {
  opcode: typeof TftpOpcode.RRQ | typeof TftpOpcode.WRQ;
  /** The file name as sent (bytes as latin1, so any byte survives a round trip). */
  filename: string;
  /** Lower-cased mode. */
  mode: string;
  /** Options by lower-cased name; the first occurrence of a name wins (RFC 2347 leaves it open). */
  options: Map<string, string>;
}

export interface TftpErrorPacket {
  code: number;
  message: string;
}

const OPCODE_BYTES = 2;
const NUL = 0;

/** The opcode of a packet, or undefined if it is too short to have one. */
export function readOpcode(packet: Buffer): number | undefined {
  return packet.length >= OPCODE_BYTES ? packet.readUInt16BE(0) : undefined;
}

/** Reads a NUL-terminated string at `offset`; undefined if there is no terminator. */
function readCString(packet: Buffer, offset: number): { value: string; next: number } | undefined {
  const end = packet.indexOf(NUL, offset);
  if (end < 0) return undefined;
  return { value: packet.toString('latin1', offset, end), next: end + 1 };
}

/**
 * Decodes an RRQ or WRQ (RFC 1350 figure 5-1 plus RFC 2347 options). File name and mode
 * must be NUL-terminated; an option tail that is cut short is ignored, and so is NUL padding
 * that some PXE ROMs append to reach a minimum frame size.
 */
export function decodeRequest(packet: Buffer): TftpRequest | undefined {
  const opcode = readOpcode(packet);
  if (opcode !== TftpOpcode.RRQ && opcode !== TftpOpcode.WRQ) return undefined;
  const filename = readCString(packet, OPCODE_BYTES);
  if (!filename) return undefined;
  const mode = readCString(packet, filename.next);
  if (!mode || mode.value === '') return undefined;
  const options = new Map<string, string>();
  let offset = mode.next;
  while (offset < packet.length) {
    const name = readCString(packet, offset);
    if (!name || name.value === '') break;
    const value = readCString(packet, name.next);
    if (!value) break;
    const key = name.value.toLowerCase();
    if (!options.has(key)) options.set(key, value.value);
    offset = value.next;
  }
  return { opcode, filename: filename.value, mode: mode.value.toLowerCase(), options };
}

/** Encodes an RRQ (used by tests and tools; the server never sends one). */
export function encodeRequest(request: TftpRequest): Buffer {
  const parts = [request.filename, request.mode];
  for (const [name, value] of request.options) parts.push(name, value);
  const body = Buffer.from(`${parts.join('\0')}\0`, 'latin1');
  const packet = Buffer.allocUnsafe(OPCODE_BYTES + body.length);
  packet.writeUInt16BE(request.opcode, 0);
  body.copy(packet, OPCODE_BYTES);
  return packet;
}

/** The block number of an ACK (RFC 1350 figure 5-3), or undefined if it is not a 4-byte-or-longer ACK. */
export function decodeAck(packet: Buffer): number | undefined {
  if (packet.length < DATA_HEADER_BYTES || packet.readUInt16BE(0) !== TftpOpcode.ACK) return undefined;
  return packet.readUInt16BE(OPCODE_BYTES);
}

export function encodeAck(block: number): Buffer {
  const packet = Buffer.allocUnsafe(DATA_HEADER_BYTES);
  packet.writeUInt16BE(TftpOpcode.ACK, 0);
  packet.writeUInt16BE(block, OPCODE_BYTES);
  return packet;
}

/** Decodes an ERROR packet (RFC 1350 figure 5-4); a missing terminator is tolerated. */
export function decodeError(packet: Buffer): TftpErrorPacket | undefined {
  if (packet.length < DATA_HEADER_BYTES || packet.readUInt16BE(0) !== TftpOpcode.ERROR) return undefined;
  const end = packet.indexOf(NUL, DATA_HEADER_BYTES);
  const message = packet.toString('latin1', DATA_HEADER_BYTES, end < 0 ? packet.length : end);
  return { code: packet.readUInt16BE(OPCODE_BYTES), message };
}

export function encodeError(code: TftpErrorCode, message: string): Buffer {
  const text = Buffer.from(`${message}\0`, 'latin1');
  const packet = Buffer.allocUnsafe(DATA_HEADER_BYTES + text.length);
  packet.writeUInt16BE(TftpOpcode.ERROR, 0);
  packet.writeUInt16BE(code, OPCODE_BYTES);
  text.copy(packet, DATA_HEADER_BYTES);
  return packet;
}

/** Encodes an OACK (RFC 2347): name and value pairs, each NUL-terminated, in the given order. */
export function encodeOack(options: ReadonlyArray<readonly [string, string]>): Buffer {
  const text = Buffer.from(options.map(([name, value]) => `${name}\0${value}\0`).join(''), 'latin1');
  const packet = Buffer.allocUnsafe(OPCODE_BYTES + text.length);
  packet.writeUInt16BE(TftpOpcode.OACK, 0);
  text.copy(packet, OPCODE_BYTES);
  return packet;
}

/** Decodes an OACK into its option pairs (tests and tools). */
export function decodeOack(packet: Buffer): Map<string, string> | undefined {
  if (readOpcode(packet) !== TftpOpcode.OACK) return undefined;
  const options = new Map<string, string>();
  let offset = OPCODE_BYTES;
  while (offset < packet.length) {
    const name = readCString(packet, offset);
    const value = name && readCString(packet, name.next);
    if (!name || !value) return undefined;
    options.set(name.value.toLowerCase(), value.value);
    offset = value.next;
  }
  return options;
}

/** Writes a DATA header (RFC 1350 figure 5-2) in place, so a packet buffer can be reused. */
export function writeDataHeader(packet: Buffer, block: number): void {
  packet.writeUInt16BE(TftpOpcode.DATA, 0);
  packet.writeUInt16BE(block, OPCODE_BYTES);
}

/** The block number of a DATA packet, or undefined. */
export function readDataBlock(packet: Buffer): number | undefined {
  if (packet.length < DATA_HEADER_BYTES || packet.readUInt16BE(0) !== TftpOpcode.DATA) return undefined;
  return packet.readUInt16BE(OPCODE_BYTES);
}
