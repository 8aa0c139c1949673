/** The DHCP state machine (RFC 2131 section 4.3) driven in-process with a fake clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DhcpClient, DhcpReply, DhcpResponderOptions, LeaseEvent } from '../../src/boot/dhcp/index.js';
import {
  BootpFlags,
  ClientArch,
  DhcpMessageType,
  DhcpOption,
  DhcpResponder,
  ipv4Option,
  LeaseFileError,
  messageTypeOf,
  optionValue,
  stringOption,
  uint32Option,
} from '../../src/boot/dhcp/index.js';
import { discover, fakeClock, firmwareOptions, from, ipxeOptions, request, select } from './dhcp-samples.js';

const SERVER = '10.9.0.1';
const A = '52:54:00:00:00:0a';
const B = '52:54:00:00:00:0b';
const C = '52:54:00:00:00:0c';

function responder(extra: Partial<DhcpResponderOptions> = {}): { dhcp: DhcpResponder; clock: ReturnType<typeof fakeClock> } {
  const clock = fakeClock();
  const dhcp = new DhcpResponder({ serverAddress: SERVER, range: { from: '10.9.0.100', to: '10.9.0.102' }, now: clock.now, ...extra });
  return { dhcp, clock };
}

function typeOf(reply: DhcpReply | undefined): number | undefined {
  return reply ? messageTypeOf(reply.message.options) : undefined;
}

/** DISCOVER + REQUEST; returns the bound address. */
function lease(dhcp: DhcpResponder, mac: string): string {
  const offer = dhcp.handleMessage(discover(mac), from);
  assert.equal(typeOf(offer), DhcpMessageType.DHCPOFFER);
  const ack = dhcp.handleMessage(select(mac, SERVER, offer?.message.yiaddr ?? ''), from);
  assert.equal(typeOf(ack), DhcpMessageType.DHCPACK);
  return ack?.message.yiaddr ?? '';
}

const initReboot = (mac: string, address: string) =>
  request({ type: DhcpMessageType.DHCPREQUEST, mac, options: [[DhcpOption.REQUESTED_IP_ADDRESS, optionValue.ipv4(address)]] });
const renewing = (mac: string, address: string) => request({ type: DhcpMessageType.DHCPREQUEST, mac, ciaddr: address });

test('DISCOVER -> OFFER at once; REQUEST -> ACK; the lease is reported', () => {
  const events: LeaseEvent[] = [];
  const { dhcp } = responder({ onLeaseChange: (event) => events.push(event) });
  const offer = dhcp.handleMessage(discover(A), from);
  assert.ok(offer);
  assert.equal(offer.message.yiaddr, '10.9.0.100');
  assert.equal(offer.message.options.has(DhcpOption.ROUTER), false);
  assert.equal(offer.message.options.has(DhcpOption.DOMAIN_NAME_SERVER), false);
  assert.equal(offer.message.options.has(DhcpOption.DOMAIN_NAME), false);
  assert.equal(offer.message.siaddr, '0.0.0.0', 'no boot file for a plain DHCP client');
  assert.deepEqual(dhcp.leases().map((l) => l.state), ['offered']);
  assert.equal(lease(dhcp, A), '10.9.0.100');
  assert.equal(events.length, 1);
  assert.equal(events[0]?.type, 'bound');
  assert.equal(events[0]?.lease.mac, A);
  assert.equal(dhcp.leaseByAddress('10.9.0.100')?.mac, A);
  assert.equal(dhcp.leaseByAddress('10.9.0.101'), undefined);
});

test('router, DNS and domain are sent only when configured', () => {
  const { dhcp } = responder({ routers: ['10.9.0.1'], dnsServers: ['10.9.0.1', '10.9.0.2'], domainName: 'lab.example' });
  const offer = dhcp.handleMessage(discover(A), from);
  assert.equal(ipv4Option(offer?.message.options ?? new Map(), DhcpOption.ROUTER), '10.9.0.1');
  assert.equal(offer?.message.options.get(DhcpOption.DOMAIN_NAME_SERVER)?.toString('hex'), '0a0900010a090002');
  assert.equal(stringOption(offer?.message.options ?? new Map(), DhcpOption.DOMAIN_NAME), 'lab.example');
});

