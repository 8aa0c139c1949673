/** RpcUdpClient: calls, error mapping, retransmission with the same xid, deadlines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { once } from 'node:events';
import { XdrReader, XdrWriter } from '../../src/xdr/index.js';
import {
  AUTH_NONE,
  AcceptStat,
  RpcAbortedError,
  RpcAcceptError,
  RpcConnectionError,
  RpcTimeoutError,
  RpcUdpClient,
  authSysCredential,
  decodeCallHeader,
  encodeAcceptedReply,
} from '../../src/rpc/index.js';
import { TEST_PROGRAM, TEST_VERSION, TestProc, startTestServer } from './rpc-helpers.js';

const noArgs = (): void => {};
const readUint = (r: XdrReader): number => r.uint32();

test('UDP calls, credentials and statuses', async () => {
  const { server, port } = await startTestServer();
  const client = new RpcUdpClient({ host: '127.0.0.1', port, credential: authSysCredential({ uid: 77 }) });
  try {
    const echoed = await client.call(
      TEST_PROGRAM, TEST_VERSION, TestProc.ECHO,
      (w) => w.uint32(5).string('over udp'),
      (r) => [r.uint32(), r.string()] as const,
    );
    assert.deepEqual(echoed, [5, 'over udp']);
    assert.equal(await client.call(TEST_PROGRAM, TEST_VERSION, TestProc.WHOAMI, noArgs, readUint), 77);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.call(TEST_PROGRAM, TEST_VERSION, TestProc.DELAY, (w) => w.uint32(i % 5).uint32(i), readUint)),
    );
    assert.deepEqual(results, Array.from({ length: 50 }, (_, i) => i));
    await assert.rejects(client.call(TEST_PROGRAM, 1, 0, noArgs, readUint), (error: unknown) => {
      assert.ok(error instanceof RpcAcceptError);
      assert.equal(error.acceptStat, AcceptStat.PROG_MISMATCH);
      assert.deepEqual(error.mismatch, { low: 2, high: 4 });
      return true;
    });
    await assert.rejects(client.call(TEST_PROGRAM, TEST_VERSION, TestProc.READ, (w) => w.uint32(100_000), readUint), (error: unknown) => {
      return error instanceof RpcAcceptError && error.acceptStat === AcceptStat.SYSTEM_ERR;
    });
  } finally {
    await client.close();
    await server.close();
  }
});

test('UDP retransmits when the server drops the first datagram', async () => {
  const { server, port, state } = await startTestServer();
  const client = new RpcUdpClient({ host: '127.0.0.1', port, retransmitMs: 40 });
  try {
    const value = await client.call(TEST_PROGRAM, TEST_VERSION, TestProc.DROP_FIRST, (w) => w.uint32(31), readUint);
    assert.equal(value, 31);
    assert.equal(state.dropFirstSeen.length, 2);
    assert.equal(state.dropFirstSeen[0], state.dropFirstSeen[1], 'the retransmission reuses the xid');
    assert.ok(client.counters.retransmits >= 1);
    assert.equal(server.counters.droppedReplies, 1);
  } finally {
    await client.close();
    await server.close();
  }
});

test('UDP retransmission backs off exponentially until the deadline', async () => {
  // A raw "server" that records every datagram and never answers.
  const silent = createSocket('udp4');
  silent.bind(0, '127.0.0.1');
  await once(silent, 'listening');
  const arrivals: { at: number; xid: number }[] = [];
  silent.on('message', (message: Buffer) => arrivals.push({ at: Date.now(), xid: decodeCallHeader(new XdrReader(message)).xid }));
  const client = new RpcUdpClient({ host: '127.0.0.1', port: silent.address().port, retransmitMs: 20, maxRetransmitMs: 80 });
  try {
    const started = Date.now();
    await assert.rejects(client.call(TEST_PROGRAM, TEST_VERSION, 0, noArgs, readUint, { timeoutMs: 400 }), RpcTimeoutError);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 390 && elapsed < 1500, `gave up after ${elapsed} ms`);
    // Sends at about 0, 20, 60, 140, 220, 300, 380 ms: 7 (a loaded machine may see fewer);
    // without the backoff a 20 ms interval would have sent about 20.
    assert.ok(arrivals.length >= 3 && arrivals.length <= 8, `${arrivals.length} datagrams`);
    assert.ok(arrivals.every((arrival) => arrival.xid === arrivals[0]?.xid));
    const gaps = arrivals.slice(1).map((arrival, i) => arrival.at - (arrivals[i]?.at ?? 0));
    assert.ok(Math.max(...gaps) >= 75, `the interval reached its 80 ms cap: ${gaps.join(', ')}`);
    assert.equal(client.pendingCalls, 0);
  } finally {
    await client.close();
    silent.close();
  }
});

test('UDP takes replies only from the server address and settles by xid', async () => {
  const fake = createSocket('udp4');
  fake.bind(0, '127.0.0.1');
  await once(fake, 'listening');
  const stranger = createSocket('udp4');
  stranger.bind(0, '127.0.0.1');
  await once(stranger, 'listening');
  fake.on('message', (message: Buffer, remote: RemoteInfo) => {
    const xid = decodeCallHeader(new XdrReader(message)).xid;
    const reply = (value: number): Buffer => {
      const writer = new XdrWriter();
      encodeAcceptedReply(writer, xid, AUTH_NONE, AcceptStat.SUCCESS);
      return writer.uint32(value).toBuffer();
    };
    // A spoofed answer from another port first, then the real one.
    stranger.send(reply(666), remote.port, remote.address);
    setTimeout(() => fake.send(reply(42), remote.port, remote.address), 20);
  });
  const client = new RpcUdpClient({ host: '127.0.0.1', port: fake.address().port });
  try {
    assert.equal(await client.call(TEST_PROGRAM, TEST_VERSION, 0, noArgs, readUint), 42);
    assert.equal(client.counters.strayDatagrams, 1);
  } finally {
    await client.close();
    fake.close();
    stranger.close();
  }
});

test('UDP abort and close', async () => {
  const { server, port } = await startTestServer();
  const client = new RpcUdpClient({ host: '127.0.0.1', port });
  try {
    await client.connect();
    const controller = new AbortController();
    const aborted = assert.rejects(client.call(TEST_PROGRAM, TEST_VERSION, TestProc.HANG, noArgs, readUint, { signal: controller.signal }), RpcAbortedError);
    controller.abort();
    await aborted;
    const hanging = assert.rejects(client.call(TEST_PROGRAM, TEST_VERSION, TestProc.HANG, noArgs, readUint), RpcConnectionError);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await client.close();
    await hanging;
    await assert.rejects(client.call(TEST_PROGRAM, TEST_VERSION, 0, noArgs, readUint), RpcConnectionError);
  } finally {
    await client.close();
    await server.close();
  }
});
