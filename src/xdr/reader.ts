import { XdrError } from './errors.js';

/** RFC 4506 section 3: every item occupies a multiple of four bytes. */
export const XDR_UNIT = 4;

/** The most an unbounded variable-length item may claim; callers pass tighter bounds. */
const DEFAULT_MAX_LENGTH = 0xffffffff;

/** 2^32, to assemble a hyper from two words without BigInt on the fast path. */
const WORD_RANGE = 0x100000000;

/** The high word of a uint64 below 2^53 is below 2^21. */
const SAFE_HIGH_WORD_LIMIT = 0x200000;

export function padLength(length: number): number {
  return (XDR_UNIT - (length % XDR_UNIT)) % XDR_UNIT;
}

/** One arm of a discriminated union (RFC 4506 section 4.15), chosen by the discriminant. */
export type XdrUnionArms<T> = ReadonlyMap<number, (reader: XdrReader) => T>;

/**
 * Reads XDR items from a Buffer window. Every read is bounds-checked against the window,
 * so a hostile length never reads past it and every failure is an XdrError; opaque data
 * comes back as a zero-copy slice of the underlying Buffer (READ/WRITE payloads are never
 * copied here). The slices share memory with the input: a caller that keeps one beyond the
 * life of the input buffer must not let the input be reused.
 */
export class XdrReader {
  private readonly buffer: Buffer;
  private position: number;
  private readonly end: number;

  constructor(buffer: Buffer, start = 0, end = buffer.length) {
    if (!(start >= 0 && end <= buffer.length && start <= end)) {
      throw new RangeError(`XdrReader window [${start}, ${end}) outside buffer of ${buffer.length}`);
    }
    this.buffer = buffer;
    this.position = start;
    this.end = end;
  }

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  /** Claims `bytes` bytes and returns where they start; the one place bounds are checked. */
  private need(bytes: number, what: string): number {
    const at = this.position;
    // Written so NaN, negative and fractional counts fail too, not only long ones.
    if (!(bytes >= 0 && bytes <= this.end - at) || bytes !== Math.floor(bytes)) {
      throw new XdrError('XDR_SHORT', `${what}: needs ${bytes} bytes at offset ${at}, ${this.end - at} left`);
    }
    this.position = at + bytes;
    return at;
  }

