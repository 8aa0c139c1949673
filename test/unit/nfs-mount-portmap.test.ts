import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdrError, XdrReader } from '../../src/xdr/index.js';
import type { XdrWriter } from '../../src/xdr/index.js';
import {
  IpProto,
  Mountstat3,
  decodeCallitArgs,
  decodeCallitResult,
  decodeMntArgs,
  decodeMntResult,
  decodeMountDumpResult,
  decodeMountExportResult,
  decodePmapDumpResult,
  encodeCallitArgs,
  encodeCallitResult,
  encodeMntArgs,
  encodeMntResult,
  encodeMountDumpResult,
  encodeMountExportResult,
  encodePmapDumpResult,
} from '../../src/nfs/index.js';
import { decodeAll, encodeToBuffer } from './nfs-samples.js';

interface Case {
  label: string;
  encode: (w: XdrWriter, value: never) => void;
  decode: (r: XdrReader) => unknown;
  value: unknown;
}

const cases: Case[] = [
  { label: 'MNT args', encode: encodeMntArgs, decode: decodeMntArgs, value: '/srv/images/debian' },
  {
    label: 'MNT ok',
    encode: encodeMntResult,
    decode: decodeMntResult,
    value: { status: Mountstat3.MNT3_OK, fhandle: Buffer.alloc(64, 1), authFlavors: [1, 390003] },
  },
  { label: 'MNT fail', encode: encodeMntResult, decode: decodeMntResult, value: { status: Mountstat3.MNT3ERR_NOENT } },
  {
    label: 'DUMP',
    encode: encodeMountDumpResult,
    decode: decodeMountDumpResult,
    value: [{ hostname: 'a', directory: '/x' }, { hostname: 'bb', directory: '/yy' }],
  },
  {
    label: 'EXPORT',
    encode: encodeMountExportResult,
    decode: decodeMountExportResult,
    value: [{ dir: '/e', groups: ['*'] }, { dir: '/f', groups: [] }],
  },
  {
    label: 'pmap DUMP',
    encode: encodePmapDumpResult,
    decode: decodePmapDumpResult,
    value: [{ prog: 100005, vers: 3, prot: IpProto.UDP, port: 20048 }],
  },
  {
    label: 'CALLIT args',
    encode: encodeCallitArgs,
    decode: decodeCallitArgs,
    value: { prog: 100003, vers: 3, proc: 0, args: Buffer.from('xyz') },
  },
  { label: 'CALLIT result', encode: encodeCallitResult, decode: decodeCallitResult, value: { port: 2049, res: Buffer.alloc(0) } },
];

test('MOUNT and portmapper codecs round-trip and every truncation is an XdrError', () => {
  for (const { label, encode, decode, value } of cases) {
    const bytes = encodeToBuffer(encode as (w: XdrWriter, v: unknown) => void, value);
    assert.deepEqual(decodeAll(decode, bytes), value, label);
    for (let length = 0; length < bytes.length; length++) {
      assert.throws(() => decode(new XdrReader(bytes, 0, length)), (error) => error instanceof XdrError, `${label} @${length}`);
    }
  }
});
