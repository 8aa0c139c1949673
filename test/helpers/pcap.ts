/**
 * A tiny reader for classic libpcap files (not pcapng) with Ethernet frames, and an IPv4/UDP
 * unpacker, for golden tests from real captures. Records cut short by the capture's snap
 * length are returned with `truncated` set rather than rejected.
 */
import { readFileSync } from 'node:fs';

export interface PcapRecord {
  /** Capture time in microseconds since the epoch. */
  timeUs: number;
  /** Octets on the wire. */
  originalLength: number;
  /** The captured octets (possibly fewer than originalLength). */
  data: Buffer;
  truncated: boolean;
}

export interface PcapFile {
  linkType: number;
  snapLength: number;
  records: PcapRecord[];
}

export const LINKTYPE_ETHERNET = 1;

const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

export class PcapError extends Error {
  override readonly name = 'PcapError';
}

export function parsePcap(file: Buffer): PcapFile {
  if (file.length < GLOBAL_HEADER) throw new PcapError('shorter than a pcap global header');
  const magicLe = file.readUInt32LE(0);
  const magicBe = file.readUInt32BE(0);
  const littleEndian = magicLe === MAGIC_MICROS || magicLe === MAGIC_NANOS;
  if (!littleEndian && magicBe !== MAGIC_MICROS && magicBe !== MAGIC_NANOS) {
    throw new PcapError(`not a classic pcap file (magic 0x${magicBe.toString(16)})`);
  }
  const nanos = (littleEndian ? magicLe : magicBe) === MAGIC_NANOS;
  const u32 = (offset: number): number => (littleEndian ? file.readUInt32LE(offset) : file.readUInt32BE(offset));
  const records: PcapRecord[] = [];
  let offset = GLOBAL_HEADER;
  while (offset < file.length) {
    if (offset + RECORD_HEADER > file.length) throw new PcapError(`record header at ${offset} is cut off`);
    const seconds = u32(offset);
    const fraction = u32(offset + 4);
    const includedLength = u32(offset + 8);
    const originalLength = u32(offset + 12);
    const start = offset + RECORD_HEADER;
    if (start + includedLength > file.length) throw new PcapError(`record at ${offset} runs past the end of the file`);
    records.push({
      timeUs: seconds * 1_000_000 + (nanos ? Math.floor(fraction / 1000) : fraction),
      originalLength,
      data: file.subarray(start, start + includedLength),
      truncated: includedLength < originalLength,
    });
    offset = start + includedLength;
  }
  return { linkType: u32(20), snapLength: u32(16), records };
}

export function readPcap(path: string): PcapFile {
  return parsePcap(readFileSync(path));
}

export interface UdpDatagram {
  sourceMac: string;
  destinationMac: string;
  sourceAddress: string;
  destinationAddress: string;
  sourcePort: number;
  destinationPort: number;
  /** The UDP payload as captured. */
  payload: Buffer;
  /** True when the capture holds fewer payload octets than the UDP header announces. */
  truncated: boolean;
}

const ETHERNET_HEADER = 14;
const ETHERTYPE_IPV4 = 0x0800;
const IP_PROTOCOL_UDP = 17;
const UDP_HEADER = 8;

function mac(bytes: Buffer): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}

function ipv4(bytes: Buffer): string {
  return [...bytes].join('.');
}

/** Unpacks an Ethernet II / IPv4 / UDP frame; undefined for anything else. */
export function udpOfEthernetFrame(frame: Buffer): UdpDatagram | undefined {
  if (frame.length < ETHERNET_HEADER + 20 || frame.readUInt16BE(12) !== ETHERTYPE_IPV4) return undefined;
  const ip = frame.subarray(ETHERNET_HEADER);
  const version = (ip[0] ?? 0) >> 4;
  const headerLength = ((ip[0] ?? 0) & 0x0f) * 4;
  if (version !== 4 || ip[9] !== IP_PROTOCOL_UDP || ip.length < headerLength + UDP_HEADER) return undefined;
  const udp = ip.subarray(headerLength);
  const udpLength = udp.readUInt16BE(4);
  const payload = udp.subarray(UDP_HEADER, Math.min(udp.length, udpLength));
  return {
    destinationMac: mac(frame.subarray(0, 6)),
    sourceMac: mac(frame.subarray(6, 12)),
    sourceAddress: ipv4(ip.subarray(12, 16)),
    destinationAddress: ipv4(ip.subarray(16, 20)),
    sourcePort: udp.readUInt16BE(0),
    destinationPort: udp.readUInt16BE(2),
    payload,
    truncated: payload.length < udpLength - UDP_HEADER,
  };
}
