/** Golden encode/decode of DHCP messages: header layout, PAD/END, overload, RFC 3396 long options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientArchitectures,
  decodeDhcpMessage,
  DhcpDecodeError,
  DhcpEncodeError,
  DhcpMessageType,
  DhcpOption,
  encodeDhcpMessage,
  ipv4ListOption,
  optionValue,
  stringOption,
  userClasses,
} from '../../src/boot/dhcp/index.js';
import { request } from './dhcp-samples.js';

/** A hand-assembled DISCOVER: header, cookie, options with PADs between them, END, padding. */
function handDiscover(options: number[]): Buffer {
  const header = Buffer.alloc(240);
  header.set([1, 1, 6, 0], 0); // op, htype, hlen, hops
  header.set([0xde, 0xad, 0xbe, 0xef], 4); // xid
  header.set([0x00, 0x07], 8); // secs
  header.set([0x80, 0x00], 10); // flags: broadcast
  header.set([0x52, 0x54, 0x00, 0x12, 0x34, 0x56], 28); // chaddr
  header.write('srv', 44, 'latin1');
  header.write('boot/x', 108, 'latin1');
  header.set([0x63, 0x82, 0x53, 0x63], 236);
  return Buffer.concat([header, Buffer.from(options)]);
}

test('decodes a hand-built DISCOVER: header fields, PAD skipped, END ends, trailing pad ignored', () => {
  const packet = handDiscover([53, 1, 1, 0, 0, 50, 4, 10, 0, 0, 9, 0, 93, 2, 0, 7, 255, 0, 0, 0, 0]);
  const message = decodeDhcpMessage(packet);
  assert.equal(message.op, 1);
  assert.equal(message.htype, 1);
  assert.equal(message.hlen, 6);
  assert.equal(message.xid, 0xdeadbeef);
  assert.equal(message.secs, 7);
  assert.equal(message.flags, 0x8000);
  assert.equal(message.chaddr.toString('hex'), '525400123456');
  assert.equal(message.sname, 'srv');
  assert.equal(message.file, 'boot/x');
  assert.deepEqual([...message.options.keys()], [53, 50, 93]);
  assert.deepEqual(clientArchitectures(message.options), [7]);
  assert.deepEqual(ipv4ListOption(message.options, DhcpOption.REQUESTED_IP_ADDRESS), ['10.0.0.9']);
});

test('options after END are not read; a missing END is tolerated', () => {
  const afterEnd = decodeDhcpMessage(handDiscover([53, 1, 1, 255, 12, 3, 65, 66, 67]));
  assert.equal(afterEnd.options.has(DhcpOption.HOST_NAME), false);
  const noEnd = decodeDhcpMessage(handDiscover([53, 1, 1, 12, 2, 65, 66]));
  assert.equal(stringOption(noEnd.options, DhcpOption.HOST_NAME), 'AB');
});

test('RFC 3396: repeated instances of an option are concatenated in order', () => {
  const message = decodeDhcpMessage(handDiscover([53, 1, 1, 17, 3, 47, 97, 98, 0, 17, 2, 99, 100, 255]));
  assert.equal(stringOption(message.options, DhcpOption.ROOT_PATH), '/abcd');
});

test('RFC 2132 9.3 overload: options continue in file, then sname; the fields are not names then', () => {
  const packet = handDiscover([53, 1, 1, 52, 1, 3, 255]);
  packet.fill(0, 44, 236);
  Buffer.from([12, 2, 104, 105, 17, 2, 47, 120, 255]).copy(packet, 108); // file: host name "hi", root path "/x"
  Buffer.from([17, 2, 47, 121, 0, 0, 15, 1, 100, 255]).copy(packet, 44); // sname: more root path, domain "d"
  const message = decodeDhcpMessage(packet);
  assert.equal(message.file, '');
  assert.equal(message.sname, '');
  assert.equal(stringOption(message.options, DhcpOption.HOST_NAME), 'hi');
  assert.equal(stringOption(message.options, DhcpOption.ROOT_PATH), '/x/y', 'file before sname');
  assert.equal(stringOption(message.options, DhcpOption.DOMAIN_NAME), 'd');
  assert.equal(message.options.has(DhcpOption.OPTION_OVERLOAD), false);
});

