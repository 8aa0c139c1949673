/**
 * Hostile RPC records at the ROW-FS proxy (issue 3, "the RPC fuzz test also runs against
 * the proxy"): random, truncated, bit-flipped, wrong-target, plausible and oversized
 * records carrying the proxy's own handles, in lockstep over TCP. Every record gets an
 * RPC reply or closes the connection; no call fails inside the proxy (SERVERFAULT); a good
 * client keeps being served; main stays unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { MOUNT_PROGRAM, MOUNT_V3, NFS_PROGRAM, NFS_V3, PMAP_PROGRAM, PMAP_V2 } from '../../src/nfs/index.js';
import { FuzzRandom, makeFuzzRecord } from '../helpers/rpc-fuzz.js';
import type { FuzzTarget } from '../helpers/rpc-fuzz.js';
import { lookupPath, ok, pattern, readAll, startRowfsFixture } from './rowfs-fixture.js';

const RECORDS = 15_000;
const MAX_RECORD_BYTES = 1024 * 1024 + 64 * 1024;
const LAST_FRAGMENT = 0x80000000;
const ANSWER_TIMEOUT_MS = 5000;
const SEED = Number(process.env['ROWBOOT_FUZZ_SEED'] ?? 3_2026);

const targets: FuzzTarget[] = [
  { program: NFS_PROGRAM, version: NFS_V3, procedures: Array.from({ length: 22 }, (_, i) => i) },
  { program: MOUNT_PROGRAM, version: MOUNT_V3, procedures: [0, 1, 2, 3, 4, 5] },
  { program: PMAP_PROGRAM, version: PMAP_V2, procedures: [0, 1, 2, 3, 4] },
];

function frame(length: number, body: Buffer): Buffer {
  const mark = Buffer.alloc(4);
  mark.writeUInt32BE((LAST_FRAGMENT | Math.min(length, 0x7fffffff)) >>> 0);
  return Buffer.concat([mark, body]);
}

test('the proxy answers or closes on every hostile record and keeps serving', { timeout: 300_000 }, async () => {
  const good = pattern(100_000, 9);
  const fx = await startRowfsFixture({
    populate: (dir) => {
      mkdirSync(join(dir, 'zone'));
      writeFileSync(join(dir, 'zone', 'victim'), 'fuzz me');
      writeFileSync(join(dir, 'good.bin'), good);
    },
  });
  try {
    const zone = await lookupPath(fx.nfs, fx.root, 'zone');
    const victim = await lookupPath(fx.nfs, zone, 'victim');
    const handles = [fx.root, zone, victim];
    const random = new FuzzRandom(SEED);
    let socket: Socket | undefined;
    let pending = Buffer.alloc(0);
    let answered: (() => void) | undefined;
    let replies = 0;
    let closes = 0;
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const next = connect({ host: '127.0.0.1', port: fx.proxy.port }, () => resolve(next));
        next.on('error', reject);
        next.on('data', (chunk: Buffer) => {
          pending = Buffer.concat([pending, chunk]);
          while (pending.length >= 4) {
            const length = pending.readUInt32BE(0) & 0x7fffffff;
            if (pending.length < 4 + length) break;
            pending = pending.subarray(4 + length);
            replies++;
            answered?.();
          }
        });
        next.on('close', () => {
          closes++;
          answered?.();
        });
      });
    for (let index = 0; index < RECORDS; index++) {
      if (socket === undefined || socket.destroyed) {
        pending = Buffer.alloc(0);
        socket = await open();
        socket.on('error', () => undefined);
      }
      const record = makeFuzzRecord(random, targets, handles, MAX_RECORD_BYTES);
      const outcome = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer and no close for a ${record.kind} record #${index}`)), ANSWER_TIMEOUT_MS);
        answered = () => {
          clearTimeout(timer);
          answered = undefined;
          resolve();
        };
      });
      socket.write(frame(record.claimedLength, record.body));
      await outcome;
    }
    socket?.destroy();
    assert.ok(replies > RECORDS / 2, `${replies} replies`);
    assert.ok(closes > 0);
    const metrics = fx.proxy.metrics();
    assert.equal(metrics.failures, 0, 'no call failed inside the proxy');
    // The good client (its own session) still reads and lists.
    assert.deepEqual(await readAll(fx.nfs, await lookupPath(fx.nfs, fx.root, 'good.bin')), good);
    ok(await fx.nfs.readdirplus({ dir: fx.root, cookie: 0n, cookieverf: Buffer.alloc(8), dircount: 4096, maxcount: 65536 }));
    fx.assertMainUnchanged();
  } finally {
    await fx.close();
  }
});
