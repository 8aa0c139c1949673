const BITS_PER_BYTE = 8;
/** Shared by every empty bitmap (most files never get a bit): never written, only replaced on growth. */
const NO_BYTES = Buffer.alloc(0);

/**
 * One bit per block of a file (the paper's presence bitmap): set = that block's current
 * contents live in the shadow file. Only blocks below the file's main limit need a bit
 * (bytes at or past it always come from the shadow), so the bitmap never grows beyond
 * main size / block size bits. Grows on demand; serialized as its bytes.
 */
export class PresenceBitmap {
  private bytes: Buffer;

  constructor(bytes?: Buffer) {
    this.bytes = bytes === undefined || bytes.length === 0 ? NO_BYTES : Buffer.from(bytes);
  }

  has(block: number): boolean {
    const byte = this.bytes[Math.floor(block / BITS_PER_BYTE)];
    return byte !== undefined && (byte & (1 << (block % BITS_PER_BYTE))) !== 0;
  }

  private grow(minBytes: number): void {
    if (minBytes <= this.bytes.length) return;
    const grown = Buffer.alloc(Math.max(minBytes, this.bytes.length * 2));
    this.bytes.copy(grown);
    this.bytes = grown;
  }

  set(block: number): void {
    const index = Math.floor(block / BITS_PER_BYTE);
    this.grow(index + 1);
    this.bytes[index] = (this.bytes[index] as number) | (1 << (block % BITS_PER_BYTE));
  }

  clear(block: number): void {
    const index = Math.floor(block / BITS_PER_BYTE);
    if (index >= this.bytes.length) return;
    this.bytes[index] = (this.bytes[index] as number) & ~(1 << (block % BITS_PER_BYTE));
  }

  /** Drops every bit of block `firstDropped` and above (after a truncation). */
  truncate(firstDropped: number): void {
    const keepBytes = Math.ceil(firstDropped / BITS_PER_BYTE);
    if (keepBytes < this.bytes.length) this.bytes = Buffer.from(this.bytes.subarray(0, keepBytes));
    const partial = firstDropped % BITS_PER_BYTE;
    if (partial !== 0 && keepBytes > 0 && keepBytes <= this.bytes.length) {
      const last = keepBytes - 1;
      this.bytes[last] = (this.bytes[last] as number) & ((1 << partial) - 1);
    }
  }

  /** Sets every bit set in `other`. */
  merge(other: PresenceBitmap): void {
    this.grow(other.bytes.length);
    for (let index = 0; index < other.bytes.length; index++) {
      const byte = other.bytes[index] as number;
      if (byte === 0) continue;
      this.bytes[index] = (this.bytes[index] as number) | byte;
    }
  }

  /** Clears every bit set in `other`. */
  subtract(other: PresenceBitmap): void {
    const end = Math.min(this.bytes.length, other.bytes.length);
    for (let index = 0; index < end; index++) {
      this.bytes[index] = (this.bytes[index] as number) & ~(other.bytes[index] as number);
    }
  }

  isEmpty(): boolean {
    return this.bytes.every((byte) => byte === 0);
  }

  /** Number of set bits. */
  count(): number {
    let total = 0;
    for (const byte of this.bytes) {
      let value = byte;
      while (value !== 0) {
        value &= value - 1;
        total++;
      }
    }
    return total;
  }

  /** The bytes to store, trailing zero bytes trimmed. */
  toBuffer(): Buffer {
    let end = this.bytes.length;
    while (end > 0 && this.bytes[end - 1] === 0) end--;
    return Buffer.from(this.bytes.subarray(0, end));
  }

  clone(): PresenceBitmap {
    return new PresenceBitmap(this.bytes);
  }
}