  uint32(): number {
    return this.buffer.readUInt32BE(this.need(4, 'uint32'));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.need(4, 'int32'));
  }

  /** RFC 4506 section 4.5 unsigned hyper. */
  uint64(): bigint {
    return this.buffer.readBigUInt64BE(this.need(8, 'uint64'));
  }

  /** RFC 4506 section 4.5 hyper. */
  int64(): bigint {
    return this.buffer.readBigInt64BE(this.need(8, 'int64'));
  }

  /** An unsigned hyper that must fit a double exactly (sizes, offsets below 2^53). */
  uint64Number(): number {
    const at = this.need(8, 'uint64');
    const high = this.buffer.readUInt32BE(at);
    if (high >= SAFE_HIGH_WORD_LIMIT) {
      throw new XdrError('XDR_TOO_LONG', `uint64 ${this.buffer.readBigUInt64BE(at)} exceeds 2^53`);
    }
    return high * WORD_RANGE + this.buffer.readUInt32BE(at + 4);
  }

  /** RFC 4506 section 4.6 float. */
  float32(): number {
    return this.buffer.readFloatBE(this.need(4, 'float'));
  }

  /** RFC 4506 section 4.7 double. */
  float64(): number {
    return this.buffer.readDoubleBE(this.need(8, 'double'));
  }

  bool(): boolean {
    const value = this.uint32();
    if (value > 1) throw new XdrError('XDR_BAD_BOOL', `bool must be 0 or 1, got ${value}`);
    return value === 1;
  }

  /** An enum restricted to the given members (RFC 4506 section 4.3). */
  enumOf<T extends number>(members: ReadonlySet<number>, what: string): T {
    const value = this.int32();
    if (!members.has(value)) throw new XdrError('XDR_BAD_ENUM', `${what}: ${value} is not a member`);
    return value as T;
  }

  /**
   * A discriminated union (RFC 4506 section 4.15): an int discriminant, then the arm it
   * selects. A discriminant with no arm and no default is an XDR_BAD_ENUM.
   */
  union<T>(arms: XdrUnionArms<T>, what: string, defaultArm?: (reader: XdrReader, discriminant: number) => T): T {
    const discriminant = this.int32();
    const arm = arms.get(discriminant);
    if (arm) return arm(this);
    if (defaultArm) return defaultArm(this, discriminant);
    throw new XdrError('XDR_BAD_ENUM', `${what}: no union arm for discriminant ${discriminant}`);
  }

  private padding(length: number): void {
    const pad = padLength(length);
    if (pad === 0) return;
    const at = this.need(pad, 'padding');
    for (let i = 0; i < pad; i++) {
      if (this.buffer[at + i] !== 0) throw new XdrError('XDR_BAD_PADDING', `non-zero pad byte at offset ${at + i}`);
    }
  }

  /** Fixed-length opaque (RFC 4506 section 4.9): a zero-copy slice. */
  opaqueFixed(length: number): Buffer {
    const at = this.need(length, 'fixed opaque');
    const slice = this.buffer.subarray(at, at + length);
    this.padding(length);
    return slice;
  }

  /** Variable-length opaque (RFC 4506 section 4.10) of at most maxLength bytes: a zero-copy slice. */
  opaque(maxLength = DEFAULT_MAX_LENGTH): Buffer {
    const length = this.uint32();
    if (length > maxLength) {
      throw new XdrError('XDR_TOO_LONG', `opaque of ${length} bytes exceeds limit ${maxLength}`);
    }
    return this.opaqueFixed(length);
  }

  /**
   * String (RFC 4506 section 4.11) decoded as UTF-8, invalid sequences replaced. NFS
   * names are bytes on the wire: code that must round-trip arbitrary names reads opaque().
   */
  string(maxLength = DEFAULT_MAX_LENGTH): string {
    const bytes = this.opaque(maxLength);
    return bytes.toString('utf8');
  }

  /** A string that must be valid UTF-8 (XDR_BAD_STRING otherwise). */
  strictString(maxLength = DEFAULT_MAX_LENGTH): string {
    const bytes = this.opaque(maxLength);
    // TextDecoder with fatal rejects invalid sequences instead of substituting U+FFFD.
    try {
      return strictUtf8.decode(bytes);
    } catch (error) {
      throw new XdrError('XDR_BAD_STRING', `string of ${bytes.length} bytes is not valid UTF-8`, { cause: error });
    }
  }

  /**
   * Variable-length array (RFC 4506 section 4.13). The count is checked against the
   * bytes left (each element takes at least four) before anything is allocated.
   */
  array<T>(readElement: (reader: XdrReader) => T, maxCount = DEFAULT_MAX_LENGTH): T[] {
    const count = this.uint32();
    if (count > maxCount) throw new XdrError('XDR_TOO_LONG', `array of ${count} exceeds limit ${maxCount}`);
    if (count * XDR_UNIT > this.remaining) {
      throw new XdrError('XDR_SHORT', `array of ${count} cannot fit in ${this.remaining} bytes`);
    }
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(readElement(this));
    return items;
  }

  /** Fixed-length array (RFC 4506 section 4.12) of `count` elements of at least four bytes. */
  arrayFixed<T>(count: number, readElement: (reader: XdrReader) => T): T[] {
    if (count * XDR_UNIT > this.remaining) {
      throw new XdrError('XDR_SHORT', `array of ${count} cannot fit in ${this.remaining} bytes`);
    }
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(readElement(this));
    return items;
  }

  /** Optional data (RFC 4506 section 4.19): a bool then the item when present. */
  optional<T>(readElement: (reader: XdrReader) => T): T | undefined {
    return this.bool() ? readElement(this) : undefined;
  }

  /**
   * A linked list in the RFC 1813 style (entry3 *nextentry): a sequence of
   * "value follows" bools, each followed by an element, ended by FALSE. Each element
   * costs at least its four-byte bool, so the buffer bounds the loop.
   */
  list<T>(readElement: (reader: XdrReader) => T, maxCount = DEFAULT_MAX_LENGTH): T[] {
    const items: T[] = [];
    while (this.bool()) {
      if (items.length >= maxCount) throw new XdrError('XDR_TOO_LONG', `list longer than ${maxCount}`);
      items.push(readElement(this));
    }
    return items;
  }

  skip(bytes: number): void {
    this.need(bytes, 'skip');
  }

  /** The rest of the window, zero-copy. */
  rest(): Buffer {
    const at = this.need(this.remaining, 'rest');
    return this.buffer.subarray(at, this.end);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
