import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { XdrError, XdrReader, XdrWriter } from '../../src/xdr/index.js';
import {
  AUTH_NONE,
  AcceptStat,
  AuthFlavor,
  AuthStat,
  RpcAuthRejection,
  authSysCredential,
  checkCallAuth,
  decodeAuthSys,
  decodeCallHeader,
  decodeOpaqueAuth,
  decodeReplyHeader,
  encodeAcceptedReply,
  encodeAuthErrorReply,
  encodeAuthSys,
  encodeCallHeader,
  encodeRpcMismatchReply,
} from '../../src/rpc/index.js';

test('call header round-trips with an AUTH_SYS credential', () => {
  const credential = encodeAuthSys({ stamp: 7, machineName: 'client', uid: 1000, gid: 100, gids: [4, 24] });
  const writer = new XdrWriter();
  encodeCallHeader(writer, { xid: 0xdeadbeef, program: 100003, version: 3, procedure: 1, credential, verifier: AUTH_NONE });
  writer.uint32(42);
  const reader = new XdrReader(writer.toBuffer());
  const header = decodeCallHeader(reader);
  assert.equal(header.xid, 0xdeadbeef);
  assert.equal(header.rpcVersion, 2);
  assert.deepEqual([header.program, header.version, header.procedure], [100003, 3, 1]);
  assert.deepEqual(decodeAuthSys(header.credential.body), { stamp: 7, machineName: 'client', uid: 1000, gid: 100, gids: [4, 24] });
  assert.equal(reader.uint32(), 42);
});

test('reply headers round-trip for every shape', () => {
  const decode = (encode: (w: XdrWriter) => void): ReturnType<typeof decodeReplyHeader> => {
    const writer = new XdrWriter();
    encode(writer);
    return decodeReplyHeader(new XdrReader(writer.toBuffer()));
  };
  assert.deepEqual(decode((w) => encodeAcceptedReply(w, 1, AUTH_NONE, AcceptStat.SUCCESS)), {
    xid: 1, kind: 'accepted', verifier: { flavor: 0, body: Buffer.alloc(0) }, acceptStat: AcceptStat.SUCCESS,
  });
  assert.deepEqual(decode((w) => encodeAcceptedReply(w, 2, AUTH_NONE, AcceptStat.PROG_MISMATCH, { low: 2, high: 4 })), {
    xid: 2, kind: 'accepted', verifier: { flavor: 0, body: Buffer.alloc(0) }, acceptStat: AcceptStat.PROG_MISMATCH, low: 2, high: 4,
  });
  assert.deepEqual(decode((w) => encodeRpcMismatchReply(w, 3)), { xid: 3, kind: 'rpc-mismatch', low: 2, high: 2 });
  assert.deepEqual(decode((w) => encodeAuthErrorReply(w, 4, AuthStat.AUTH_TOOWEAK)), { xid: 4, kind: 'auth-error', authStat: 5 });
});

test('truncated or mistyped messages are XdrErrors', () => {
  const writer = new XdrWriter();
  encodeCallHeader(writer, { xid: 1, program: 1, version: 1, procedure: 1, credential: AUTH_NONE, verifier: AUTH_NONE });
  const call = writer.toBuffer();
  for (let cut = 0; cut < call.length; cut++) {
    assert.throws(() => decodeCallHeader(new XdrReader(call.subarray(0, cut))), XdrError);
  }
  assert.throws(() => decodeReplyHeader(new XdrReader(call)), XdrError, 'a CALL is not a reply');
  const oversized = new XdrWriter().uint32(AuthFlavor.AUTH_SYS).uint32(401).toBuffer();
  assert.throws(() => decodeOpaqueAuth(new XdrReader(Buffer.concat([oversized, Buffer.alloc(404)]))), XdrError);
});

test('authSysCredential defaults to root on this host', () => {
  const params = decodeAuthSys(authSysCredential().body);
  assert.deepEqual(params, { stamp: 0, machineName: hostname(), uid: 0, gid: 0, gids: [] });
  const custom = decodeAuthSys(authSysCredential({ uid: 1000, gids: [1, 2] }).body);
  assert.equal(custom.uid, 1000);
  assert.deepEqual(custom.gids, [1, 2]);
  assert.throws(() => authSysCredential({ gids: new Array(17).fill(1) }), RangeError);
  assert.throws(() => authSysCredential({ machineName: 'm'.repeat(256) }), RangeError);
});

test('decodeAuthSys rejects trailing bytes, too many gids and a long machine name', () => {
  const good = encodeAuthSys({ stamp: 1, machineName: 'm', uid: 1, gid: 1, gids: [] }).body;
  assert.throws(() => decodeAuthSys(Buffer.concat([good, Buffer.alloc(4)])), XdrError);
  const manyGids = new XdrWriter().uint32(1).string('m').uint32(1).uint32(1).array(new Array(17).fill(0), (w, g: number) => w.uint32(g));
  assert.throws(() => decodeAuthSys(manyGids.toBuffer()), XdrError);
  const longName = new XdrWriter().uint32(1).string('n'.repeat(256)).uint32(1).uint32(1).uint32(0);
  assert.throws(() => decodeAuthSys(longName.toBuffer()), XdrError);
});

function rejection(credential: { flavor: number; body: Buffer }, verifier = AUTH_NONE): number | undefined {
  try {
    checkCallAuth(credential, verifier);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof RpcAuthRejection);
    return error.authStat;
  }
}

test('checkCallAuth accepts AUTH_NONE and AUTH_SYS and names what it rejects', () => {
  assert.equal(checkCallAuth(AUTH_NONE, AUTH_NONE), undefined);
  const sys = authSysCredential({ uid: 5, gid: 6 });
  assert.equal(checkCallAuth(sys, AUTH_NONE)?.uid, 5);
  assert.equal(rejection({ flavor: AuthFlavor.AUTH_NONE, body: Buffer.alloc(4) }), AuthStat.AUTH_BADCRED);
  assert.equal(rejection({ flavor: AuthFlavor.AUTH_SYS, body: Buffer.alloc(6) }), AuthStat.AUTH_BADCRED);
  assert.equal(rejection({ flavor: AuthFlavor.RPCSEC_GSS, body: Buffer.alloc(0) }), AuthStat.AUTH_BADCRED);
  assert.equal(rejection({ flavor: 0x7fff, body: Buffer.alloc(0) }), AuthStat.AUTH_BADCRED);
  assert.equal(rejection(sys, { flavor: AuthFlavor.AUTH_SYS, body: Buffer.alloc(0) }), AuthStat.AUTH_BADVERF);
  assert.equal(rejection(AUTH_NONE, { flavor: AuthFlavor.AUTH_NONE, body: Buffer.alloc(8) }), AuthStat.AUTH_BADVERF);
});
