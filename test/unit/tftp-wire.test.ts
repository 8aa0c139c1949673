import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TftpErrorCode,
  TftpOpcode,
  decodeAck,
  decodeError,
  decodeOack,
  decodeRequest,
  encodeAck,
  encodeError,
  encodeOack,
  encodeRequest,
  readDataBlock,
  readOpcode,
} from '../../src/boot/tftp/index.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

test('an RRQ with options decodes; names and mode are case-insensitive; the first duplicate wins', () => {
  const packet = Buffer.concat([Buffer.from([0, TftpOpcode.RRQ]), bytes('pxelinux.0\0OcTeT\0BLKSIZE\x001432\0tsize\x000\0blksize\x00512\0')]);
  const request = decodeRequest(packet);
  assert.ok(request);
  assert.equal(request.opcode, TftpOpcode.RRQ);
  assert.equal(request.filename, 'pxelinux.0');
  assert.equal(request.mode, 'octet');
  assert.deepEqual([...request.options], [
    ['blksize', '1432'],
    ['tsize', '0'],
  ]);
});

test('requests tolerate NUL padding and a cut-off option tail, but need a terminated name and mode', () => {
  const padded = Buffer.concat([Buffer.from([0, 1]), bytes('a\0octet\0'), Buffer.alloc(20)]);
  assert.deepEqual(decodeRequest(padded)?.options, new Map());
  const cut = Buffer.concat([Buffer.from([0, 1]), bytes('a\0octet\0blksize\x001468\0tsize')]);
  assert.deepEqual([...(decodeRequest(cut)?.options ?? [])], [['blksize', '1468']]);
  assert.equal(decodeRequest(Buffer.concat([Buffer.from([0, 1]), bytes('a\0octet')])), undefined);
  assert.equal(decodeRequest(Buffer.concat([Buffer.from([0, 1]), bytes('a')])), undefined);
  assert.equal(decodeRequest(Buffer.concat([Buffer.from([0, 1]), bytes('a\0\0')])), undefined, 'empty mode');
  assert.equal(decodeRequest(Buffer.from([0, 1])), undefined);
  assert.equal(decodeRequest(Buffer.from([0])), undefined);
  assert.equal(decodeRequest(Buffer.concat([Buffer.from([0, TftpOpcode.DATA]), bytes('a\0octet\0')])), undefined);
});

test('a WRQ decodes as a request too (the server refuses it later)', () => {
  const request = decodeRequest(encodeRequest({ opcode: TftpOpcode.WRQ, filename: 'x', mode: 'octet', options: new Map() }));
  assert.equal(request?.opcode, TftpOpcode.WRQ);
});

test('encodeRequest and decodeRequest round-trip any latin1 file name', () => {
  const filename = 'dir/\xe9t\xe9 file\x7f';
  const packet = encodeRequest({ opcode: TftpOpcode.RRQ, filename, mode: 'octet', options: new Map([['windowsize', '16']]) });
  const request = decodeRequest(packet);
  assert.equal(request?.filename, filename);
  assert.equal(request?.options.get('windowsize'), '16');
});

test('ACK, ERROR, OACK and DATA headers round-trip in network byte order', () => {
  assert.deepEqual(encodeAck(0x1234), Buffer.from([0, 4, 0x12, 0x34]));
  assert.equal(decodeAck(encodeAck(65535)), 65535);
  assert.equal(decodeAck(Buffer.from([0, 4, 0])), undefined, 'short ACK');
  assert.equal(decodeAck(Buffer.from([0, 3, 0, 1])), undefined, 'not an ACK');
  const error = encodeError(TftpErrorCode.FILE_NOT_FOUND, 'file not found');
  assert.deepEqual(error, Buffer.concat([Buffer.from([0, 5, 0, 1]), bytes('file not found\0')]));
  assert.deepEqual(decodeError(error), { code: 1, message: 'file not found' });
  assert.deepEqual(decodeError(Buffer.from([0, 5, 0, 8, 0x61])), { code: 8, message: 'a' }, 'missing terminator tolerated');
  const oack = encodeOack([
    ['blksize', '1432'],
    ['tsize', '42430'],
  ]);
  assert.deepEqual(oack, Buffer.concat([Buffer.from([0, 6]), bytes('blksize\x001432\0tsize\x0042430\0')]));
  assert.deepEqual(decodeOack(oack), new Map([
    ['blksize', '1432'],
    ['tsize', '42430'],
  ]));
  assert.equal(readDataBlock(Buffer.from([0, 3, 1, 2, 9, 9])), 0x0102);
  assert.equal(readDataBlock(Buffer.from([0, 4, 1, 2])), undefined);
  assert.equal(readOpcode(Buffer.from([0])), undefined);
});

test('decoders never throw on random input', () => {
  let state = 12345;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 16;
  };
  for (let round = 0; round < 20_000; round++) {
    const packet = Buffer.alloc(random() % 64);
    for (let index = 0; index < packet.length; index++) packet[index] = random() % 4 === 0 ? 0 : random() & 0xff;
    if (packet.length >= 2 && random() % 2 === 0) packet[0] = 0;
    if (packet.length >= 2 && random() % 2 === 0) packet[1] = random() % 8;
    decodeRequest(packet);
    decodeAck(packet);
    decodeError(packet);
    decodeOack(packet);
    readDataBlock(packet);
  }
});
