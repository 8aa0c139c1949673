/**
 * Thousands of random, truncated and bit-flipped packets: the responder never throws, counts
 * every undecodable one as garbage, and still answers a good request afterwards; the same over
 * a real socket on loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import {
  decodeDhcpMessage,
  DhcpMessageType,
  DhcpResponder,
  encodeDhcpMessage,
  messageTypeOf,
  startDhcpServer,
} from '../../src/boot/dhcp/index.js';
import { readPcap, udpOfEthernetFrame } from '../helpers/pcap.js';
import { discover, fakeClock, from, request, rowbootCapture } from './dhcp-samples.js';

/** Deterministic PRNG (mulberry32) so that a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seeds(): Buffer[] {
  const captured = readPcap(rowbootCapture).records.map((record) => udpOfEthernetFrame(record.data)?.payload ?? Buffer.alloc(0));
  return [...captured, encodeDhcpMessage(discover('52:54:00:00:00:01')), encodeDhcpMessage(request({ type: DhcpMessageType.DHCPINFORM, ciaddr: '10.9.0.7' }))];
}

function mutants(count: number, seed: number): Buffer[] {
  const random = prng(seed);
  const int = (below: number): number => Math.floor(random() * below);
  const base = seeds();
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const original = base[int(base.length)] ?? Buffer.alloc(0);
    switch (i % 4) {
      case 0: {
        // Pure noise, sometimes with a valid header and cookie so that the option parser is hit.
        const noise = Buffer.alloc(int(700));
        for (let j = 0; j < noise.length; j++) noise[j] = int(256);
        if (noise.length > 240 && random() < 0.7) original.copy(noise, 0, 0, 240);
        out.push(noise);
        break;
      }
      case 1:
        out.push(Buffer.from(original.subarray(0, int(original.length + 1))));
        break;
      default: {
        const flipped = Buffer.from(original);
        const flips = 1 + int(8);
        for (let j = 0; j < flips; j++) {
          const at = random() < 0.8 ? 240 + int(Math.max(1, flipped.length - 240)) : int(flipped.length);
          if (at < flipped.length) flipped[at] = (flipped[at] ?? 0) ^ (1 << int(8));
        }
        out.push(flipped);
      }
    }
  }
  return out;
}

function decodes(packet: Buffer): boolean {
  try {
    decodeDhcpMessage(packet);
    return true;
  } catch {
    return false;
  }
}

test('fuzz: 20,000 mutated packets never throw; undecodable ones are exactly the garbage count', () => {
  const dhcp = new DhcpResponder({ serverAddress: '10.231.7.254', range: { from: '10.231.7.100', to: '10.231.7.200' }, now: fakeClock().now });
  const packets = mutants(20_000, 0x5eed);
  let expectedGarbage = 0;
  let replies = 0;
  for (const packet of packets) {
    if (!decodes(packet)) expectedGarbage++;
    const reply = dhcp.handlePacket(packet, from);
    if (reply) {
      replies++;
      assert.ok(reply.packet.length <= 1472 - 28, 'reply within the largest size a client announced');
      assert.ok(decodes(reply.packet), 'every reply decodes');
    }
  }
  const stats = dhcp.stats;
  assert.equal(stats.received, packets.length);
  assert.equal(stats.garbage, expectedGarbage);
  assert.ok(expectedGarbage > 5000, `enough garbage (${expectedGarbage})`);
  assert.ok(replies > 100, `some mutants are still valid requests (${replies})`);
  const offer = dhcp.handleMessage(discover('52:54:00:99:99:99'), from);
  assert.equal(offer ? messageTypeOf(offer.message.options) : undefined, DhcpMessageType.DHCPOFFER);
});

test('fuzz over a socket: garbage is dropped and counted, the server keeps answering', { timeout: 60_000 }, async () => {
  const client = createSocket('udp4');
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  const clientPort = (client.address() as AddressInfo).port;
  const server = await startDhcpServer({
    serverAddress: '127.0.0.1',
    prefixLength: 8,
    range: { from: '127.0.0.100', to: '127.0.0.200' },
    port: 0,
    clientPort,
  });
  try {
    const send = (packet: Buffer): Promise<void> =>
      new Promise((resolve, reject) => client.send(packet, server.port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    const garbage = mutants(3000, 0xbad).filter((packet) => !decodes(packet) && packet.length > 0);
    for (let i = 0; i < garbage.length; i += 100) {
      const batch = garbage.slice(i, i + 100);
      for (const packet of batch) await send(packet);
      // Let the server catch up so that loopback buffers never overflow.
      const target = Math.min(i + 100, garbage.length);
      for (let spin = 0; spin < 200 && server.stats.received < target; spin++) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(server.stats.received, garbage.length);
    assert.equal(server.stats.garbage, garbage.length);

    const answer = new Promise<Buffer>((resolve) => client.once('message', (message) => resolve(message)));
    await send(encodeDhcpMessage(request({ type: DhcpMessageType.DHCPINFORM, ciaddr: '127.0.0.1', xid: 0xfeed })));
    const reply = decodeDhcpMessage(await answer);
    assert.equal(reply.xid, 0xfeed);
    assert.equal(messageTypeOf(reply.options), DhcpMessageType.DHCPACK);
    assert.equal(server.stats.informs, 1);
    assert.equal(server.stats.replyErrors, 0);
  } finally {
    await server.close();
    client.close();
  }
});
