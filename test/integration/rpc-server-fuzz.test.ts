/**
 * Hostile records against the server (seeded, replayable): it must answer or close,
 * never crash, never answer a record that was not a call, and keep serving others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { LAST_FRAGMENT, RpcTcpClient } from '../../src/rpc/index.js';
import { FuzzRandom, makeFuzzRecord } from '../helpers/rpc-fuzz.js';
import { RawTcpPeer, TEST_PROGRAM, TEST_VERSION, TestProc, startTestServer } from './rpc-helpers.js';

const SEED = 0x5eed_0001;
const MAX_RECORD = 64 * 1024;
// Not DELAY or READ: a fuzzed wait or length would only test the fixture.
const targets = [{ program: TEST_PROGRAM, version: TEST_VERSION, procedures: [0, 1, 3, 4, 5, 9] }];

test('the server survives fuzzed records over TCP and UDP', async () => {
  const { server, port, logger } = await startTestServer({ maxRecordBytes: MAX_RECORD });
  const random = new FuzzRandom(SEED);
  const witness = new RpcTcpClient({ host: '127.0.0.1', port });
  try {
    let peer = await RawTcpPeer.connect(port);
    let sentOnPeer = 0;
    for (let i = 0; i < 600; i++) {
      const record = makeFuzzRecord(random, targets, [], MAX_RECORD);
      const mark = Buffer.alloc(4);
      mark.writeUInt32BE(LAST_FRAGMENT + record.claimedLength);
      peer.socket.write(Buffer.concat([mark, record.body]));
      sentOnPeer++;
      if (record.kind === 'oversized' || sentOnPeer >= 40) {
        // Either the server closed on us (garbage or oversized) or it answered: both are fine.
        peer.socket.end();
        await peer.waitClosed(5000);
        peer = await RawTcpPeer.connect(port);
        sentOnPeer = 0;
      }
    }
    peer.destroy();

    const udp = createSocket('udp4');
    udp.bind(0, '127.0.0.1');
    await once(udp, 'listening');
    for (let i = 0; i < 300; i++) udp.send(makeFuzzRecord(random, targets, [], MAX_RECORD).body, port, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    udp.close();

    const echoed = await witness.call(TEST_PROGRAM, TEST_VERSION, TestProc.ECHO, (w) => w.uint32(1).string('alive'), (r) => r.uint32());
    assert.equal(echoed, 1);
    assert.ok(server.counters.calls > 100, `${server.counters.calls} calls parsed`);
    assert.ok(server.counters.garbageRecords > 0);
    // FAIL (3) is the only procedure that throws; every SYSTEM_ERR must come from it.
    const errors = logger.entries.filter((entry) => entry.level === 'error');
    assert.equal(errors.length, server.counters.systemErrors);
    for (const entry of errors) assert.equal(entry.details?.['procedure'], TestProc.FAIL, entry.message);
  } finally {
    await witness.close();
    await server.close();
  }
});
