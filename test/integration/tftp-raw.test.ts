/**
 * The server seen packet by packet through a raw client on loopback: refusals, traversal,
 * transfer IDs, retransmission, windows, rollover, generated files, garbage and shutdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  decodeOack,
  encodeAck,
  encodeError,
  readDataBlock,
  readOpcode,
  TftpErrorCode,
  TftpOpcode,
  TftpServer,
  TftpServerError,
} from '../../src/boot/tftp/index.js';
import type { TftpClient, TftpTransferSummary } from '../../src/boot/tftp/index.js';
import { patternBytes, rawDownload, RawTftpClient, rrq, startTftpFixture, wrq } from './tftp-fixture.js';

async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('a WRQ is refused with ERROR 2 from the listening port; nothing is written', async () => {
  const fixture = await startTftpFixture();
  const client = await RawTftpClient.open();
  try {
    client.send(wrq('upload.bin'), fixture.port);
    const error = await client.receiveError();
    assert.equal(error.code, TftpErrorCode.ACCESS_VIOLATION);
    assert.equal(error.from.port, fixture.port);
    assert.equal(fixture.server.counters().writeRequestsRefused, 1);
    assert.equal(await client.receiveOrNothing(100), undefined);
  } finally {
    await client.close();
    await fixture.close();
  }
});

test('a missing file is ERROR 1; PXELINUX-style probes do not disturb the server', async () => {
  const fixture = await startTftpFixture({ files: { 'pxelinux.cfg/default': 'default linux\n' } });
  const client = await RawTftpClient.open();
  try {
    for (const probe of ['pxelinux.cfg/01-52-54-00-12-34-56', 'pxelinux.cfg/0A58009D', 'pxelinux.cfg/0A5800', 'nope/at/all']) {
      client.send(rrq(probe, { tsize: '0', blksize: '1432' }), fixture.port);
      const error = await client.receiveError();
      assert.equal(error.code, TftpErrorCode.FILE_NOT_FOUND, probe);
      assert.equal(error.message, 'file not found');
    }
    assert.equal((await rawDownload(fixture.port, 'pxelinux.cfg/default')).data.toString(), 'default linux\n');
    assert.equal(fixture.server.counters().errorsSent[TftpErrorCode.FILE_NOT_FOUND], 4);
  } finally {
    await client.close();
    await fixture.close();
  }
});

test('requests cannot leave the root: "..", absolute paths, backslashes, symlinks out, directories', async () => {
  const fixture = await startTftpFixture({ files: { 'boot/kernel': 'kernel', 'inside.txt': 'inside' } });
  const secret = join(dirname(fixture.root), 'secret.txt');
  writeFileSync(secret, 'secret');
  symlinkSync('../secret.txt', join(fixture.root, 'link-out'));
  symlinkSync('/etc/passwd', join(fixture.root, 'link-passwd'));
  symlinkSync(dirname(fixture.root), join(fixture.root, 'dir-out'));
  symlinkSync('boot/kernel', join(fixture.root, 'link-in'));
  symlinkSync('missing-target', join(fixture.root, 'dangling'));
  mkdirSync(join(fixture.root, 'emptydir'));
  const client = await RawTftpClient.open();
  try {
    const refusals: Array<[string, number]> = [
      ['../secret.txt', TftpErrorCode.ACCESS_VIOLATION],
      ['boot/../../secret.txt', TftpErrorCode.ACCESS_VIOLATION],
      ['/etc/passwd', TftpErrorCode.ACCESS_VIOLATION],
      [join(fixture.root, 'inside.txt'), TftpErrorCode.ACCESS_VIOLATION],
      ['boot\\kernel', TftpErrorCode.ACCESS_VIOLATION],
      ['..\\secret.txt', TftpErrorCode.ACCESS_VIOLATION],
      ['link-out', TftpErrorCode.ACCESS_VIOLATION],
      ['link-passwd', TftpErrorCode.ACCESS_VIOLATION],
      ['dir-out/secret.txt', TftpErrorCode.ACCESS_VIOLATION],
      ['emptydir', TftpErrorCode.ACCESS_VIOLATION],
      ['boot', TftpErrorCode.ACCESS_VIOLATION],
      ['dangling', TftpErrorCode.FILE_NOT_FOUND],
      ['inside.txt/x', TftpErrorCode.FILE_NOT_FOUND],
    ];
    for (const [name, code] of refusals) {
      client.send(rrq(name), fixture.port);
      const error = await client.receiveError();
      assert.equal(error.code, code, name);
      assert.ok(!error.message.includes(fixture.root) && !error.message.includes('secret') && !error.message.includes('/'), `no path leaks: ${error.message}`);
    }
    // A NUL in the name ends it early: the rest is read as the mode, which is refused.
    client.send(Buffer.concat([Buffer.from([0, 1]), Buffer.from('inside.txt\0../../secret.txt\0octet\0', 'latin1')]), fixture.port);
    assert.equal((await client.receiveError()).code, TftpErrorCode.ILLEGAL_OPERATION);
    assert.equal((await rawDownload(fixture.port, 'link-in')).data.toString(), 'kernel', 'a symlink inside the root is fine');
    assert.equal((await rawDownload(fixture.port, './boot//kernel')).data.toString(), 'kernel');
    assert.equal(fixture.server.counters().transfersStarted, 2);
  } finally {
    await client.close();
    await fixture.close();
  }
});

test('only octet mode is served: netascii and mail get ERROR 4', async () => {
  const fixture = await startTftpFixture({ files: { 'a.txt': 'a\nb\n' } });
  const client = await RawTftpClient.open();
  try {
    for (const mode of ['netascii', 'NetASCII', 'mail', 'binary']) {
      client.send(rrq('a.txt', {}, mode), fixture.port);
      const error = await client.receiveError();
      assert.equal(error.code, TftpErrorCode.ILLEGAL_OPERATION, mode);
    }
    client.send(rrq('a.txt', {}, 'OCTET'), fixture.port);
    assert.equal(readDataBlock((await client.receive()).packet), 1, 'mode is case-insensitive');
  } finally {
    await client.close();
    await fixture.close();
  }
});

test('a packet from a foreign TID gets ERROR 5 and leaves the transfer alone', async () => {
  const data = patternBytes(512 * 4 + 100);
  // A long timeout: no retransmission may blur the "nothing happened" checks.
  const fixture = await startTftpFixture({ files: { f: data }, timeoutMs: 5000 });
  const client = await RawTftpClient.open();
  const intruder = await RawTftpClient.open();
  try {
    client.send(rrq('f'), fixture.port);
    const first = await client.receive();
    assert.equal(readDataBlock(first.packet), 1);
    const tid = first.from.port;
    intruder.send(encodeAck(1), tid);
    const error = await intruder.receiveError();
    assert.equal(error.code, TftpErrorCode.UNKNOWN_TRANSFER_ID);
    assert.equal(error.from.port, tid);
    assert.equal(await client.receiveOrNothing(150), undefined, 'the foreign ACK did not advance the transfer');
    const received = [first.packet.subarray(4)];
    for (let block = 1; block <= 5; block++) {
      client.send(encodeAck(block), tid);
      if (block === 5) break;
      const next = await client.receive();
      assert.equal(readDataBlock(next.packet), block + 1);
      received.push(next.packet.subarray(4));
    }
    assert.deepEqual(Buffer.concat(received), data);
    await until(() => fixture.server.counters().transfersCompleted === 1, 'completion');
    assert.equal(fixture.server.counters().foreignTidPackets, 1);
  } finally {
    await client.close();
    await intruder.close();
    await fixture.close();
  }
});

test('duplicate ACKs do not trigger duplicate DATA in lock-step (Sorcerer\'s Apprentice)', async () => {
  const fixture = await startTftpFixture({ files: { f: patternBytes(512 * 3) }, timeoutMs: 5000 });
  const client = await RawTftpClient.open();
  try {
    client.send(rrq('f'), fixture.port);
    const first = await client.receive();
    const tid = first.from.port;
    client.send(encodeAck(1), tid);
    client.send(encodeAck(1), tid);
    client.send(encodeAck(0), tid);
    assert.equal(readDataBlock((await client.receive()).packet), 2);
    assert.equal(await client.receiveOrNothing(200), undefined);
    assert.equal(fixture.server.counters().ignoredAcks, 2);
  } finally {
    await client.close();
    await fixture.close();
  }
});

test('a silent client gets the OACK again after each timeout, then the transfer is dropped', async () => {
  const fixture = await startTftpFixture({ files: { f: 'x' }, timeoutMs: 40, retries: 3 });
  const client = await RawTftpClient.open();
  try {
    client.send(rrq('f', { tsize: '0' }), fixture.port);
    const oacks: number[] = [];
    for (;;) {
      const received = await client.receiveOrNothing(1000);
      if (!received) break;
      assert.equal(readOpcode(received.packet), TftpOpcode.OACK);
      oacks.push(received.from.port);
    }
    assert.equal(oacks.length, 4, 'the OACK and 3 retransmissions');
    assert.equal(new Set(oacks).size, 1, 'all from one TID');
    const counters = fixture.server.counters();
    assert.equal(counters.transfersTimedOut, 1);
    assert.equal(counters.activeTransfers, 0);
    assert.equal(counters.retransmissions, 3);
  } finally {
    await client.close();
    await fixture.close();
  }
});

test('a lost DATA is sent again after the timeout and the transfer completes', async () => {
  const data = patternBytes(512 * 6 + 7);
  const fixture = await startTftpFixture({ files: { f: data }, timeoutMs: 50 });
  try {
    const result = await rawDownload(fixture.port, 'f', { dropIncoming: (index) => index === 2 || index === 3, idleMs: 2000 });
    assert.deepEqual(result.data, data);
    assert.ok(fixture.server.counters().retransmissions >= 2);
  } finally {
    await fixture.close();
  }
});

test('a repeated RRQ from the same port is answered from the same transfer', async () => {
  const fixture = await startTftpFixture({ files: { f: patternBytes(100) } });
  const client = await RawTftpClient.open();
  try {
    client.send(rrq('f', { blksize: '1468' }), fixture.port);
    const first = await client.receive();
    client.send(rrq('f', { blksize: '1468' }), fixture.port);
    const second = await client.receive();
    assert.deepEqual(second.packet, first.packet);
    assert.equal(second.from.port, first.from.port);
    const counters = fixture.server.counters();
    assert.equal(counters.transfersStarted, 1);
    assert.equal(counters.duplicateRequests, 1);
  } finally {
    await client.close();
    await fixture.close();
  }
});

test('windowsize (RFC 7440): a window of DATA per ACK; a partial ACK restarts the window after it', async () => {
  const data = patternBytes(512 * 40 + 11);
  const fixture = await startTftpFixture({ files: { f: data }, timeoutMs: 5000 });
  const client = await RawTftpClient.open();
  try {
    client.send(rrq('f', { windowsize: '8', tsize: '0' }), fixture.port);
    const oack = await client.receive();
    assert.deepEqual(decodeOack(oack.packet), new Map([
      ['windowsize', '8'],
      ['tsize', String(data.length)],
    ]));
    const tid = oack.from.port;
    const window = async (): Promise<number[]> => {
      const blocks: number[] = [];
      for (;;) {
        const received = await client.receiveOrNothing(300);
        if (!received) return blocks;
        blocks.push(readDataBlock(received.packet) ?? -1);
      }
    };
    client.send(encodeAck(0), tid);
    assert.deepEqual(await window(), [1, 2, 3, 4, 5, 6, 7, 8]);
    client.send(encodeAck(5), tid);
    assert.deepEqual(await window(), [6, 7, 8, 9, 10, 11, 12, 13], 'the window restarts after the acknowledged block');
    client.send(encodeAck(13), tid);
    assert.deepEqual(await window(), [14, 15, 16, 17, 18, 19, 20, 21]);
    client.send(encodeAck(13), tid);
    assert.deepEqual(await window(), [14, 15, 16, 17, 18, 19, 20, 21], 'a repeated ACK asks for the window again, once');
    client.send(encodeAck(13), tid);
    assert.deepEqual(await window(), [], 'but only once');
    client.send(encodeError(TftpErrorCode.NOT_DEFINED, 'enough'), tid);
    await until(() => fixture.server.counters().transfersAborted === 1, 'abort');
    const full = await rawDownload(fixture.port, 'f', { options: { windowsize: '16', blksize: '1000' } });
    assert.deepEqual(full.data, data);
  } finally {
    await client.close();
    await fixture.close();
  }
});

test('block numbers wrap after 65535: to 0 by default, to 1 with rollover=1', async () => {
  const blksize = 8;
  const data = patternBytes(blksize * 65540 + 3);
  const fixture = await startTftpFixture({ files: { f: data } });
  try {
    const wrapToZero = await rawDownload(fixture.port, 'f', { options: { blksize: String(blksize), windowsize: '64' } });
    assert.deepEqual(wrapToZero.data, data);
    assert.deepEqual(wrapToZero.blockNumbers.slice(65533, 65539), [65534, 65535, 0, 1, 2, 3]);
    const wrapToOne = await rawDownload(fixture.port, 'f', { options: { blksize: String(blksize), windowsize: '64', rollover: '1' } });
    assert.equal(wrapToOne.oack?.get('rollover'), '1');
    assert.deepEqual(wrapToOne.data, data);
    assert.deepEqual(wrapToOne.blockNumbers.slice(65533, 65539), [65534, 65535, 1, 2, 3, 4]);
  } finally {
    await fixture.close();
  }
});

test('generated files come from resolveVirtual, per client, before the disk', async () => {
  const seen: Array<{ path: string; client: TftpClient }> = [];
  const fixture = await startTftpFixture({
    files: { 'pxelinux.cfg/default': 'from disk', 'plain.txt': 'plain' },
    virtualFiles: {
      resolveVirtual: async (path, client) => {
        seen.push({ path, client });
        if (path === 'boom') throw new Error('generator failed');
        if (path.startsWith('pxelinux.cfg/')) return Buffer.from(`generated ${path} for port ${client.port}`);
        return undefined;
      },
    },
  });
  const client = await RawTftpClient.open();
  try {
    const generated = await rawDownload(fixture.port, 'pxelinux.cfg//01-52-54-00-12-34-56', { options: { tsize: '0' } });
    assert.match(generated.data.toString(), /^generated pxelinux\.cfg\/01-52-54-00-12-34-56 for port \d+$/);
    assert.equal(generated.oack?.get('tsize'), String(generated.data.length));
    assert.match((await rawDownload(fixture.port, 'pxelinux.cfg/default')).data.toString(), /^generated/, 'generated wins over disk');
    assert.equal((await rawDownload(fixture.port, 'plain.txt')).data.toString(), 'plain', 'undefined falls through to disk');
    client.send(rrq('boom'), fixture.port);
    const error = await client.receiveError();
    assert.equal(error.code, TftpErrorCode.NOT_DEFINED);
    assert.equal(error.message, 'cannot generate file');
    assert.equal(seen[0]?.path, 'pxelinux.cfg/01-52-54-00-12-34-56', 'the hook sees the normalized path');
    assert.equal(seen[0]?.client.address, '127.0.0.1');
    assert.equal(seen[0]?.client.family, 'IPv4');
    assert.equal(fixture.server.counters().virtualFilesServed, 2);
  } finally {
    await client.close();
    await fixture.close();
  }
});

test('a tsize probe ended by the client counts as aborted; onTransferEnd reports each transfer', async () => {
  const ended: TftpTransferSummary[] = [];
  const fixture = await startTftpFixture({ files: { 'pxelinux.0': patternBytes(42430) }, onTransferEnd: (summary) => ended.push(summary) });
  const client = await RawTftpClient.open();
  try {
    client.send(rrq('pxelinux.0', { tsize: '0' }), fixture.port);
    const oack = await client.receive();
    assert.equal(decodeOack(oack.packet)?.get('tsize'), '42430');
    client.send(encodeError(TftpErrorCode.OPTION_REFUSED, 'tsize probe'), oack.from.port);
    await until(() => ended.length === 1, 'the end of the probe');
    assert.equal(ended[0]?.outcome, 'aborted');
    assert.match(ended[0]?.reason ?? '', /ERROR 8/);
    await rawDownload(fixture.port, 'pxelinux.0', { options: { blksize: '1432' } });
    await until(() => ended.length === 2, 'the end of the download');
    assert.equal(ended[1]?.outcome, 'completed');
    assert.equal(ended[1]?.blksize, 1432);
    assert.equal(ended[1]?.size, 42430);
  } finally {
    await client.close();
    await fixture.close();
  }
});

test('garbage is dropped and counted, on the listening port and on a transfer port', async () => {
  const data = patternBytes(2000);
  const fixture = await startTftpFixture({ files: { f: data } });
  const client = await RawTftpClient.open();
  try {
    const junk = [
      Buffer.alloc(0),
      Buffer.from([0]),
      Buffer.from([0, 99, 1, 2]),
      Buffer.from([0, TftpOpcode.ACK, 0, 1]),
      Buffer.from([0, TftpOpcode.DATA, 0, 1, 9]),
      Buffer.from([0, TftpOpcode.RRQ, 0x66]),
      Buffer.from([0, TftpOpcode.RRQ, 0x66, 0]),
    ];
    for (const packet of junk) client.send(packet, fixture.port);
    await until(() => fixture.server.counters().garbagePackets === junk.length, 'garbage counted');
    assert.equal(await client.receiveOrNothing(50), undefined, 'no answers to garbage');
    client.send(rrq('f'), fixture.port);
    const first = await client.receive();
    client.send(Buffer.from([0, 99]), first.from.port);
    client.send(Buffer.from([0, TftpOpcode.ACK, 0]), first.from.port);
    await until(() => fixture.server.counters().garbagePackets === junk.length + 2, 'transfer garbage counted');
    client.send(encodeAck(1), first.from.port);
    assert.equal(readDataBlock((await client.receive()).packet), 2, 'the transfer goes on');
    client.send(Buffer.from([0, TftpOpcode.DATA, 0, 1]), first.from.port);
    const error = await client.receiveError();
    assert.equal(error.code, TftpErrorCode.ILLEGAL_OPERATION);
    await until(() => fixture.server.counters().transfersFailed === 1, 'illegal operation ends the transfer');
    assert.deepEqual((await rawDownload(fixture.port, 'f')).data, data, 'still serving');
  } finally {
    await client.close();
    await fixture.close();
  }
});

test('options are clamped to the server limits; empty and block-multiple files end right', async () => {
  const fixture = await startTftpFixture({ files: { empty: '', even: patternBytes(1024), big: patternBytes(100_000) }, maxBlksize: 1468, maxWindowsize: 4 });
  try {
    const big = await rawDownload(fixture.port, 'big', { options: { blksize: '65464', windowsize: '64', timeout: '2' } });
    assert.deepEqual(big.oack, new Map([
      ['blksize', '1468'],
      ['windowsize', '4'],
      ['timeout', '2'],
    ]));
    assert.equal(big.data.length, 100_000);
    const empty = await rawDownload(fixture.port, 'empty');
    assert.equal(empty.data.length, 0);
    assert.deepEqual(empty.blockNumbers, [1]);
    const even = await rawDownload(fixture.port, 'even');
    assert.deepEqual(even.blockNumbers, [1, 2, 3], 'a 1024-byte file in 512-byte blocks ends with an empty block 3');
  } finally {
    await fixture.close();
  }
});

test('many concurrent transfers with mixed options all complete', async () => {
  const files: Record<string, Buffer> = {};
  for (let index = 0; index < 8; index++) files[`f${index}`] = patternBytes(30_000 + index * 7_777, index + 1);
  const fixture = await startTftpFixture({ files });
  try {
    const downloads = Array.from({ length: 64 }, (_, index) => {
      const name = `f${index % 8}`;
      const options: Record<string, string> = { blksize: String([512, 1432, 1468, 8192][index % 4]), tsize: '0' };
      if (index % 3 === 0) options.windowsize = String(1 + (index % 16));
      return rawDownload(fixture.port, name, { options }).then((result) => assert.deepEqual(result.data, files[name], name));
    });
    await Promise.all(downloads);
    await until(() => fixture.server.counters().transfersCompleted === 64, 'every final ACK');
    assert.equal(fixture.server.counters().activeTransfers, 0);
  } finally {
    await fixture.close();
  }
});

test('past maxTransfers a request gets ERROR 0; close() ends running transfers', async () => {
  const fixture = await startTftpFixture({ files: { f: patternBytes(10_000) }, maxTransfers: 1 });
  const first = await RawTftpClient.open();
  const second = await RawTftpClient.open();
  try {
    first.send(rrq('f'), fixture.port);
    const data = await first.receive();
    second.send(rrq('f'), fixture.port);
    const error = await second.receiveError();
    assert.equal(error.code, TftpErrorCode.NOT_DEFINED);
    await fixture.server.close();
    assert.equal(fixture.server.counters().activeTransfers, 0);
    first.send(encodeAck(1), data.from.port);
    assert.equal(await first.receiveOrNothing(150), undefined, 'the transfer socket is gone');
  } finally {
    await first.close();
    await second.close();
    await fixture.close();
  }
});

test('bad options and a missing root are TftpServerErrors', async () => {
  assert.throws(() => new TftpServer({ root: '/tmp', maxBlksize: 4 }), TftpServerError);
  assert.throws(() => new TftpServer({ root: '/tmp', maxWindowsize: 0 }), TftpServerError);
  assert.throws(() => new TftpServer({ root: '/tmp', port: 70000 }), TftpServerError);
  const server = new TftpServer({ root: '/nonexistent/rowboot-tftp', host: '127.0.0.1', port: 0 });
  await assert.rejects(server.listen(), TftpServerError);
  await server.close();
});
