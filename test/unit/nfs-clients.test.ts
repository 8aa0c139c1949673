/** The typed clients send the right program, version and procedure and decode what comes back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrWriter } from '../../src/xdr/index.js';
import type { XdrReader } from '../../src/xdr/index.js';
import type { RpcCallOptions, RpcCaller } from '../../src/rpc/index.js';
import {
  IpProto,
  MOUNT_PROGRAM,
  MOUNT_V3,
  MountClient,
  MountProc,
  Mountstat3,
  NFS_PROGRAM,
  NFS_V3,
  Nfs3Client,
  PMAP_PROGRAM,
  PMAP_V2,
  PmapProc,
  PortmapClient,
  decodeMapping,
  decodeMntArgs,
  decodeUmntArgs,
  encodeMntResult,
  encodeMountDumpResult,
  encodeMountExportResult,
  encodePmapDumpResult,
  nfs3CodecList,
} from '../../src/nfs/index.js';
import type { Nfs3Codec } from '../../src/nfs/index.js';
import { decodeAll, nfs3Samples } from './nfs-samples.js';

interface Seen {
  program: number;
  version: number;
  procedure: number;
  args: Buffer;
  options: RpcCallOptions | undefined;
}

/** An in-memory RpcCaller: encodes the call, lets `serve` write the reply, decodes it. */
class LoopbackCaller implements RpcCaller {
  readonly seen: Seen[] = [];
  constructor(private readonly serve: (call: Seen, reply: XdrWriter) => void) {}

  async call<T>(
    program: number,
    version: number,
    procedure: number,
    encodeArgs: (writer: XdrWriter) => void,
    decodeResult: (reader: XdrReader) => T,
    options?: RpcCallOptions,
  ): Promise<T> {
    const argsWriter = new XdrWriter();
    encodeArgs(argsWriter);
    const call = { program, version, procedure, args: argsWriter.toBuffer(), options };
    this.seen.push(call);
    const reply = new XdrWriter();
    this.serve(call, reply);
    return decodeAll(decodeResult, reply.toBuffer());
  }
}

type AnyMethod = (args: unknown, options?: RpcCallOptions) => Promise<unknown>;

test('every Nfs3Client method is the procedure of the same name', async () => {
  for (const codec of nfs3CodecList as Nfs3Codec<unknown, unknown>[]) {
    const sample = nfs3Samples[codec.proc] as { args: unknown; results: unknown[] };
    for (const result of sample.results) {
      const caller = new LoopbackCaller((call, reply) => {
        assert.deepEqual(decodeAll((r) => codec.decodeArgs(r), call.args), sample.args, codec.name);
        codec.encodeResult(reply, result);
      });
      const client = new Nfs3Client(caller);
      const method = client[codec.name.toLowerCase() as keyof Nfs3Client] as AnyMethod;
      assert.equal(typeof method, 'function', `Nfs3Client.${codec.name.toLowerCase()}`);
      const options = { timeoutMs: 1234 };
      const got = codec.proc === 0 ? await client.null(options) : await method.call(client, sample.args, options);
      assert.deepEqual(got, result, codec.name);
      assert.deepEqual(
        caller.seen.map(({ program, version, procedure, options: seenOptions }) => [program, version, procedure, seenOptions]),
        [[NFS_PROGRAM, NFS_V3, codec.proc, options]],
      );
    }
  }
});

test('an RPC failure rejects the client call unchanged', async () => {
  const failure = new Error('timed out');
  const client = new Nfs3Client({ call: () => Promise.reject(failure) });
  await assert.rejects(client.getattr({ object: Buffer.alloc(8) }), (error) => error === failure);
});

test('MountClient speaks MOUNT v3', async () => {
  const fhandle = Buffer.alloc(32, 3);
  const caller = new LoopbackCaller((call, reply) => {
    assert.equal(call.program, MOUNT_PROGRAM);
    assert.equal(call.version, MOUNT_V3);
    switch (call.procedure) {
      case MountProc.MNT:
        assert.equal(decodeAll(decodeMntArgs, call.args), '/export/root');
        encodeMntResult(reply, { status: Mountstat3.MNT3_OK, fhandle, authFlavors: [1, 0] });
        return;
      case MountProc.DUMP:
        encodeMountDumpResult(reply, [{ hostname: 'vm1', directory: '/export/root' }]);
        return;
      case MountProc.UMNT:
        assert.equal(decodeAll(decodeUmntArgs, call.args), '/export/root');
        return;
      case MountProc.EXPORT:
        encodeMountExportResult(reply, [{ dir: '/export/root', groups: ['10.0.0.0/8', 'vm1'] }, { dir: '/b', groups: [] }]);
        return;
      default:
        assert.equal(call.args.length, 0);
    }
  });
  const mount = new MountClient(caller);
  await mount.null();
  assert.deepEqual(await mount.mnt('/export/root'), { status: Mountstat3.MNT3_OK, fhandle, authFlavors: [1, 0] });
  assert.deepEqual(await mount.dump(), [{ hostname: 'vm1', directory: '/export/root' }]);
  await mount.umnt('/export/root');
  await mount.umntall();
  assert.deepEqual(await mount.export(), [
    { dir: '/export/root', groups: ['10.0.0.0/8', 'vm1'] },
    { dir: '/b', groups: [] },
  ]);
  assert.deepEqual(
    caller.seen.map((call) => call.procedure),
    [MountProc.NULL, MountProc.MNT, MountProc.DUMP, MountProc.UMNT, MountProc.UMNTALL, MountProc.EXPORT],
  );
});

test('PortmapClient speaks portmapper v2', async () => {
  const nfsTcp = { prog: NFS_PROGRAM, vers: NFS_V3, prot: IpProto.TCP, port: 2049 };
  const caller = new LoopbackCaller((call, reply) => {
    assert.equal(call.program, PMAP_PROGRAM);
    assert.equal(call.version, PMAP_V2);
    switch (call.procedure) {
      case PmapProc.SET:
      case PmapProc.UNSET:
        assert.deepEqual(decodeAll(decodeMapping, call.args), nfsTcp);
        reply.bool(call.procedure === PmapProc.SET);
        return;
      case PmapProc.GETPORT:
        assert.deepEqual(decodeAll(decodeMapping, call.args), { ...nfsTcp, port: 0 });
        reply.uint32(2049);
        return;
      case PmapProc.DUMP:
        encodePmapDumpResult(reply, [nfsTcp, { ...nfsTcp, prot: IpProto.UDP }]);
        return;
      default:
        assert.equal(call.args.length, 0);
    }
  });
  const portmap = new PortmapClient(caller);
  await portmap.null();
  assert.equal(await portmap.set(nfsTcp), true);
  assert.equal(await portmap.unset(nfsTcp), false);
  assert.equal(await portmap.getport({ ...nfsTcp, port: 0 }), 2049);
  assert.deepEqual(await portmap.dump(), [nfsTcp, { ...nfsTcp, prot: IpProto.UDP }]);
});