test('a REQUEST for another server is ignored and releases our offer', () => {
  const { dhcp } = responder({ range: { from: '10.9.0.100', to: '10.9.0.100' } });
  assert.equal(typeOf(dhcp.handleMessage(discover(A), from)), DhcpMessageType.DHCPOFFER);
  assert.equal(typeOf(dhcp.handleMessage(discover(B), from)), undefined, 'the only address is held by the offer');
  assert.equal(dhcp.handleMessage(select(A, '10.9.0.2', '10.9.0.100'), from), undefined);
  assert.equal(dhcp.stats.ignored, 1);
  assert.equal(dhcp.handleMessage(discover(B), from)?.message.yiaddr, '10.9.0.100');
});

test('INIT-REBOOT: ACK for the right address, NAK for a wrong one or another network', () => {
  const { dhcp } = responder();
  lease(dhcp, A);
  lease(dhcp, B);
  const ok = dhcp.handleMessage(initReboot(A, '10.9.0.100'), from);
  assert.equal(typeOf(ok), DhcpMessageType.DHCPACK);
  assert.deepEqual([ok?.address, ok?.broadcast], ['255.255.255.255', true]);
  const taken = dhcp.handleMessage(initReboot(A, '10.9.0.101'), from);
  assert.equal(typeOf(taken), DhcpMessageType.DHCPNAK);
  assert.equal(taken?.message.yiaddr, '0.0.0.0');
  assert.equal(ipv4Option(taken?.message.options ?? new Map(), DhcpOption.SERVER_IDENTIFIER), SERVER);
  assert.equal(stringOption(taken?.message.options ?? new Map(), DhcpOption.MESSAGE), 'requested address is not available');
  assert.deepEqual([taken?.address, taken?.port], ['255.255.255.255', 68], 'NAKs are broadcast (section 4.1)');
  const elsewhere = dhcp.handleMessage(initReboot(A, '192.168.1.5'), from);
  assert.equal(typeOf(elsewhere), DhcpMessageType.DHCPNAK);
  assert.equal(dhcp.stats.naks, 2);
});

test('INIT-REBOOT from an unknown client: ACK when authoritative, silence otherwise', () => {
  const authoritative = responder().dhcp;
  assert.equal(typeOf(authoritative.handleMessage(initReboot(C, '10.9.0.102'), from)), DhcpMessageType.DHCPACK);
  const polite = responder({ authoritative: false }).dhcp;
  assert.equal(polite.handleMessage(initReboot(C, '10.9.0.102'), from), undefined);
  assert.equal(polite.stats.ignored, 1);
});

test('RENEWING/REBINDING: ACK unicast to ciaddr with ciaddr echoed; NAK for an address not ours', () => {
  const { dhcp, clock } = responder();
  const address = lease(dhcp, A);
  clock.advance(1800_000);
  const renew = dhcp.handleMessage(renewing(A, address), from);
  assert.equal(typeOf(renew), DhcpMessageType.DHCPACK);
  assert.equal(renew?.message.ciaddr, address);
  assert.equal(renew?.message.yiaddr, address);
  assert.deepEqual([renew?.address, renew?.port, renew?.broadcast], [address, 68, false]);
  assert.equal(dhcp.leases()[0]?.boundUntil, clock.now() + 3600_000, 'the lease runs from the renewal');
  const wrong = dhcp.handleMessage(renewing(B, address), from);
  assert.equal(typeOf(wrong), DhcpMessageType.DHCPNAK);
  assert.deepEqual([wrong?.address, wrong?.broadcast], ['255.255.255.255', true]);
});

