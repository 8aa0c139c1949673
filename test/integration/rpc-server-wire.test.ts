/**
 * The server's answers checked on the wire, with hand-built records over raw TCP and UDP
 * sockets: every accept/reject status of RFC 5531 the dispatcher can produce, garbage
 * records, oversized records, flow control and half-close.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { XdrWriter } from '../../src/xdr/index.js';
import {
  AcceptStat,
  AuthFlavor,
  AuthStat,
  LAST_FRAGMENT,
  authSysCredential,
} from '../../src/rpc/index.js';
import { RawTcpPeer, TEST_PROGRAM, TEST_VERSIONS, TestProc, parseReply, rawCall, startTestServer } from './rpc-helpers.js';

test('every dispatch outcome over TCP, on one connection that stays open', async () => {
  const { server, port, logger } = await startTestServer();
  const peer = await RawTcpPeer.connect(port);
  try {
    let xid = 100;
    const next = (): number => ++xid;

    const ok = await peer.call(rawCall({ xid: next(), procedure: TestProc.ECHO, args: (w) => w.uint32(9).string('hi') }));
    assert.deepEqual(ok.header, { xid, kind: 'accepted', verifier: { flavor: 0, body: Buffer.alloc(0) }, acceptStat: AcceptStat.SUCCESS });
    assert.equal(ok.rest.uint32(), 9);
    assert.equal(ok.rest.string(), 'hi');
    assert.equal(ok.rest.remaining, 0);

    // rpcvers 3: MSG_DENIED RPC_MISMATCH with the versions we speak (2..2).
    const mismatch = await peer.call(rawCall({ xid: next(), rpcVersion: 3 }));
    assert.deepEqual(mismatch.header, { xid, kind: 'rpc-mismatch', low: 2, high: 2 });

    const noProgram = await peer.call(rawCall({ xid: next(), program: 0x2000_ffff }));
    assert.equal(noProgram.header.kind === 'accepted' && noProgram.header.acceptStat, AcceptStat.PROG_UNAVAIL);
    assert.equal(noProgram.rest.remaining, 0);

    for (const version of [1, 5]) {
      const noVersion = await peer.call(rawCall({ xid: next(), version }));
      assert.deepEqual(noVersion.header, {
        xid, kind: 'accepted', verifier: { flavor: 0, body: Buffer.alloc(0) },
        acceptStat: AcceptStat.PROG_MISMATCH, low: TEST_VERSIONS.low, high: TEST_VERSIONS.high,
      });
    }

    const noProcedure = await peer.call(rawCall({ xid: next(), procedure: 99 }));
    assert.equal(noProcedure.header.kind === 'accepted' && noProcedure.header.acceptStat, AcceptStat.PROC_UNAVAIL);

    // ECHO wants a uint32 and a string; a lone uint32 is garbage.
    const garbage = await peer.call(rawCall({ xid: next(), procedure: TestProc.ECHO, args: (w) => w.uint32(1) }));
    assert.equal(garbage.header.kind === 'accepted' && garbage.header.acceptStat, AcceptStat.GARBAGE_ARGS);

    const failing = await peer.call(rawCall({ xid: next(), procedure: TestProc.FAIL }));
    assert.equal(failing.header.kind === 'accepted' && failing.header.acceptStat, AcceptStat.SYSTEM_ERR);
    assert.ok(logger.entries.some((entry) => entry.level === 'error' && String(entry.details?.['error']).includes('handler exploded')));

    const tooWeak = await peer.call(rawCall({ xid: next(), procedure: TestProc.TOO_WEAK }));
    assert.deepEqual(tooWeak.header, { xid, kind: 'auth-error', authStat: AuthStat.AUTH_TOOWEAK });

    const unknownFlavor = await peer.call(rawCall({ xid: next(), credential: { flavor: AuthFlavor.AUTH_DH, body: Buffer.alloc(8) } }));
    assert.deepEqual(unknownFlavor.header, { xid, kind: 'auth-error', authStat: AuthStat.AUTH_BADCRED });

    const badSys = await peer.call(rawCall({ xid: next(), credential: { flavor: AuthFlavor.AUTH_SYS, body: Buffer.alloc(12) } }));
    assert.deepEqual(badSys.header, { xid, kind: 'auth-error', authStat: AuthStat.AUTH_BADCRED });

    const badVerifier = await peer.call(rawCall({ xid: next(), verifier: { flavor: AuthFlavor.AUTH_SYS, body: Buffer.alloc(4) } }));
    assert.deepEqual(badVerifier.header, { xid, kind: 'auth-error', authStat: AuthStat.AUTH_BADVERF });

    // A credential body over 400 bytes (RFC 5531 section 8.2) cannot be decoded at all.
    const hugeCredential = new XdrWriter().uint32(xid + 1).uint32(0).uint32(2).uint32(TEST_PROGRAM).uint32(3).uint32(0)
      .uint32(AuthFlavor.AUTH_SYS).uint32(404).raw(Buffer.alloc(404)).uint32(0).uint32(0).toBuffer();
    const huge = await peer.call(hugeCredential);
    assert.deepEqual(huge.header, { xid: next(), kind: 'auth-error', authStat: AuthStat.AUTH_BADCRED });

    const who = await peer.call(rawCall({ xid: next(), procedure: TestProc.WHOAMI, credential: authSysCredential({ uid: 4242 }) }));
    assert.equal(who.rest.uint32(), 4242);
    const nobody = await peer.call(rawCall({ xid: next(), procedure: TestProc.WHOAMI }));
    assert.equal(nobody.rest.uint32(), 0xffffffff);

    // Header cut after rpcvers: xid is known, so the call gets GARBAGE_ARGS, not a close.
    const cut = await peer.call(new XdrWriter().uint32(next()).uint32(0).uint32(2).uint32(TEST_PROGRAM).toBuffer());
    assert.deepEqual(cut.header.xid, xid);
    assert.equal(cut.header.kind === 'accepted' && cut.header.acceptStat, AcceptStat.GARBAGE_ARGS);

    // A call split into many fragments is one record.
    peer.sendRecord(rawCall({ xid: next(), procedure: TestProc.ECHO, args: (w) => w.uint32(5).string('fragments') }), 3);
    const fragmented = parseReply((await peer.nextRecord()) as Buffer);
    assert.equal(fragmented.header.xid, xid);
    assert.equal(fragmented.rest.uint32(), 5);

    assert.equal(peer.closed, false);
    assert.equal(server.counters.garbageRecords, 0);
    assert.equal(server.counters.systemErrors, 1);
    assert.equal(server.counters.garbageArgs, 2);
    assert.equal(server.counters.unavailable, 4);
    assert.equal(server.counters.rejected, 6);
  } finally {
    peer.destroy();
    await server.close();
  }
});

test('records that are not calls close the connection and are counted', async () => {
  const { server, port } = await startTestServer();
  try {
    const short = await RawTcpPeer.connect(port);
    short.sendRecord(Buffer.from([0, 0, 0, 1]));
    await short.waitClosed();
    assert.equal(short.records.length, 0);

    const reply = await RawTcpPeer.connect(port);
    reply.sendRecord(new XdrWriter().uint32(7).uint32(1).uint32(0).toBuffer());
    await reply.waitClosed();

    const empty = await RawTcpPeer.connect(port);
    empty.sendRecord(Buffer.alloc(0));
    await empty.waitClosed();

    assert.equal(server.counters.garbageRecords, 3);
    assert.equal(server.counters.calls, 0);
  } finally {
    await server.close();
  }
});

test('an oversized record closes its connection while another client keeps working', async () => {
  const { server, port, logger } = await startTestServer({ maxRecordBytes: 4096 });
  const good = await RawTcpPeer.connect(port);
  const bad = await RawTcpPeer.connect(port);
  try {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(LAST_FRAGMENT + 4097);
    bad.socket.write(header);
    await bad.waitClosed();
    assert.equal(server.counters.oversizedRecords, 1);
    assert.ok(logger.entries.some((entry) => entry.level === 'warn' && entry.details?.['recordBytes'] === 4097));

    const reply = await good.call(rawCall({ xid: 1, procedure: TestProc.ECHO, args: (w) => w.uint32(3).string('still here') }));
    assert.equal(reply.rest.uint32(), 3);

    // Exactly at the limit is fine.
    const atLimit = rawCall({ xid: 2, procedure: TestProc.WRITE, args: (w) => w.opaque(Buffer.alloc(4096 - 44)) });
    assert.equal(atLimit.length, 4096);
    const written = await good.call(atLimit);
    assert.equal(written.rest.uint32(), 4096 - 44);
  } finally {
    good.destroy();
    bad.destroy();
    await server.close();
  }
});

test('replies on one connection come back in completion order', async () => {
  const { server, port } = await startTestServer();
  const peer = await RawTcpPeer.connect(port);
  try {
    peer.sendRecord(rawCall({ xid: 1, procedure: TestProc.DELAY, args: (w) => w.uint32(150).uint32(1) }));
    peer.sendRecord(rawCall({ xid: 2, procedure: TestProc.DELAY, args: (w) => w.uint32(0).uint32(2) }));
    peer.sendRecord(rawCall({ xid: 3, procedure: TestProc.NULL }));
    const order: number[] = [];
    for (let i = 0; i < 3; i++) order.push(parseReply((await peer.nextRecord()) as Buffer).header.xid);
    assert.equal(order[2], 1, 'the slow call finishes last');
    assert.deepEqual([...order].sort(), [1, 2, 3]);
  } finally {
    peer.destroy();
    await server.close();
  }
});

test('a connection runs at most maxInFlightPerConnection calls at once and answers them all', async () => {
  const { server, port, state } = await startTestServer({ maxInFlightPerConnection: 8 });
  const peer = await RawTcpPeer.connect(port);
  try {
    const total = 200;
    const stream = Buffer.concat(
      Array.from({ length: total }, (_, i) => {
        const message = rawCall({ xid: i + 1, procedure: TestProc.DELAY, args: (w) => w.uint32(2).uint32(i) });
        const mark = Buffer.alloc(4);
        mark.writeUInt32BE(LAST_FRAGMENT + message.length);
        return Buffer.concat([mark, message]);
      }),
    );
    peer.socket.write(stream);
    const seen = new Set<number>();
    for (let i = 0; i < total; i++) {
      const reply = parseReply((await peer.nextRecord(10_000)) as Buffer);
      assert.equal(reply.rest.uint32(), reply.header.xid - 1);
      seen.add(reply.header.xid);
    }
    assert.equal(seen.size, total);
    assert.ok(state.peakRunning <= 8, `peak ${state.peakRunning} calls at once`);
    assert.ok(state.peakRunning >= 2, 'calls did run concurrently');
  } finally {
    peer.destroy();
    await server.close();
  }
});

test('a client that half-closes after its calls still gets every reply', async () => {
  const { server, port } = await startTestServer();
  const peer = await RawTcpPeer.connect(port);
  try {
    peer.sendRecord(rawCall({ xid: 11, procedure: TestProc.DELAY, args: (w) => w.uint32(50).uint32(5) }));
    peer.sendRecord(rawCall({ xid: 12 }));
    peer.socket.end();
    const xids = [parseReply((await peer.nextRecord()) as Buffer).header.xid, parseReply((await peer.nextRecord()) as Buffer).header.xid];
    assert.deepEqual(xids.sort(), [11, 12]);
    await peer.waitClosed();
  } finally {
    peer.destroy();
    await server.close();
  }
});

test('a client that resets mid-call does not disturb the server', async () => {
  const { server, port } = await startTestServer();
  try {
    const peer = await RawTcpPeer.connect(port);
    peer.sendRecord(rawCall({ xid: 1, procedure: TestProc.DELAY, args: (w) => w.uint32(30).uint32(1) }));
    peer.socket.write(Buffer.from([0x80, 0, 0]));
    await new Promise((resolve) => setTimeout(resolve, 10));
    peer.socket.resetAndDestroy();
    await peer.waitClosed();
    await new Promise((resolve) => setTimeout(resolve, 60));
    const other = await RawTcpPeer.connect(port);
    const reply = await other.call(rawCall({ xid: 2 }));
    assert.equal(reply.header.xid, 2);
    other.destroy();
    await other.waitClosed();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(server.openConnections, 0);
    assert.ok(server.counters.droppedReplies >= 1, 'the reply to the reset connection was dropped');
  } finally {
    await server.close();
  }
});

test('UDP: one datagram per call, statuses as over TCP, garbage dropped', async () => {
  const { server, port } = await startTestServer();
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const exchange = async (message: Buffer): Promise<ReturnType<typeof parseReply>> => {
    socket.send(message, port, '127.0.0.1');
    const [reply] = (await once(socket, 'message')) as [Buffer];
    return parseReply(reply);
  };
  try {
    const echo = await exchange(rawCall({ xid: 1, procedure: TestProc.ECHO, args: (w) => w.uint32(77).string('udp') }));
    assert.equal(echo.header.kind === 'accepted' && echo.header.acceptStat, AcceptStat.SUCCESS);
    assert.equal(echo.rest.uint32(), 77);

    assert.deepEqual((await exchange(rawCall({ xid: 2, rpcVersion: 1 }))).header, { xid: 2, kind: 'rpc-mismatch', low: 2, high: 2 });
    const noVersion = (await exchange(rawCall({ xid: 3, version: 9 }))).header;
    assert.ok(noVersion.kind === 'accepted' && noVersion.acceptStat === AcceptStat.PROG_MISMATCH && noVersion.low === 2 && noVersion.high === 4);
    const noProcedure = (await exchange(rawCall({ xid: 4, procedure: 77 }))).header;
    assert.equal(noProcedure.kind === 'accepted' && noProcedure.acceptStat, AcceptStat.PROC_UNAVAIL);
    const badCredential = (await exchange(rawCall({ xid: 5, credential: { flavor: 9999, body: Buffer.alloc(0) } }))).header;
    assert.deepEqual(badCredential, { xid: 5, kind: 'auth-error', authStat: AuthStat.AUTH_BADCRED });

    // Garbage is dropped without a reply; the next call is answered normally.
    socket.send(Buffer.from([1, 2, 3]), port, '127.0.0.1');
    socket.send(new XdrWriter().uint32(6).uint32(1).toBuffer(), port, '127.0.0.1');
    const after = await exchange(rawCall({ xid: 7 }));
    assert.equal(after.header.xid, 7);
    assert.equal(server.counters.garbageRecords, 2);

    // A reply too large for a datagram becomes SYSTEM_ERR rather than a truncated reply.
    const tooBig = (await exchange(rawCall({ xid: 8, procedure: TestProc.READ, args: (w) => w.uint32(70_000) }))).header;
    assert.equal(tooBig.kind === 'accepted' && tooBig.acceptStat, AcceptStat.SYSTEM_ERR);
    const fits = await exchange(rawCall({ xid: 9, procedure: TestProc.READ, args: (w) => w.uint32(60_000) }));
    assert.equal(fits.rest.opaque().length, 60_000);
  } finally {
    socket.close();
    await server.close();
  }
});

test('listen on port 0 gives one port for TCP and UDP; close releases both', async () => {
  const { server, port } = await startTestServer();
  await server.close();
  const again = await startTestServer({}, { port });
  assert.equal(again.port, port);
  await again.server.close();
});
