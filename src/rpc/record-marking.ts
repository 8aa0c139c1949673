/**
 * RFC 5531 section 11 record marking: on a byte stream each RPC message is a record of
 * one or more fragments, each preceded by a four-byte header whose top bit marks the
 * last fragment and whose low 31 bits give the fragment's length.
 */
import { readUint32At, writeUint32At, type XdrWriter } from '../xdr/index.js';
import { DEFAULT_MAX_RECORD_BYTES, FRAGMENT_LENGTH_MASK, LAST_FRAGMENT } from './constants.js';
import { RpcRecordTooLargeError } from './errors.js';

export const RECORD_MARK_BYTES = 4;

/**
 * Splits a byte stream into records. Feed it socket chunks in order; it calls onRecord
 * (which must not throw) once per complete record. A record inside one chunk comes out as a zero-copy slice of
 * it; a record spread over several chunks or fragments is joined with one copy.
 *
 * The limit counts a record's payload bytes (all fragments, headers excluded). It is
 * checked when each fragment header arrives, so the decoder never holds more than
 * maxRecordBytes of a record: a header that would cross it throws RpcRecordTooLargeError
 * at once, and so does every later push (the stream cannot be resynchronised; close it).
 */
export class RecordDecoder {
  readonly maxRecordBytes: number;
  private readonly onRecord: (record: Buffer) => void;
  private readonly headerBytes = Buffer.alloc(RECORD_MARK_BYTES);
  /** Header bytes gathered so far when a header straddles two chunks. */
  private headerFill = 0;
  /** Bytes still to come in the current fragment; -1 while reading a header. */
  private fragmentRemaining = -1;
  private lastFragment = false;
  /** Payload bytes the current record's fragment headers have announced so far. */
  private recordBytes = 0;
  private parts: Buffer[] = [];
  private failure: RpcRecordTooLargeError | undefined;

  constructor(onRecord: (record: Buffer) => void, maxRecordBytes = DEFAULT_MAX_RECORD_BYTES) {
    if (!(maxRecordBytes >= 0)) throw new RangeError(`maxRecordBytes must be >= 0, got ${maxRecordBytes}`);
    this.onRecord = onRecord;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Bytes of an incomplete record held right now (header bytes excluded). */
  get bufferedBytes(): number {
    let total = 0;
    for (const part of this.parts) total += part.length;
    return total;
  }

  /** True between records, i.e. a stream that ends now ended cleanly. */
  get idle(): boolean {
    return this.fragmentRemaining < 0 && this.headerFill === 0 && this.recordBytes === 0 && this.failure === undefined;
  }

  push(chunk: Buffer): void {
    if (this.failure) throw this.failure;
    const length = chunk.length;
    let position = 0;
    while (position < length) {
      if (this.fragmentRemaining < 0) {
        let word: number;
        if (this.headerFill === 0 && length - position >= RECORD_MARK_BYTES) {
          word = readUint32At(chunk, position);
          position += RECORD_MARK_BYTES;
        } else {
          const take = Math.min(RECORD_MARK_BYTES - this.headerFill, length - position);
          chunk.copy(this.headerBytes, this.headerFill, position, position + take);
          this.headerFill += take;
          position += take;
          if (this.headerFill < RECORD_MARK_BYTES) return;
          this.headerFill = 0;
          word = readUint32At(this.headerBytes, 0);
        }
        const last = word >= LAST_FRAGMENT;
        const fragmentLength = last ? word - LAST_FRAGMENT : word;
        if (this.recordBytes + fragmentLength > this.maxRecordBytes) {
          this.failure = new RpcRecordTooLargeError(this.recordBytes + fragmentLength, this.maxRecordBytes);
          this.parts = [];
          throw this.failure;
        }
        // Fast path: a whole single-fragment record inside this chunk is passed on as a slice.
        if (last && this.parts.length === 0 && this.recordBytes === 0 && length - position >= fragmentLength) {
          const record = chunk.subarray(position, position + fragmentLength);
          position += fragmentLength;
          this.onRecord(record);
          continue;
        }
        this.recordBytes += fragmentLength;
        this.fragmentRemaining = fragmentLength;
        this.lastFragment = last;
      }
      const take = Math.min(this.fragmentRemaining, length - position);
      if (take > 0) {
        this.parts.push(chunk.subarray(position, position + take));
        position += take;
        this.fragmentRemaining -= take;
      }
      // Also reached right after a zero-length fragment's header, even at the chunk's end.
      if (this.fragmentRemaining === 0) this.endFragment();
    }
  }

  private endFragment(): void {
    this.fragmentRemaining = -1;
    if (!this.lastFragment) return;
    const parts = this.parts;
    const record = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, this.recordBytes);
    this.parts = [];
    this.recordBytes = 0;
    this.lastFragment = false;
    this.onRecord(record);
  }
}