test('an expired lease is renewed if nobody took the address, and given away otherwise', () => {
  const { dhcp, clock } = responder({ range: { from: '10.9.0.100', to: '10.9.0.100' } });
  lease(dhcp, A);
  clock.advance(3601_000);
  assert.equal(typeOf(dhcp.handleMessage(renewing(A, '10.9.0.100'), from)), DhcpMessageType.DHCPACK);
  clock.advance(3601_000);
  assert.equal(lease(dhcp, B), '10.9.0.100');
  assert.equal(typeOf(dhcp.handleMessage(renewing(A, '10.9.0.100'), from)), DhcpMessageType.DHCPNAK);
});

test('DECLINE keeps the address out of the pool for the hold time', () => {
  const { dhcp, clock } = responder({ declineHoldSeconds: 60 });
  const address = lease(dhcp, A);
  const decline = request({
    type: DhcpMessageType.DHCPDECLINE,
    mac: A,
    options: [
      [DhcpOption.SERVER_IDENTIFIER, optionValue.ipv4(SERVER)],
      [DhcpOption.REQUESTED_IP_ADDRESS, optionValue.ipv4(address)],
    ],
  });
  assert.equal(dhcp.handleMessage(decline, from), undefined);
  assert.equal(dhcp.stats.declines, 1);
  assert.equal(dhcp.handleMessage(discover(A), from)?.message.yiaddr, '10.9.0.101');
  assert.equal(dhcp.handleMessage(discover(B), from)?.message.yiaddr, '10.9.0.102');
  assert.equal(typeOf(dhcp.handleMessage(initReboot(C, address), from)), DhcpMessageType.DHCPNAK);
  clock.advance(61_000);
  assert.equal(dhcp.handleMessage(discover(C), from)?.message.yiaddr, address);
});

test('RELEASE frees the lease; the client gets the same address next time', () => {
  const { dhcp } = responder();
  const address = lease(dhcp, A);
  const release = request({ type: DhcpMessageType.DHCPRELEASE, mac: A, ciaddr: address, options: [[DhcpOption.SERVER_IDENTIFIER, optionValue.ipv4(SERVER)]] });
  assert.equal(dhcp.handleMessage(release, from), undefined);
  assert.equal(dhcp.leases()[0]?.state, 'free');
  lease(dhcp, B);
  assert.equal(lease(dhcp, A), address);
});

test('INFORM: ACK with configuration, no lease time, yiaddr 0, sent to ciaddr', () => {
  const { dhcp } = responder({ dnsServers: ['10.9.0.1'] });
  const inform = request({ type: DhcpMessageType.DHCPINFORM, mac: C, ciaddr: '10.9.0.50' });
  const ack = dhcp.handleMessage(inform, from);
  assert.equal(typeOf(ack), DhcpMessageType.DHCPACK);
  assert.equal(ack?.message.yiaddr, '0.0.0.0');
  assert.equal(ack?.message.ciaddr, '10.9.0.50');
  assert.equal(ack?.message.options.has(DhcpOption.IP_ADDRESS_LEASE_TIME), false);
  assert.equal(ack?.message.options.has(DhcpOption.RENEWAL_TIME_VALUE), false);
  assert.equal(ack?.message.options.has(DhcpOption.DOMAIN_NAME_SERVER), true);
  assert.deepEqual([ack?.address, ack?.port], ['10.9.0.50', 68]);
  assert.deepEqual(dhcp.leases(), [], 'INFORM creates no lease');
});

