import { padLength } from './reader.js';

/** Opaque data at least this large is appended by reference instead of copied. */
const ZERO_COPY_THRESHOLD = 512;


/**
 * Builds XDR into a growable scratch buffer. Large opaque items (READ payloads) are kept
 * as references to the caller's Buffer, so a reply is a list of chunks that the RPC
 * layer hands to the socket without copying the payload (see toChunks()).
 */
export class XdrWriter {
  private scratch: Buffer;
  private used = 0;
  /** The segment of scratch not yet emitted starts here. */
  private segmentStart = 0;
  private readonly chunks: Buffer[] = [];
  private chunkBytes = 0;

  constructor(initialSize = 256) {
    this.scratch = Buffer.allocUnsafe(initialSize);
  }

  /** Total encoded length so far. */
  get length(): number {
    return this.chunkBytes + (this.used - this.segmentStart);
  }

  private reserve(bytes: number): number {
    if (this.used + bytes > this.scratch.length) {
      // Chunks already emitted keep referencing the old scratch, which stays valid.
      const grown = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.used - this.segmentStart + bytes + 256));
      this.scratch.copy(grown, 0, this.segmentStart, this.used);
      this.used -= this.segmentStart;
      this.segmentStart = 0;
      this.scratch = grown;
    }
    const at = this.used;
    this.used += bytes;
    return at;
  }

  uint32(value: number): this {
    this.scratch.writeUInt32BE(value >>> 0, this.reserve(4));
    return this;
  }

  int32(value: number): this {
    this.scratch.writeInt32BE(value | 0, this.reserve(4));
    return this;
  }

  uint64(value: bigint | number): this {
    this.scratch.writeBigUInt64BE(BigInt(value), this.reserve(8));
    return this;
  }

  int64(value: bigint | number): this {
    this.scratch.writeBigInt64BE(BigInt(value), this.reserve(8));
    return this;
  }

  bool(value: boolean): this {
    return this.uint32(value ? 1 : 0);
  }

  private flushSegment(): void {
    if (this.used > this.segmentStart) {
      const segment = this.scratch.subarray(this.segmentStart, this.used);
      this.chunks.push(segment);
      this.chunkBytes += segment.length;
      this.segmentStart = this.used;
    }
  }

  /** Fixed-length opaque: the bytes then zero padding to a four-byte boundary. */
  opaqueFixed(data: Uint8Array): this {
    const pad = padLength(data.length);
    if (data.length >= ZERO_COPY_THRESHOLD) {
      this.flushSegment();
      const ref = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
      this.chunks.push(ref);
      this.chunkBytes += ref.length;
      if (pad > 0) this.scratch.fill(0, this.reserve(pad), this.used);
      return this;
    }
    const at = this.reserve(data.length + pad);
    this.scratch.set(data, at);
    if (pad > 0) this.scratch.fill(0, at + data.length, at + data.length + pad);
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

  array<T>(items: readonly T[], writeElement: (writer: XdrWriter, item: T) => void): this {
    this.uint32(items.length);
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

  /** Appends already-encoded XDR bytes (must be a multiple of four long). */
  raw(data: Buffer): this {
    if (data.length >= ZERO_COPY_THRESHOLD) {
      this.flushSegment();
      this.chunks.push(data);
      this.chunkBytes += data.length;
      return this;
    }
    this.scratch.set(data, this.reserve(data.length));
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


