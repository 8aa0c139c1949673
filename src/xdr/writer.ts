import { padLength } from './reader.js';

/** Opaque data at least this large is appended by reference instead of copied. */
const ZERO_COPY_THRESHOLD = 512;

const ZERO_PAD = Buffer.alloc(4);

const UINT64_MAX = 0xffffffffffffffffn;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Builds XDR into a growable scratch buffer. Large opaque items (READ payloads) are kept
 * as references to the caller's Buffer, so a reply is a list of chunks that the RPC
 * layer hands to the socket without copying the payload (see toChunks()). A referenced
 * payload must not change until the chunks have been written out.
 *
 * Our own encoder misuse (a uint32 that is negative or fractional, a raw item that is not
 * whole words) is a RangeError: the writer never silently wraps a value.
 */
export class XdrWriter {
  private scratch: Buffer;
  private used = 0;
  /** The segment of scratch not yet emitted starts here. */
  private segmentStart = 0;
  private readonly chunks: Buffer[] = [];
  private chunkBytes = 0;

  constructor(initialSize = 256) {
    this.scratch = Buffer.allocUnsafe(Math.max(initialSize, 16));
  }

  /** Total encoded length so far. */
  get length(): number {
    return this.chunkBytes + (this.used - this.segmentStart);
  }

  /**
   * Claims `bytes` bytes of scratch and returns their offset. It may replace
   * this.scratch, so callers must read this.scratch only AFTER calling it (evaluating
   * `this.scratch.fill(0, this.reserve(n))` would write into the old buffer).
   */
  private reserve(bytes: number): number {
    if (this.used + bytes > this.scratch.length) {
      // Chunks already emitted keep referencing the old scratch, which stays valid.
      const pending = this.used - this.segmentStart;
      const grown = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, pending + bytes + 256));
      this.scratch.copy(grown, 0, this.segmentStart, this.used);
      this.used = pending;
      this.segmentStart = 0;
      this.scratch = grown;
    }
    const at = this.used;
    this.used += bytes;
    return at;
  }

  uint32(value: number): this {
    if (value !== value >>> 0) throw new RangeError(`uint32 out of range: ${value}`);
    const at = this.reserve(4);
    this.scratch.writeUInt32BE(value, at);
    return this;
  }

  int32(value: number): this {
    if (value !== (value | 0)) throw new RangeError(`int32 out of range: ${value}`);
    const at = this.reserve(4);
    this.scratch.writeInt32BE(value, at);
    return this;
  }

  /** RFC 4506 section 4.5 unsigned hyper. */
  uint64(value: bigint | number): this {
    const big = BigInt(value);
    if (big < 0n || big > UINT64_MAX) throw new RangeError(`uint64 out of range: ${big}`);
    const at = this.reserve(8);
    this.scratch.writeBigUInt64BE(big, at);
    return this;
  }

  /** RFC 4506 section 4.5 hyper. */
  int64(value: bigint | number): this {
    const big = BigInt(value);
    if (big < INT64_MIN || big > INT64_MAX) throw new RangeError(`int64 out of range: ${big}`);
    const at = this.reserve(8);
    this.scratch.writeBigInt64BE(big, at);
    return this;
  }

  /** RFC 4506 section 4.6 float. */
  float32(value: number): this {
    const at = this.reserve(4);
    this.scratch.writeFloatBE(value, at);
    return this;
  }

  /** RFC 4506 section 4.7 double. */
  float64(value: number): this {
    const at = this.reserve(8);
    this.scratch.writeDoubleBE(value, at);
    return this;
  }

  bool(value: boolean): this {
    return this.uint32(value ? 1 : 0);
  }

  /** RFC 4506 section 4.15: the discriminant, then the selected arm (if it is not void). */
  union(discriminant: number, writeArm?: (writer: XdrWriter) => void): this {
    this.int32(discriminant);
    if (writeArm) writeArm(this);
    return this;
  }

  private flushSegment(): void {
    if (this.used > this.segmentStart) {
      const segment = this.scratch.subarray(this.segmentStart, this.used);
      this.chunks.push(segment);
      this.chunkBytes += segment.length;
      this.segmentStart = this.used;
    }
  }

  private appendReference(data: Buffer): void {
    this.flushSegment();
    this.chunks.push(data);
    this.chunkBytes += data.length;
  }

  /** Fixed-length opaque: the bytes then zero padding to a four-byte boundary. */
  opaqueFixed(data: Uint8Array): this {
    const length = data.length;
    const pad = padLength(length);
    if (length >= ZERO_COPY_THRESHOLD) {
      this.appendReference(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, length));
      if (pad > 0) {
        const at = this.reserve(pad);
        ZERO_PAD.copy(this.scratch, at, 0, pad);
      }
      return this;
    }
    const at = this.reserve(length + pad);
    this.scratch.set(data, at);
    if (pad > 0) this.scratch.fill(0, at + length, at + length + pad);
    return this;
  }

  opaque(data: Uint8Array): this {
    this.uint32(data.length);
    return this.opaqueFixed(data);
  }

  string(value: string): this {
    const length = Buffer.byteLength(value, 'utf8');
    const pad = padLength(length);
    this.uint32(length);
    const at = this.reserve(length + pad);
    this.scratch.write(value, at, length, 'utf8');
    if (pad > 0) this.scratch.fill(0, at + length, at + length + pad);
    return this;
  }

  /** Variable-length array (RFC 4506 section 4.13): the count, then each element. */
  array<T>(items: readonly T[], writeElement: (writer: XdrWriter, item: T) => void): this {
    this.uint32(items.length);
    for (const item of items) writeElement(this, item);
    return this;
  }

  /** Fixed-length array (RFC 4506 section 4.12): the elements only. */
  arrayFixed<T>(items: readonly T[], writeElement: (writer: XdrWriter, item: T) => void): this {
    for (const item of items) writeElement(this, item);
    return this;
  }

  optional<T>(item: T | undefined | null, writeElement: (writer: XdrWriter, item: T) => void): this {
    if (item === undefined || item === null) return this.bool(false);
    this.bool(true);
    writeElement(this, item);
    return this;
  }

  /** RFC 1813 linked list: TRUE + element for each item, then FALSE. */
  list<T>(items: readonly T[], writeElement: (writer: XdrWriter, item: T) => void): this {
    for (const item of items) {
      this.bool(true);
      writeElement(this, item);
    }
    return this.bool(false);
  }

  /** Appends already-encoded XDR bytes (whole four-byte units; large ones by reference). */
  raw(data: Buffer): this {
    if (data.length % 4 !== 0) throw new RangeError(`raw XDR of ${data.length} bytes is not whole words`);
    if (data.length >= ZERO_COPY_THRESHOLD) {
      this.appendReference(data);
      return this;
    }
    const at = this.reserve(data.length);
    this.scratch.set(data, at);
    return this;
  }

  /**
   * The encoding as a list of buffers, payloads by reference. The writer must not be
   * used afterwards: the returned chunks alias its scratch memory.
   */
  toChunks(): Buffer[] {
    this.flushSegment();
    return this.chunks;
  }

  /** The encoding as one contiguous Buffer (copies once if there are several chunks). */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    if (chunks.length === 1 && chunks[0]) return chunks[0];
    return Buffer.concat(chunks, this.chunkBytes);
  }
}