test('relayed requests: replies go to giaddr on port 67, option 82 echoed, NAK with the broadcast bit', () => {
  const { dhcp } = responder();
  const agentInfo = Buffer.from([1, 3, 0x61, 0x62, 0x63]);
  const relayed = request({ type: DhcpMessageType.DHCPDISCOVER, mac: A, giaddr: '10.9.0.254', options: [[DhcpOption.RELAY_AGENT_INFORMATION, agentInfo]] });
  const offer = dhcp.handleMessage(relayed, from);
  assert.deepEqual([offer?.address, offer?.port, offer?.broadcast], ['10.9.0.254', 67, false]);
  assert.equal(offer?.message.giaddr, '10.9.0.254');
  assert.deepEqual(offer?.message.options.get(DhcpOption.RELAY_AGENT_INFORMATION), agentInfo);
  const nak = dhcp.handleMessage(request({ type: DhcpMessageType.DHCPREQUEST, mac: A, giaddr: '10.9.0.254', options: [[DhcpOption.REQUESTED_IP_ADDRESS, optionValue.ipv4('10.1.1.1')]] }), from);
  assert.equal(typeOf(nak), DhcpMessageType.DHCPNAK);
  assert.equal((nak?.message.flags ?? 0) & BootpFlags.BROADCAST, BootpFlags.BROADCAST);
  assert.deepEqual([nak?.address, nak?.port], ['10.9.0.254', 67]);
  const foreign = request({ type: DhcpMessageType.DHCPDISCOVER, mac: B, giaddr: '172.16.0.1' });
  assert.equal(dhcp.handleMessage(foreign, from), undefined, 'no pool for a relay on another subnet');
});

test('broadcast bit and ciaddr: broadcast when the client has no address, with or without the bit', () => {
  const { dhcp } = responder();
  const withBit = dhcp.handleMessage(request({ type: DhcpMessageType.DHCPDISCOVER, mac: A, flags: BootpFlags.BROADCAST }), from);
  assert.deepEqual([withBit?.address, withBit?.broadcast, withBit?.message.flags], ['255.255.255.255', true, BootpFlags.BROADCAST]);
  const withoutBit = dhcp.handleMessage(discover(B), from);
  assert.deepEqual([withoutBit?.address, withoutBit?.broadcast, withoutBit?.message.flags], ['255.255.255.255', true, 0]);
});

test('boot file by architecture and user class; iPXE gets 175/176; chooser and hook see the client', () => {
  const { dhcp } = responder({ range: { from: '10.9.0.100', to: '10.9.0.120' } });
  const bootOf = (mac: string, options: [number, Buffer][]) => {
    const offer = dhcp.handleMessage(discover(mac, options), from);
    return [offer?.message.file, stringOption(offer?.message.options ?? new Map(), DhcpOption.BOOTFILE_NAME), offer?.message.options.get(DhcpOption.IPXE_ENCAPSULATED)?.toString('hex')];
  };
  assert.deepEqual(bootOf('52:54:00:00:01:01', firmwareOptions(ClientArch.INTEL_X86PC)), ['pxelinux.0', 'pxelinux.0', undefined]);
  assert.deepEqual(bootOf('52:54:00:00:01:02', ipxeOptions(ClientArch.INTEL_X86PC)), ['pxelinux.0', 'pxelinux.0', 'b00101ff']);
  assert.deepEqual(bootOf('52:54:00:00:01:03', firmwareOptions(ClientArch.EFI_X86_64)), ['ipxe.efi', 'ipxe.efi', undefined]);
  assert.deepEqual(bootOf('52:54:00:00:01:04', ipxeOptions(ClientArch.EFI_BC)), ['boot.ipxe', 'boot.ipxe', 'b00101ff']);

  const seen: DhcpClient[] = [];
  const custom = responder({
    nextServer: '10.9.0.2',
    bootFile: (client) => {
      seen.push(client);
      return client.isIpxe ? 'http://10.9.0.2/boot.ipxe' : 'undionly.kpxe';
    },
    clientOptions: (client, address) => new Map([[DhcpOption.ROOT_PATH, optionValue.string(`10.9.0.1:/main/${client.mac}/${address}`)]]),
    ipxeNoProxyDhcp: false,
  }).dhcp;
  const offer = custom.handleMessage(discover(A, ipxeOptions(ClientArch.INTEL_X86PC)), from);
  assert.equal(offer?.message.siaddr, '10.9.0.2');
  assert.equal(stringOption(offer?.message.options ?? new Map(), DhcpOption.TFTP_SERVER_NAME), '10.9.0.2');
  assert.equal(offer?.message.file, 'http://10.9.0.2/boot.ipxe');
  assert.equal(offer?.message.options.has(DhcpOption.IPXE_ENCAPSULATED), false);
  assert.equal(stringOption(offer?.message.options ?? new Map(), DhcpOption.ROOT_PATH), `10.9.0.1:/main/${A}/10.9.0.100`);
  assert.deepEqual([seen[0]?.arch, seen[0]?.userClass, seen[0]?.mac], [0, 'iPXE', A]);

  const none = responder({ bootFile: null }).dhcp.handleMessage(discover(A, firmwareOptions(0)), from);
  assert.deepEqual([none?.message.siaddr, none?.message.file, none?.message.options.has(DhcpOption.BOOTFILE_NAME)], ['0.0.0.0', '', false]);
});

