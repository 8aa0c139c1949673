/**
 * RpcTcpClient against our RpcServer over loopback: multiplexing, error mapping,
 * deadlines, abort, reconnects and record limits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { XdrReader, XdrWriter } from '../../src/xdr/index.js';
import {
  AcceptStat,
  AuthFlavor,
  AuthStat,
  RejectStat,
  RpcAbortedError,
  RpcAcceptError,
  RpcConnectionError,
  RpcDeniedError,
  RpcTcpClient,
  RpcTimeoutError,
  authSysCredential,
  type RpcCallOptions,
} from '../../src/rpc/index.js';
import { TEST_PROGRAM, TEST_VERSION, TestProc, startTestServer } from './rpc-helpers.js';

const noArgs = (): void => {};
const readUint = (r: XdrReader): number => r.uint32();

function delayCall(client: RpcTcpClient, ms: number, value: number, options?: RpcCallOptions): Promise<number> {
  return client.call(TEST_PROGRAM, TEST_VERSION, TestProc.DELAY, (w: XdrWriter) => w.uint32(ms).uint32(value), readUint, options);
}

function isAcceptError(stat: number, mismatch?: { low: number; high: number }) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof RpcAcceptError, `expected RpcAcceptError, got ${String(error)}`);
    assert.equal(error.acceptStat, stat);
    assert.deepEqual(error.mismatch, mismatch);
    return true;
  };
}

function isDenied(rejectStat: number, detail: RpcDeniedError['detail']) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof RpcDeniedError, `expected RpcDeniedError, got ${String(error)}`);
    assert.equal(error.rejectStat, rejectStat);
    assert.deepEqual(error.detail, detail);
    return true;
  };
}

test('concurrent calls are multiplexed by xid and complete out of order', async () => {
  const { server, port } = await startTestServer();
  const client = new RpcTcpClient({ host: '127.0.0.1', port });
  try {
    const finished: number[] = [];
    const slow = delayCall(client, 120, 1).then((v) => finished.push(v));
    const fast = delayCall(client, 0, 2).then((v) => finished.push(v));
    await Promise.all([slow, fast]);
    assert.deepEqual(finished, [2, 1]);

    const values = Array.from({ length: 300 }, (_, i) => i);
    const results = await Promise.all(values.map((i) => delayCall(client, (i * 7) % 13, i)));
    assert.deepEqual(results, values);
    assert.equal(client.pendingCalls, 0);
    assert.equal(server.counters.connections, 1);
  } finally {
    await client.close();
    await server.close();
  }
});

test('reply statuses become typed errors', async () => {
  const { server, port } = await startTestServer();
  const client = new RpcTcpClient({ host: '127.0.0.1', port });
  try {
    await assert.rejects(client.call(0x2000_ffff, 1, 0, noArgs, readUint), isAcceptError(AcceptStat.PROG_UNAVAIL));
    await assert.rejects(client.call(TEST_PROGRAM, 7, 0, noArgs, readUint), isAcceptError(AcceptStat.PROG_MISMATCH, { low: 2, high: 4 }));
    await assert.rejects(client.call(TEST_PROGRAM, TEST_VERSION, 99, noArgs, readUint), isAcceptError(AcceptStat.PROC_UNAVAIL));
    await assert.rejects(client.call(TEST_PROGRAM, TEST_VERSION, TestProc.ECHO, noArgs, readUint), isAcceptError(AcceptStat.GARBAGE_ARGS));
    await assert.rejects(client.call(TEST_PROGRAM, TEST_VERSION, TestProc.FAIL, noArgs, readUint), isAcceptError(AcceptStat.SYSTEM_ERR));
    await assert.rejects(
      client.call(TEST_PROGRAM, TEST_VERSION, TestProc.TOO_WEAK, noArgs, readUint),
      isDenied(RejectStat.AUTH_ERROR, { authStat: AuthStat.AUTH_TOOWEAK }),
    );
    await assert.rejects(
      client.call(TEST_PROGRAM, TEST_VERSION, 0, noArgs, readUint, { credential: { flavor: AuthFlavor.AUTH_DH, body: Buffer.alloc(0) } }),
      isDenied(RejectStat.AUTH_ERROR, { authStat: AuthStat.AUTH_BADCRED }),
    );
    // The connection survives all of that.
    assert.equal(await client.call(TEST_PROGRAM, TEST_VERSION, TestProc.WHOAMI, noArgs, readUint), 0xffffffff);
    assert.equal(server.counters.connections, 1);
  } finally {
    await client.close();
    await server.close();
  }
});

test('default and per-call credentials reach the handler', async () => {
  const { server, port } = await startTestServer();
  const client = new RpcTcpClient({ host: '127.0.0.1', port, credential: authSysCredential({ uid: 1000, gid: 1000 }) });
  try {
    assert.equal(await client.call(TEST_PROGRAM, TEST_VERSION, TestProc.WHOAMI, noArgs, readUint), 1000);
    const override = { credential: authSysCredential({ uid: 33 }) };
    assert.equal(await client.call(TEST_PROGRAM, TEST_VERSION, TestProc.WHOAMI, noArgs, readUint, override), 33);
  } finally {
    await client.close();
    await server.close();
  }
});

test('a call past its deadline fails with RpcTimeoutError; late replies are ignored', async () => {
  const { server, port } = await startTestServer();
  const client = new RpcTcpClient({ host: '127.0.0.1', port, timeoutMs: 5000 });
  try {
    const started = Date.now();
    await assert.rejects(client.call(TEST_PROGRAM, TEST_VERSION, TestProc.HANG, noArgs, readUint, { timeoutMs: 80 }), RpcTimeoutError);
    assert.ok(Date.now() - started < 1000);
    await assert.rejects(delayCall(client, 150, 1, { timeoutMs: 30 }), RpcTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(client.unmatchedReplies, 1, 'the late reply was dropped');
    assert.equal(client.pendingCalls, 0);
    assert.equal(await delayCall(client, 0, 5), 5);
  } finally {
    await client.close();
    await server.close();
  }
});

test('AbortSignal abandons a call, before or during', async () => {
  const { server, port } = await startTestServer();
  const client = new RpcTcpClient({ host: '127.0.0.1', port });
  try {
    const controller = new AbortController();
    const pending = client.call(TEST_PROGRAM, TEST_VERSION, TestProc.HANG, noArgs, readUint, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 20);
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(error instanceof RpcAbortedError);
      assert.equal((error.cause as Error).message, 'user gave up');
      return true;
    });
    await assert.rejects(delayCall(client, 0, 1, { signal: AbortSignal.abort() }), RpcAbortedError);
    assert.equal(client.pendingCalls, 0);
    // A signal that never fires does not leak into later calls.
    const idle = new AbortController();
    assert.equal(await delayCall(client, 0, 3, { signal: idle.signal }), 3);
  } finally {
    await client.close();
    await server.close();
  }
});

test('the client reconnects after a server restart and resends calls that were in flight', async () => {
  const first = await startTestServer({}, { udp: false });
  const port = first.port;
  const client = new RpcTcpClient({ host: '127.0.0.1', port, timeoutMs: 5000 });
  let second: Awaited<ReturnType<typeof startTestServer>> | undefined;
  try {
    assert.equal(await delayCall(client, 0, 1), 1);
    // Idle connection lost: the next call opens a new one.
    await first.server.close();
    second = await startTestServer({}, { udp: false, port });
    assert.equal(await delayCall(client, 0, 2), 2);
    assert.equal(client.counters.connects, 2);

    // Connection lost with a call in flight: it is sent again on the next connection.
    const resentBefore = client.counters.resentCalls;
    const inFlight = delayCall(client, 300, 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await second.server.close();
    const third = await startTestServer({}, { udp: false, port });
    second = third;
    assert.equal(await inFlight, 3);
    assert.equal(client.counters.resentCalls - resentBefore, 1);
    assert.equal(third.server.counters.calls, 1);
  } finally {
    await client.close();
    await second?.server.close();
  }
});

test('a call whose connection drops twice fails with RpcConnectionError', async () => {
  const { server, port } = await startTestServer({}, { udp: false });
  // A "server" that accepts and immediately drops every connection, after the first call is sent.
  await server.close();
  const dropper = createServer((socket) => socket.once('data', () => socket.destroy()));
  await new Promise<void>((resolve) => dropper.listen(port, '127.0.0.1', resolve));
  const client = new RpcTcpClient({ host: '127.0.0.1', port, timeoutMs: 5000 });
  try {
    await assert.rejects(delayCall(client, 0, 1), (error: unknown) => {
      assert.ok(error instanceof RpcConnectionError);
      assert.match(error.message, /lost/);
      return true;
    });
    assert.equal(client.counters.resentCalls, 1);
  } finally {
    await client.close();
    await new Promise((resolve) => dropper.close(resolve));
  }
});

test('without a server: connect() rejects, calls fail with RpcConnectionError', async () => {
  const { server, port } = await startTestServer({}, { udp: false });
  await server.close();
  const once = new RpcTcpClient({ host: '127.0.0.1', port, reconnect: false });
  const retrying = new RpcTcpClient({ host: '127.0.0.1', port, timeoutMs: 300 });
  try {
    await assert.rejects(once.connect(), RpcConnectionError);
    await assert.rejects(delayCall(once, 0, 1), (error: unknown) => {
      assert.ok(error instanceof RpcConnectionError);
      assert.equal((error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
      return true;
    });
    // With reconnect, the call keeps trying until its deadline, then reports why it never got out.
    const started = Date.now();
    await assert.rejects(delayCall(retrying, 0, 1), (error: unknown) => {
      assert.ok(error instanceof RpcConnectionError);
      assert.equal((error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
      return true;
    });
    assert.ok(Date.now() - started >= 250);
    assert.ok(retrying.counters.connectFailures >= 2, `${retrying.counters.connectFailures} attempts`);
  } finally {
    await once.close();
    await retrying.close();
  }
});

test('close() fails pending calls and later calls', async () => {
  const { server, port } = await startTestServer();
  const client = new RpcTcpClient({ host: '127.0.0.1', port });
  try {
    const pending = assert.rejects(client.call(TEST_PROGRAM, TEST_VERSION, TestProc.HANG, noArgs, readUint), RpcConnectionError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.close();
    await pending;
    await assert.rejects(delayCall(client, 0, 1), RpcConnectionError);
  } finally {
    await server.close();
  }
});

test('large payloads go both ways intact; an over-limit call closes only its own connection', async () => {
  const { server, port } = await startTestServer();
  const client = new RpcTcpClient({ host: '127.0.0.1', port });
  const other = new RpcTcpClient({ host: '127.0.0.1', port, reconnect: false });
  try {
    const payload = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
    const written = await client.call(TEST_PROGRAM, TEST_VERSION, TestProc.WRITE, (w) => w.opaque(payload), readUint);
    assert.equal(written, payload.length);
    const read = await client.call(TEST_PROGRAM, TEST_VERSION, TestProc.READ, (w) => w.uint32(1024 * 1024), (r) => r.opaque());
    assert.equal(read.length, 1024 * 1024);
    for (let i = 0; i < read.length; i += 4093) assert.equal(read[i], i & 0xff);

    await other.connect();
    const tooBig = Buffer.alloc(2 * 1024 * 1024);
    await assert.rejects(other.call(TEST_PROGRAM, TEST_VERSION, TestProc.WRITE, (w) => w.opaque(tooBig), readUint), RpcConnectionError);
    assert.equal(server.counters.oversizedRecords, 1);
    assert.equal(await delayCall(client, 0, 9), 9);
  } finally {
    await client.close();
    await other.close();
    await server.close();
  }
});

test('a reply over the client limit closes the connection', async () => {
  const { server, port } = await startTestServer();
  const client = new RpcTcpClient({ host: '127.0.0.1', port, maxRecordBytes: 1000, reconnect: false });
  try {
    await assert.rejects(
      client.call(TEST_PROGRAM, TEST_VERSION, TestProc.READ, (w) => w.uint32(5000), (r) => r.opaque()),
      RpcConnectionError,
    );
    assert.equal(await delayCall(client, 0, 4), 4, 'a later call opens a new connection');
  } finally {
    await client.close();
    await server.close();
  }
});

test('a handler that throws RpcNoReply leaves the call to its deadline', async () => {
  const { server, port, state } = await startTestServer();
  const client = new RpcTcpClient({ host: '127.0.0.1', port });
  try {
    await assert.rejects(
      client.call(TEST_PROGRAM, TEST_VERSION, TestProc.DROP_FIRST, (w) => w.uint32(1), readUint, { timeoutMs: 100 }),
      RpcTimeoutError,
    );
    assert.equal(await client.call(TEST_PROGRAM, TEST_VERSION, TestProc.DROP_FIRST, (w) => w.uint32(2), readUint), 2);
    assert.equal(state.dropFirstSeen.length, 2);
    assert.equal(server.counters.droppedReplies, 1);
  } finally {
    await client.close();
    await server.close();
  }
});
