import { XdrError } from './errors.js';

/** RFC 4506 section 3: every item occupies a multiple of four bytes. */
export const XDR_UNIT = 4;

/** The most an unbounded variable-length item may claim; callers pass tighter bounds. */
const DEFAULT_MAX_LENGTH = 0xffffffff;

export function padLength(length: number): number {
  return (XDR_UNIT - (length % XDR_UNIT)) % XDR_UNIT;
}

/**
 * Reads XDR items from a Buffer window. Every read is bounds-checked against the window,
 * so a hostile length never reads past it; opaque data comes back as a zero-copy slice
 * of the underlying Buffer (READ/WRITE payloads are never copied here).
 */
export class XdrReader {
  private readonly buffer: Buffer;
  private position: number;
  private readonly end: number;

  constructor(buffer: Buffer, start = 0, end = buffer.length) {
    if (start < 0 || end > buffer.length || start > end) {
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

  private need(bytes: number, what: string): number {
    const at = this.position;
    if (bytes > this.end - at) {
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

  uint64(): bigint {
    return this.buffer.readBigUInt64BE(this.need(8, 'uint64'));
  }

  int64(): bigint {
    return this.buffer.readBigInt64BE(this.need(8, 'int64'));
  }

  /** A uint64 that the caller knows fits a double (sizes, offsets below 2^53). */
  uint64Number(): number {
    const value = this.uint64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new XdrError('XDR_TOO_LONG', `uint64 ${value} exceeds 2^53`);
    }
    return Number(value);
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

  /** String (RFC 4506 section 4.11); NFS names are bytes on the wire, decoded as UTF-8. */
  string(maxLength = DEFAULT_MAX_LENGTH): string {
    const bytes = this.opaque(maxLength);
    return bytes.toString('utf8');
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

  /** Optional data (RFC 4506 section 4.19): a bool then the item when present. */
  optional<T>(readElement: (reader: XdrReader) => T): T | undefined {
    return this.bool() ? readElement(this) : undefined;
  }

  /**
   * A linked list in the RFC 1813 style (entry3 *nextentry): a sequence of
   * "value follows" bools, each followed by an element, ended by FALSE.
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
