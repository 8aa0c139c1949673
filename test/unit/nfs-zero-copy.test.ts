/** READ and WRITE payloads are never copied by the codecs, in either direction. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrReader, XdrWriter } from '../../src/xdr/index.js';
import { Nfs3Proc, Nfsstat3, StableHow, nfs3Codecs } from '../../src/nfs/index.js';
import { fh, readPayload, sampleFattr3 } from './nfs-samples.js';

function sharesMemory(slice: Buffer, record: Buffer): boolean {
  return (
    slice.buffer === record.buffer &&
    slice.byteOffset >= record.byteOffset &&
    slice.byteOffset + slice.length <= record.byteOffset + record.length
  );
}

test('a decoded READ payload is a slice of the received record', () => {
  const read = nfs3Codecs[Nfs3Proc.READ];
  const writer = new XdrWriter();
  read.encodeResult(writer, {
    status: Nfsstat3.NFS3_OK,
    fileAttributes: sampleFattr3,
    count: readPayload.length,
    eof: false,
    data: readPayload,
  });
  const chunks = writer.toChunks();
  assert.ok(chunks.includes(readPayload), 'the encoder appends the payload by reference');

  const record = Buffer.concat(chunks);
  const result = read.decodeResult(new XdrReader(record));
  assert.equal(result.status, Nfsstat3.NFS3_OK);
  if (result.status !== Nfsstat3.NFS3_OK) return;
  assert.ok(sharesMemory(result.data, record), 'data aliases the record');
  assert.deepEqual(result.data, readPayload);
  const at = result.data.byteOffset - record.byteOffset;
  record[at] = (record[at] ?? 0) ^ 0xff;
  assert.notDeepEqual(result.data, readPayload, 'a change to the record shows through the payload');
});

test('a decoded WRITE payload is a slice of the call record', () => {
  const write = nfs3Codecs[Nfs3Proc.WRITE];
  const writer = new XdrWriter();
  write.encodeArgs(writer, { file: fh(1), offset: 0, count: readPayload.length, stable: StableHow.UNSTABLE, data: readPayload });
  const chunks = writer.toChunks();
  assert.ok(chunks.includes(readPayload), 'the encoder appends the payload by reference');
  const record = Buffer.concat(chunks);
  const args = write.decodeArgs(new XdrReader(record));
  assert.ok(sharesMemory(args.data, record));
  assert.deepEqual(args.data, readPayload);
});