/**
 * Frames a record given as chunks (e.g. XdrWriter.toChunks()) for a byte stream: the
 * result is the same chunks, by reference, with fragment headers between them. Records
 * longer than maxFragmentBytes are split into several fragments (slices, no copies).
 */
export function frameRecord(chunks: readonly Buffer[], maxFragmentBytes = FRAGMENT_LENGTH_MASK): Buffer[] {
  if (!(maxFragmentBytes >= 1 && maxFragmentBytes <= FRAGMENT_LENGTH_MASK)) {
    throw new RangeError(`maxFragmentBytes must be 1..${FRAGMENT_LENGTH_MASK}, got ${maxFragmentBytes}`);
  }
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  if (total <= maxFragmentBytes) {
    const header = Buffer.allocUnsafe(RECORD_MARK_BYTES);
    writeUint32At(header, 0, LAST_FRAGMENT + total);
    const framed: Buffer[] = [header];
    for (const chunk of chunks) if (chunk.length > 0) framed.push(chunk);
    return framed;
  }
  const fragments = Math.ceil(total / maxFragmentBytes);
  const headers = Buffer.allocUnsafe(fragments * RECORD_MARK_BYTES);
  const framed: Buffer[] = [];
  let left = total;
  let fragmentLeft = 0;
  let fragmentIndex = 0;
  for (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.length) {
      if (fragmentLeft === 0) {
        fragmentLeft = Math.min(maxFragmentBytes, left);
        const header = headers.subarray(fragmentIndex * RECORD_MARK_BYTES, (fragmentIndex + 1) * RECORD_MARK_BYTES);
        writeUint32At(header, 0, fragmentLeft === left ? LAST_FRAGMENT + fragmentLeft : fragmentLeft);
        framed.push(header);
        fragmentIndex++;
      }
      const take = Math.min(fragmentLeft, chunk.length - offset);
      framed.push(offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take));
      offset += take;
      fragmentLeft -= take;
      left -= take;
    }
  }
  return framed;
}

/**
 * The fast path for our own messages: reserve the record mark as the first word of a
 * fresh writer, encode the message after it, then finishRecord() patches the mark in
 * place, so a small reply goes out as one buffer with no separate header.
 */
export function startRecord(writer: XdrWriter): void {
  if (writer.length !== 0) throw new RangeError('startRecord must be the first thing written');
  writer.uint32(0);
}

/** The writer's chunks as one single-fragment record (see startRecord). */
export function finishRecord(writer: XdrWriter): Buffer[] {
  const payload = writer.length - RECORD_MARK_BYTES;
  if (payload > FRAGMENT_LENGTH_MASK) throw new RangeError(`record of ${payload} bytes needs frameRecord()`);
  const chunks = writer.toChunks();
  const first = chunks[0];
  if (!first || first.length < RECORD_MARK_BYTES) throw new RangeError('finishRecord without startRecord');
  writeUint32At(first, 0, LAST_FRAGMENT + payload);
  return chunks;
}
