/**
 * Golden test from a real capture (test/unit/tftp-fixtures, copied from the shared PXE
 * fixtures): iPXE in QEMU fetching pxelinux.0 from dnsmasq 2.90 with blksize 1432 and tsize,
 * the first 40 packets, each frame cut at 96 octets. The client's packets are replayed
 * verbatim against our server, which must answer as dnsmasq did: the same OACK octets, then
 * DATA packets with the same numbers, lengths and (captured) leading octets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  decodeAck,
  decodeOack,
  decodeRequest,
  encodeError,
  readDataBlock,
  readOpcode,
  TftpErrorCode,
  TftpOpcode,
} from '../../src/boot/tftp/index.js';
import { LINKTYPE_ETHERNET, readPcap, udpOfEthernetFrame } from '../helpers/pcap.js';
import type { UdpDatagram } from '../helpers/pcap.js';
import { repoRoot } from '../helpers/repo-root.js';
import { RawTftpClient, startTftpFixture } from '../integration/tftp-fixture.js';

const capturePath = join(repoRoot, 'test/unit/tftp-fixtures/pxelinux-tftp-start-dnsmasq.pcap');
const ETHERNET_IPV4_UDP_HEADERS = 14 + 20 + 8;
const CLIENT = '10.88.0.157';
const SERVER = '10.88.0.1';
const BLKSIZE = 1432;

interface CapturedPacket extends UdpDatagram {
  /** The UDP payload's length on the wire (the capture holds only its first octets). */
  wireLength: number;
}

function capturedPackets(): CapturedPacket[] {
  const pcap = readPcap(capturePath);
  assert.equal(pcap.linkType, LINKTYPE_ETHERNET);
  return pcap.records.map((record, index) => {
    const udp = udpOfEthernetFrame(record.data);
    assert.ok(udp, `record ${index} is IPv4/UDP`);
    return { ...udp, wireLength: record.originalLength - ETHERNET_IPV4_UDP_HEADERS };
  });
}

test('the capture decodes: RRQ with blksize and tsize, OACK, then lock-step DATA and ACK', () => {
  const packets = capturedPackets();
  assert.equal(packets.length, 40);
  const [request, oack, ...rest] = packets;
  assert.ok(request && oack);
  assert.equal(request.sourceAddress, CLIENT);
  assert.equal(request.destinationPort, 69);
  const decoded = decodeRequest(request.payload);
  assert.deepEqual(decoded && { ...decoded, options: [...decoded.options] }, {
    opcode: TftpOpcode.RRQ,
    filename: 'pxelinux.0',
    mode: 'octet',
    options: [
      ['blksize', '1432'],
      ['tsize', '0'],
    ],
  });
  assert.equal(oack.sourceAddress, SERVER);
  assert.notEqual(oack.sourcePort, 69, 'the transfer runs on a new server TID');
  assert.deepEqual(decodeOack(oack.payload), new Map([
    ['blksize', '1432'],
    ['tsize', '42430'],
  ]));
  rest.forEach((packet, index) => {
    const fromClient = packet.sourceAddress === CLIENT;
    assert.equal(fromClient, index % 2 === 0, 'ACK and DATA alternate');
    assert.equal(packet.destinationPort, fromClient ? oack.sourcePort : request.sourcePort, 'both sides keep their TIDs');
    if (fromClient) {
      assert.equal(decodeAck(packet.payload), index / 2);
    } else {
      assert.equal(readDataBlock(packet.payload), (index + 1) / 2);
      assert.equal(packet.wireLength, 4 + BLKSIZE);
      assert.equal(packet.truncated, true);
    }
  });
});

test('replaying the client side against our server gives dnsmasq\'s answers', async () => {
  const packets = capturedPackets();
  const [request, oack, ...rest] = packets;
  assert.ok(request && oack);
  const size = Number(decodeOack(oack.payload)?.get('tsize'));
  // A pxelinux.0 of the captured size whose captured octets are the real ones.
  const image = Buffer.alloc(size);
  for (const packet of rest) {
    const block = packet.sourceAddress === SERVER ? readDataBlock(packet.payload) : undefined;
    if (block !== undefined) packet.payload.subarray(4).copy(image, (block - 1) * BLKSIZE);
  }
  const fixture = await startTftpFixture({ files: { 'pxelinux.0': image } });
  const client = await RawTftpClient.open();
  try {
    client.send(request.payload, fixture.port);
    const answer = await client.receive();
    assert.deepEqual(answer.packet, oack.payload, 'OACK octet for octet');
    const tid = answer.from.port;
    for (let index = 0; index < rest.length; index += 2) {
      const ack = rest[index];
      const data = rest[index + 1];
      assert.ok(ack && data);
      client.send(ack.payload, tid);
      const reply = await client.receive();
      assert.equal(reply.from.port, tid);
      assert.equal(reply.packet.length, data.wireLength, `DATA ${readDataBlock(data.payload)} length`);
      assert.deepEqual(reply.packet.subarray(0, data.payload.length), data.payload, `DATA ${readDataBlock(data.payload)} octets`);
    }
    // The capture stops here; end the transfer the way a client gives up.
    client.send(encodeError(TftpErrorCode.NOT_DEFINED, 'capture ends'), tid);
    const deadline = Date.now() + 2000;
    while (fixture.server.counters().activeTransfers > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const counters = fixture.server.counters();
    assert.equal(counters.transfersAborted, 1);
    assert.equal(counters.blocksSent, 19);
    assert.equal(counters.retransmissions, 0);
    assert.equal(readOpcode((await client.receiveOrNothing(100))?.packet ?? Buffer.alloc(0)), undefined, 'nothing after the abort');
  } finally {
    await client.close();
    await fixture.close();
  }
});
