/**
 * One XDR unsigned int at a known offset, for framing code that patches or peeks a word
 * without a reader or writer (the RPC record mark, RFC 5531 section 11). Byte order lives
 * here so no other folder spells it.
 */
export function readUint32At(buffer: Uint8Array, offset: number): number {
  if (!(offset >= 0 && offset + 4 <= buffer.length)) {
    throw new RangeError(`uint32 at ${offset} outside ${buffer.length} bytes`);
  }
  // Written out instead of DataView so it works on any Uint8Array view.
  return (
    (buffer[offset] as number) * 0x1000000 +
    (((buffer[offset + 1] as number) << 16) | ((buffer[offset + 2] as number) << 8) | (buffer[offset + 3] as number))
  );
}

export function writeUint32At(buffer: Uint8Array, offset: number, value: number): void {
  if (value !== value >>> 0) throw new RangeError(`uint32 out of range: ${value}`);
  if (!(offset >= 0 && offset + 4 <= buffer.length)) throw new RangeError(`uint32 at ${offset} outside ${buffer.length} bytes`);
  buffer[offset] = value >>> 24;
  buffer[offset + 1] = (value >>> 16) & 0xff;
  buffer[offset + 2] = (value >>> 8) & 0xff;
  buffer[offset + 3] = value & 0xff;
}