test('static leases: fixed address and host name, never given to anyone else', () => {
  const { dhcp } = responder({ staticLeases: [{ mac: A.toUpperCase(), address: '10.9.0.200', hostName: 'node-a' }] });
  const offer = dhcp.handleMessage(discover(A), from);
  assert.equal(offer?.message.yiaddr, '10.9.0.200');
  assert.equal(stringOption(offer?.message.options ?? new Map(), DhcpOption.HOST_NAME), 'node-a');
  assert.equal(lease(dhcp, A), '10.9.0.200');
  assert.equal(typeOf(dhcp.handleMessage(initReboot(A, '10.9.0.101'), from)), DhcpMessageType.DHCPNAK, 'a pinned client may not move');
  assert.equal(typeOf(dhcp.handleMessage(initReboot(B, '10.9.0.200'), from)), DhcpMessageType.DHCPNAK);
  assert.equal(dhcp.handleMessage(discover(B, [[DhcpOption.REQUESTED_IP_ADDRESS, optionValue.ipv4('10.9.0.200')]]), from)?.message.yiaddr, '10.9.0.100');
});

test('a full pool leaves DISCOVERs unanswered (counted) until a lease expires', () => {
  const { dhcp, clock } = responder({ range: { from: '10.9.0.100', to: '10.9.0.101' } });
  lease(dhcp, A);
  lease(dhcp, B);
  assert.equal(dhcp.handleMessage(discover(C), from), undefined);
  assert.equal(dhcp.stats.poolExhausted, 1);
  clock.advance(3601_000);
  assert.ok(['10.9.0.100', '10.9.0.101'].includes(dhcp.handleMessage(discover(C), from)?.message.yiaddr ?? ''));
});

test('a requested address (option 50) in a DISCOVER is honoured when free', () => {
  const { dhcp } = responder();
  const offer = dhcp.handleMessage(discover(A, [[DhcpOption.REQUESTED_IP_ADDRESS, optionValue.ipv4('10.9.0.102')]]), from);
  assert.equal(offer?.message.yiaddr, '10.9.0.102');
});

test('a client id other than the MAC is a different client (RFC 2131 section 4.2)', () => {
  const { dhcp } = responder();
  const withId = (id: string) => discover(A, [[DhcpOption.CLIENT_IDENTIFIER, Buffer.from(id, 'hex')]]);
  assert.equal(lease(dhcp, A), '10.9.0.100');
  // 01 + MAC is the MAC itself (what iPXE and udhcpc send): same lease.
  assert.equal(dhcp.handleMessage(withId('0152540000000a'), from)?.message.yiaddr, '10.9.0.100');
  const other = dhcp.handleMessage(withId('ff00112233'), from);
  assert.equal(other?.message.yiaddr, '10.9.0.101');
  assert.equal(other?.message.options.get(DhcpOption.CLIENT_IDENTIFIER)?.toString('hex'), 'ff00112233');
});