test('malformed messages throw DhcpDecodeError', () => {
  const cases: [string, Buffer][] = [
    ['shorter than the header', Buffer.alloc(239)],
    ['no magic cookie', Buffer.alloc(300)],
    ['hlen > 16', (() => { const p = handDiscover([53, 1, 1, 255]); p[2] = 17; return p; })()],
    ['option without a length octet', handDiscover([53, 1, 1, 12])],
    ['option longer than the packet', handDiscover([53, 1, 1, 12, 9, 65])],
    ['bad overload value', handDiscover([53, 1, 1, 52, 1, 4, 255])],
    ['overload option of two octets', handDiscover([53, 1, 1, 52, 2, 1, 1, 255])],
    ['option in an overloaded file field running past it', (() => {
      const p = handDiscover([53, 1, 1, 52, 1, 1, 255]);
      p.fill(0, 108, 236);
      p[108 + 126] = 12;
      p[108 + 127] = 5;
      return p;
    })()],
  ];
  for (const [name, packet] of cases) assert.throws(() => decodeDhcpMessage(packet), DhcpDecodeError, name);
});

test('encode: header layout, END, padded to 300 octets, decode(encode(m)) == m', () => {
  const message = request({ type: DhcpMessageType.DHCPDISCOVER, mac: '52:54:00:12:34:56', xid: 0x01020304, flags: 0x8000 });
  message.options.set(DhcpOption.HOST_NAME, optionValue.string('node1'));
  message.file = 'pxelinux.0';
  const packet = encodeDhcpMessage(message);
  assert.equal(packet.length, 300);
  assert.equal(packet.subarray(0, 12).toString('hex'), '010106000102030400008000');
  assert.equal(packet.subarray(236, 240).toString('hex'), '63825363');
  assert.equal(packet.subarray(240, 251).toString('hex'), '350101' + '0c056e6f646531' + 'ff');
  assert.equal(packet.subarray(108, 119).toString('latin1'), 'pxelinux.0\0');
  assert.deepEqual(decodeDhcpMessage(packet), message);
});

test('encode: a value over 255 octets is split into instances (RFC 3396) and decodes back whole', () => {
  const message = request({ type: DhcpMessageType.DHCPOFFER });
  const long = Buffer.alloc(300, 0x61);
  message.options.set(DhcpOption.ROOT_PATH, long);
  const packet = encodeDhcpMessage(message, { maxSize: 1000 });
  const at = packet.indexOf(Buffer.from([DhcpOption.ROOT_PATH, 255]), 240);
  assert.ok(at > 0);
  assert.deepEqual(packet.subarray(at + 257, at + 259), Buffer.from([DhcpOption.ROOT_PATH, 45]));
  assert.deepEqual(decodeDhcpMessage(packet).options.get(DhcpOption.ROOT_PATH), long);
});

test('encode: options that do not fit spill into free file and sname fields with option 52', () => {
  const message = request({ type: DhcpMessageType.DHCPACK });
  // 298 octets leave 58 for options: 53 and the host name fit there, the root path goes to
  // file (128), the domain name to sname (64).
  message.options.set(DhcpOption.HOST_NAME, Buffer.alloc(40, 0x63));
  message.options.set(DhcpOption.ROOT_PATH, Buffer.alloc(100, 0x62));
  message.options.set(DhcpOption.DOMAIN_NAME, Buffer.alloc(50, 0x64));
  const packet = encodeDhcpMessage(message, { maxSize: 548 - 250 });
  assert.ok(packet.length <= 298);
  assert.deepEqual(packet.subarray(240, 243), Buffer.from([DhcpOption.OPTION_OVERLOAD, 1, 3]));
  const decoded = decodeDhcpMessage(packet);
  assert.deepEqual(decoded.options, message.options);
  assert.equal(decoded.file, '');
  assert.equal(decoded.sname, '');

  // A file name in use cannot be overloaded: then it does not fit at all.
  message.file = 'pxelinux.0';
  message.sname = 'tftp';
  assert.throws(() => encodeDhcpMessage(message, { maxSize: 548 - 250 }), DhcpEncodeError);
});

test('option readers: RFC 3004 user classes vs the bare iPXE string, NUL-terminated text', () => {
  const options = new Map<number, Buffer>([[DhcpOption.USER_CLASS, Buffer.from('iPXE')]]);
  assert.deepEqual(userClasses(options), ['iPXE']);
  options.set(DhcpOption.USER_CLASS, Buffer.from([4, ...Buffer.from('iPXE'), 3, ...Buffer.from('abc')]));
  assert.deepEqual(userClasses(options), ['iPXE', 'abc']);
  options.set(DhcpOption.HOST_NAME, Buffer.from('name\0'));
  assert.equal(stringOption(options, DhcpOption.HOST_NAME), 'name');
  options.set(DhcpOption.CLIENT_SYSTEM_ARCHITECTURE, Buffer.from([0, 7, 0]));
  assert.deepEqual(clientArchitectures(options), [], 'odd-length option 93 is ignored');
});
