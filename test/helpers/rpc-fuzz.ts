/**
 * Hostile ONC RPC records for fuzzing a server: random bytes, truncated and bit-flipped
 * calls built from valid templates, wrong programs/versions/procedures, and records whose
 * fragment header claims more than the server accepts. Deterministic for a given seed, so
 * a failure can be replayed.
 */
import { XdrWriter } from '../../src/xdr/index.js';
import { AUTH_NONE, encodeAuthSys, encodeCallHeader } from '../../src/rpc/index.js';

/** A small, fast, seedable PRNG (mulberry32); Math.random cannot be replayed. */
export class FuzzRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(limit: number): number {
    return Math.floor(this.next() * limit);
  }
  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
}

export type FuzzKind = 'random' | 'truncated' | 'bit-flipped' | 'wrong-target' | 'valid-shape' | 'oversized';

export interface FuzzRecord {
  kind: FuzzKind;
  /** The call body (no record mark). For 'oversized', only the claimed length matters. */
  body: Buffer;
  /** The length the fragment header claims; equals body.length except for 'oversized'. */
  claimedLength: number;
}

export interface FuzzTarget {
  program: number;
  version: number;
  procedures: readonly number[];
}

/**
 * Builds a plausible call: a real header for one of the targets' procedures, then the
 * given handles and a tail of small XDR integers and strings that often parse.
 */
function plausibleCall(random: FuzzRandom, targets: readonly FuzzTarget[], handles: readonly Buffer[]): Buffer {
  const target = random.pick(targets);
  const writer = new XdrWriter(256);
  const credential = random.int(2) === 0
    ? AUTH_NONE
    : encodeAuthSys({ stamp: random.int(1000), machineName: 'fuzz', uid: random.int(2) * 1000, gid: 0, gids: [] });
  encodeCallHeader(writer, {
    xid: random.int(0x100000000),
    program: target.program,
    version: target.version,
    procedure: random.pick(target.procedures),
    credential,
    verifier: AUTH_NONE,
  });
  if (handles.length > 0 && random.int(4) !== 0) writer.opaque(random.pick(handles));
  const items = random.int(12);
  for (let i = 0; i < items; i++) {
    switch (random.int(4)) {
      case 0: writer.uint32(random.int(4)); break;
      case 1: writer.uint32(random.int(0x100000000)); break;
      case 2: writer.string(random.pick(['a', 'b.txt', '..', '.', 'x/y', '', 'long'.repeat(80)])); break;
      default: writer.opaque(random.bytes(random.int(64))); break;
    }
  }
  return writer.toBuffer();
}

export function makeFuzzRecord(
  random: FuzzRandom,
  targets: readonly FuzzTarget[],
  handles: readonly Buffer[],
  maxRecordBytes: number,
): FuzzRecord {
  const roll = random.int(100);
  if (roll < 20) {
    const body = random.bytes(random.int(600));
    return { kind: 'random', body, claimedLength: body.length };
  }
  if (roll < 45) {
    const call = plausibleCall(random, targets, handles);
    const body = call.subarray(0, random.int(call.length));
    return { kind: 'truncated', body, claimedLength: body.length };
  }
  if (roll < 75) {
    const body = Buffer.from(plausibleCall(random, targets, handles));
    const flips = 1 + random.int(8);
    for (let i = 0; i < flips; i++) {
      const at = random.int(body.length);
      body[at] = (body[at] ?? 0) ^ (1 << random.int(8));
    }
    return { kind: 'bit-flipped', body, claimedLength: body.length };
  }
  if (roll < 85) {
    const writer = new XdrWriter(64);
    encodeCallHeader(writer, {
      xid: random.int(0x100000000),
      program: random.pick([0, 1, 100003, 100005, 100000, 100021, 100227, 0xffffffff]),
      version: random.int(6),
      procedure: random.int(40),
      credential: AUTH_NONE,
      verifier: AUTH_NONE,
    });
    const body = writer.toBuffer();
    return { kind: 'wrong-target', body, claimedLength: body.length };
  }
  if (roll < 99) {
    const body = plausibleCall(random, targets, handles);
    return { kind: 'valid-shape', body, claimedLength: body.length };
  }
  return { kind: 'oversized', body: random.bytes(16), claimedLength: maxRecordBytes + 1 + random.int(1 << 20) };
}