test('option 57 lets a large reply through; without it the reply is kept within 548 octets', () => {
  const big = { clientOptions: () => new Map([[DhcpOption.ROOT_PATH, Buffer.alloc(600, 0x61)]]) };
  const small = responder(big).dhcp.handleMessage(discover(A), from);
  assert.equal(small, undefined, 'does not fit 548 octets even overloaded');
  const large = responder(big).dhcp.handleMessage(discover(A, [[DhcpOption.MAXIMUM_DHCP_MESSAGE_SIZE, optionValue.uint16(1472)]]), from);
  assert.ok(large && large.packet.length <= 1472 - 28);
  assert.equal(large.message.options.get(DhcpOption.ROOT_PATH)?.length, 600);
});

test('non-requests, other hardware types and messages without option 53 are ignored', () => {
  const { dhcp } = responder();
  const reply = discover(A);
  reply.op = 2;
  const tokenRing = discover(A);
  tokenRing.htype = 6;
  const bootp = discover(A);
  bootp.options.delete(DhcpOption.DHCP_MESSAGE_TYPE);
  for (const message of [reply, tokenRing, bootp]) assert.equal(dhcp.handleMessage(message, from), undefined);
  assert.equal(dhcp.stats.ignored, 3);
});

test('lease file: same client -> same address after a restart; written atomically', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rowboot-dhcp-unit-'));
  try {
    const leaseFile = join(dir, 'leases.json');
    const first = responder({ leaseFile }).dhcp;
    lease(first, A);
    lease(first, B);
    assert.deepEqual(readdirSync(dir), ['leases.json'], 'no temporary file left');
    const saved = JSON.parse(readFileSync(leaseFile, 'utf8')) as { version: number; leases: { mac: string; address: string }[] };
    assert.equal(saved.version, 1);
    assert.deepEqual(saved.leases.map((l) => [l.mac, l.address]), [[A, '10.9.0.100'], [B, '10.9.0.101']]);
    const second = responder({ leaseFile }).dhcp;
    assert.equal(second.handleMessage(discover(B), from)?.message.yiaddr, '10.9.0.101');
    assert.equal(typeOf(second.handleMessage(renewing(A, '10.9.0.100'), from)), DhcpMessageType.DHCPACK);
    assert.equal(second.leaseByAddress('10.9.0.100')?.mac, A);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lease file problems: unreadable file refuses to start; failed write means no ACK', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rowboot-dhcp-unit-'));
  try {
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{ not json');
    assert.throws(() => responder({ leaseFile: corrupt }), LeaseFileError);
    const unwritable = join(dir, 'missing-dir', 'leases.json');
    const { dhcp } = responder({ leaseFile: unwritable });
    const offer = dhcp.handleMessage(discover(A), from);
    assert.equal(dhcp.handleMessage(select(A, SERVER, offer?.message.yiaddr ?? ''), from), undefined);
    assert.equal(dhcp.stats.replyErrors, 1);
    assert.equal(existsSync(unwritable), false);
    assert.deepEqual(dhcp.leases().map((l) => l.state), ['offered'], 'the failed bind was rolled back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lease times: option 51 and T1/T2 = 1/2 and 7/8 (RFC 2131 section 4.4.5)', () => {
  const { dhcp } = responder({ leaseTimeSeconds: 600 });
  const offer = dhcp.handleMessage(discover(A), from);
  const options = offer?.message.options ?? new Map();
  assert.deepEqual(
    [uint32Option(options, DhcpOption.IP_ADDRESS_LEASE_TIME), uint32Option(options, DhcpOption.RENEWAL_TIME_VALUE), uint32Option(options, DhcpOption.REBINDING_TIME_VALUE)],
    [600, 300, 525],
  );
});
