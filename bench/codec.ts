/**
 * Codec throughput (issue 2): encode + decode of a READ reply carrying 32 KiB, and of a
 * GETATTR reply. The baseline for READ is copying the same 32 KiB payload once (what a
 * codec that copies payloads would spend at the least), so a ratio above 1 means the
 * codec costs less than one memcpy of the data: the payload is not copied.
 */
import { XdrReader, XdrWriter } from '../src/xdr/index.js';
import {
  decodeGetattrResult,
  decodeReadResult,
  encodeGetattrResult,
  encodeReadResult,
  Ftype3,
  Nfsstat3,
  type Fattr3,
} from '../src/nfs/index.js';
import { measureSync, type BenchRow } from './measure.js';

const READ_PAYLOAD_BYTES = 32 * 1024;

const sampleAttributes: Fattr3 = {
  type: Ftype3.NF3REG,
  mode: 0o644,
  nlink: 1,
  uid: 0,
  gid: 0,
  size: 1 << 20,
  used: 1 << 20,
  rdev: { specdata1: 0, specdata2: 0 },
  fsid: 42n,
  fileid: 123456n,
  atime: { seconds: 1_700_000_000, nseconds: 1 },
  mtime: { seconds: 1_700_000_000, nseconds: 2 },
  ctime: { seconds: 1_700_000_000, nseconds: 3 },
};

function contiguous(writer: XdrWriter): Buffer {
  return writer.toBuffer();
}

export function benchCodec(seconds: number): BenchRow[] {
  const payload = Buffer.alloc(READ_PAYLOAD_BYTES, 7);
  const readResult = { status: Nfsstat3.NFS3_OK, fileAttributes: sampleAttributes, count: payload.length, eof: false, data: payload } as const;
  const encodedRead = (() => {
    const writer = new XdrWriter();
    encodeReadResult(writer, readResult);
    return contiguous(writer);
  })();
  let sink = 0;
  const readRate = measureSync(seconds, () => {
    const writer = new XdrWriter(256);
    encodeReadResult(writer, readResult);
    sink += writer.toChunks().length;
    const decoded = decodeReadResult(new XdrReader(encodedRead));
    if (decoded.status === Nfsstat3.NFS3_OK) sink += decoded.data.length;
  });
  const copyRate = measureSync(seconds, () => {
    const copy = Buffer.allocUnsafe(payload.length);
    payload.copy(copy);
    sink += copy.length;
  });

  const getattrResult = { status: Nfsstat3.NFS3_OK, objAttributes: sampleAttributes } as const;
  const encodedGetattr = (() => {
    const writer = new XdrWriter();
    encodeGetattrResult(writer, getattrResult);
    return contiguous(writer);
  })();
  const getattrRate = measureSync(seconds, () => {
    const writer = new XdrWriter(128);
    encodeGetattrResult(writer, getattrResult);
    sink += writer.length;
    const decoded = decodeGetattrResult(new XdrReader(encodedGetattr));
    sink += decoded.status;
  });
  // A JSON round trip of the same attributes: what a generic serializer costs.
  const jsonText = JSON.stringify(getattrResult, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  const jsonRate = measureSync(seconds, () => {
    const text = JSON.stringify(getattrResult, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    sink += (JSON.parse(jsonText) as { status: number }).status + text.length;
  });
  if (sink === -1) console.log('unreachable');

  return [
    {
      name: 'codec: READ reply 32 KiB encode+decode',
      unit: 'GB/s',
      rowboot: (readRate.perSecond * READ_PAYLOAD_BYTES) / 1e9,
      baseline: (copyRate.perSecond * READ_PAYLOAD_BYTES) / 1e9,
      baselineName: 'one memcpy of the payload',
      goal: '>= 1 GB/s',
    },
    {
      name: 'codec: GETATTR reply encode+decode',
      unit: 'kops/s',
      rowboot: getattrRate.perSecond / 1000,
      baseline: jsonRate.perSecond / 1000,
      baselineName: 'JSON round trip',
    },
  ];
}
