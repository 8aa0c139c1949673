/**
 * Golden tests from real captures: the shared dnsmasq capture (cut at 96 octets: BOOTP header
 * only) and a full iPXE exchange with this server (test/unit/dhcp-fixtures).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DhcpMessage } from '../../src/boot/dhcp/index.js';
import {
  BootpOp,
  clientArchitectures,
  clientMachineId,
  clientNetworkInterface,
  decodeDhcpMessage,
  describeClient,
  DhcpDecodeError,
  DhcpMessageType,
  DhcpOption,
  DhcpResponder,
  ipv4Option,
  messageTypeOf,
  optionValue,
  parameterRequestList,
  stringOption,
  uint16Option,
} from '../../src/boot/dhcp/index.js';
import { LINKTYPE_ETHERNET, readPcap, udpOfEthernetFrame } from '../helpers/pcap.js';
import type { UdpDatagram } from '../helpers/pcap.js';
import { dnsmasqCapture, fakeClock, from, rowbootCapture } from './dhcp-samples.js';

function datagrams(path: string): UdpDatagram[] {
  const pcap = readPcap(path);
  assert.equal(pcap.linkType, LINKTYPE_ETHERNET);
  return pcap.records.map((record, index) => {
    const udp = udpOfEthernetFrame(record.data);
    assert.ok(udp, `record ${index} is IPv4/UDP`);
    return udp;
  });
}

test('dnsmasq capture: BOOTP headers decode; the cut-off messages count as garbage', () => {
  const packets = datagrams(dnsmasqCapture);
  assert.equal(packets.length, 6);
  const directions = packets.map((packet) => `${packet.sourcePort}>${packet.destinationPort}`);
  assert.deepEqual(directions, ['68>67', '67>68', '68>67', '67>68', '68>67', '67>68']);
  for (const packet of packets) {
    assert.equal(packet.truncated, true, 'the capture kept 96 octets per frame');
    // 96 - 42 header octets = the first 54 octets of BOOTP: op .. start of chaddr.
    assert.equal(packet.payload[0], packet.destinationPort === 67 ? BootpOp.BOOTREQUEST : BootpOp.BOOTREPLY);
    assert.equal(packet.payload.readUInt32BE(4), 0xda22035c, 'one xid for the whole exchange');
    assert.equal(packet.payload.subarray(28, 34).toString('hex'), '525400123456');
    assert.throws(() => decodeDhcpMessage(packet.payload), DhcpDecodeError);
  }
  const offer = packets[1];
  assert.equal(offer?.sourceAddress, '10.88.0.1');
  assert.equal(offer?.payload.subarray(16, 20).join('.'), '10.88.0.157', 'yiaddr');
  assert.equal(offer?.payload.subarray(20, 24).join('.'), '10.88.0.1', 'siaddr');

  const responder = new DhcpResponder({ serverAddress: '10.88.0.1', range: { from: '10.88.0.100', to: '10.88.0.200' } });
  for (const packet of packets) assert.equal(responder.handlePacket(packet.payload, from), undefined);
  assert.equal(responder.stats.received, 6);
  assert.equal(responder.stats.garbage, 6);
});

function captured(): { discover: UdpDatagram; offer: UdpDatagram; request: UdpDatagram; ack: UdpDatagram } {
  const [discover, offer, request, ack, ...rest] = datagrams(rowbootCapture);
  assert.ok(discover && offer && request && ack);
  assert.equal(rest.length, 0);
  return { discover, offer, request, ack };
}

test('iPXE DISCOVER: every PXE option decodes', () => {
  const { discover } = captured();
  assert.equal(discover.truncated, false);
  assert.equal(discover.destinationAddress, '255.255.255.255');
  const message = decodeDhcpMessage(discover.payload);
  assert.equal(message.op, BootpOp.BOOTREQUEST);
  assert.equal(message.xid, 0xabf42558);
  assert.equal(message.flags, 0, 'iPXE does not set the broadcast bit');
  assert.equal(message.ciaddr, '0.0.0.0');
  assert.equal(messageTypeOf(message.options), DhcpMessageType.DHCPDISCOVER);
  assert.equal(uint16Option(message.options, DhcpOption.MAXIMUM_DHCP_MESSAGE_SIZE), 1472);
  assert.deepEqual(clientArchitectures(message.options), [0]);
  assert.deepEqual(clientNetworkInterface(message.options), { type: 1, major: 2, minor: 1 });
  assert.equal(stringOption(message.options, DhcpOption.VENDOR_CLASS_IDENTIFIER), 'PXEClient:Arch:00000:UNDI:002001');
  assert.equal(message.options.get(DhcpOption.USER_CLASS)?.toString('latin1'), 'iPXE');
  const requested = parameterRequestList(message.options);
  for (const code of [1, 3, 6, 12, 15, 17, 43, 60, 66, 67, 128, 129, 130, 131, 132, 133, 134, 135, 175]) {
    assert.ok(requested.includes(code), `PRL has ${code}`);
  }
  assert.equal(message.options.get(DhcpOption.IPXE_ENCAPSULATED)?.length, 48, "iPXE's feature list");
  assert.equal(message.options.get(DhcpOption.CLIENT_IDENTIFIER)?.toString('hex'), '01525400123456');
  assert.equal(clientMachineId(message.options), '00000000-0000-0000-0000-000000000000');
  assert.deepEqual(describeClient(message), {
    mac: '52:54:00:12:34:56',
    arch: 0,
    userClass: 'iPXE',
    isIpxe: true,
    vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
    uuid: '00000000-0000-0000-0000-000000000000',
    networkInterface: { type: 1, major: 2, minor: 1 },
    hostName: undefined,
  });
});

function responderLikeTheCapture(): DhcpResponder {
  return new DhcpResponder({ serverAddress: '10.231.7.254', range: { from: '10.231.7.100', to: '10.231.7.110' }, now: fakeClock().now });
}

function checkBootReply(reply: DhcpMessage, type: number): void {
  assert.equal(reply.op, BootpOp.BOOTREPLY);
  assert.equal(reply.xid, 0xabf42558);
  assert.equal(reply.yiaddr, '10.231.7.100');
  assert.equal(reply.siaddr, '10.231.7.254');
  assert.equal(reply.file, 'pxelinux.0');
  assert.equal(reply.chaddr.toString('hex'), '525400123456');
  assert.deepEqual(
    [...reply.options.keys()],
    [53, 54, 51, 58, 59, 1, 28, 66, 67, 175, 61],
    'option order: message type first, no router/DNS/domain unless configured',
  );
  assert.equal(messageTypeOf(reply.options), type);
  assert.equal(ipv4Option(reply.options, DhcpOption.SERVER_IDENTIFIER), '10.231.7.254');
  assert.deepEqual(reply.options.get(DhcpOption.IP_ADDRESS_LEASE_TIME), optionValue.uint32(3600));
  assert.deepEqual(reply.options.get(DhcpOption.RENEWAL_TIME_VALUE), optionValue.uint32(1800));
  assert.deepEqual(reply.options.get(DhcpOption.REBINDING_TIME_VALUE), optionValue.uint32(3150));
  assert.equal(ipv4Option(reply.options, DhcpOption.SUBNET_MASK), '255.255.255.0');
  assert.equal(ipv4Option(reply.options, DhcpOption.BROADCAST_ADDRESS), '10.231.7.255');
  assert.equal(stringOption(reply.options, DhcpOption.TFTP_SERVER_NAME), '10.231.7.254');
  assert.equal(stringOption(reply.options, DhcpOption.BOOTFILE_NAME), 'pxelinux.0');
  assert.equal(reply.options.get(DhcpOption.IPXE_ENCAPSULATED)?.toString('hex'), 'b00101ff', 'architecture.md: af 04 b0 01 01 ff');
  assert.equal(reply.options.get(DhcpOption.CLIENT_IDENTIFIER)?.toString('hex'), '01525400123456', 'RFC 6842 echo');
}

test('iPXE exchange replayed: OFFER and ACK field by field, byte-identical to the capture', () => {
  const { discover, offer, request, ack } = captured();
  const responder = responderLikeTheCapture();

  const offered = responder.handlePacket(discover.payload, from);
  assert.ok(offered);
  checkBootReply(offered.message, DhcpMessageType.DHCPOFFER);
  assert.equal(offered.message.ciaddr, '0.0.0.0');
  assert.deepEqual([offered.address, offered.port, offered.broadcast], ['255.255.255.255', 68, true]);
  assert.deepEqual(offered.packet, offer.payload, 'golden OFFER');
  assert.deepEqual(decodeDhcpMessage(offer.payload), offered.message);

  const requestMessage = decodeDhcpMessage(request.payload);
  assert.equal(messageTypeOf(requestMessage.options), DhcpMessageType.DHCPREQUEST);
  assert.equal(ipv4Option(requestMessage.options, DhcpOption.SERVER_IDENTIFIER), '10.231.7.254');
  assert.equal(ipv4Option(requestMessage.options, DhcpOption.REQUESTED_IP_ADDRESS), '10.231.7.100');
  const acked = responder.handlePacket(request.payload, from);
  assert.ok(acked);
  checkBootReply(acked.message, DhcpMessageType.DHCPACK);
  assert.deepEqual(acked.packet, ack.payload, 'golden ACK');
  assert.deepEqual(
    responder.leases().map((lease) => [lease.mac, lease.address, lease.state]),
    [['52:54:00:12:34:56', '10.231.7.100', 'bound']],
  );
  assert.deepEqual(responder.stats, { ...responder.stats, received: 2, discovers: 1, offers: 1, requests: 1, acks: 1, garbage: 0, ignored: 0 });
});

test('the captured REQUEST, addressed to another server, is ignored and frees our offer', () => {
  const { discover, request } = captured();
  const responder = responderLikeTheCapture();
  assert.ok(responder.handlePacket(discover.payload, from));
  const other = Buffer.from(request.payload);
  const serverIdAt = other.indexOf(Buffer.from([DhcpOption.SERVER_IDENTIFIER, 4, 10, 231, 7, 254]), 240);
  assert.ok(serverIdAt > 240);
  other[serverIdAt + 5] = 253; // 10.231.7.253: some other server
  assert.equal(responder.handlePacket(other, from), undefined);
  assert.equal(responder.stats.ignored, 1);
  assert.equal(responder.stats.acks, 0);
  assert.deepEqual(responder.leases().map((lease) => lease.state), ['free']);
});
