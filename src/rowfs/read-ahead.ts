import { Nfsstat3 } from '../nfs/index.js';
import type { PostOpAttr, ReadResult } from '../nfs/index.js';

/** Fetches `count` bytes at `offset` of the stream's file from main. */
export type MainFetch = (offset: number, count: number) => Promise<ReadResult>;

/** One READ of main issued ahead of the client: `count` bytes at `offset`. */
interface Prefetch {
  offset: number;
  count: number;
  result: Promise<ReadResult | undefined>;
}

/** One file being read sequentially: where the client's next request should start, and what is on its way. */
interface ReadStream {
  nextOffset: number;
  /** Offset of the request after the last one fetched ahead (the window's far end). */
  aheadOffset: number;
  /** Known end of the file (main is read-only): nothing is fetched at or past it. */
  size: number | undefined;
  /** Fetches in ascending, contiguous offsets ending at aheadOffset. */
  ahead: Prefetch[];
  /** Requests kept ahead now: 1 at first, doubled by every hit up to the proxy's depth (as Linux grows its readahead). */
  window: number;
  /** Size of each fetch: the largest request seen in this sequence. */
  unit: number;
}

export interface ReadAheadCounters {
  /** Client READs answered by a fetch issued ahead of them. */
  hits: number;
  /** READs fetched ahead and never asked for (a seek, a closed file): wasted main bytes. */
  wastedReads: number;
  wastedBytes: number;
}

/**
 * Read-ahead for unmodified main files. A client that reads a file sequentially keeps a
 * few READs in flight (Linux: as many as its readahead window allows), and each one
 * crosses the proxy twice: main -> proxy, then proxy -> client. Fetching the next `depth`
 * requests from main while the current ones travel to the client keeps both links busy,
 * so a sequential read through the proxy runs near main's own speed (issue 3's READ goal).
 *
 * The window is a number of fetches of the client's largest request size past its latest
 * request: one at first, doubling with every hit up to `depth`, so a file read twice in a
 * row and then left costs at most one wasted fetch. A client READ inside the window is
 * answered from the fetches that cover it (joined if it spans several). Bounded: at most
 * `maxStreams` files at once (the least recently used one is dropped); a read that breaks
 * the sequence drops that file's window (counted as waste). Fetched data of main never goes
 * stale: main is read-only, and a file with a shadow copy is never read through here.
 */
export class MainReadAhead {
  readonly counters: ReadAheadCounters = { hits: 0, wastedReads: 0, wastedBytes: 0 };
  private readonly streams = new Map<number, ReadStream>();

  constructor(
    private readonly depth: number,
    private readonly maxStreams: number,
  ) {}

  get enabled(): boolean {
    return this.depth > 0 && this.maxStreams > 0;
  }

  /**
   * Called for a client READ of (vid, offset, count): returns its answer assembled from
   * fetches already made, when they cover the whole request, and tops the file's window up
   * when the read continues a sequence. The client's request sizes may change as it goes
   * (Linux grows its readahead window), so a request may take parts of several fetches.
   * `size` is the file's size if known (it stops the window at EOF).
   */
  read(vid: number, offset: number, count: number, size: number | undefined, fetch: MainFetch): Promise<ReadResult | undefined> | undefined {
    if (!this.enabled || count <= 0) return undefined;
    let stream = this.streams.get(vid);
    if (stream !== undefined) {
      this.streams.delete(vid);
      const first = stream.ahead[0];
      const inWindow = first !== undefined && offset >= first.offset && offset < stream.aheadOffset;
      if (!inWindow && offset !== stream.nextOffset) {
        this.dropWindow(stream.ahead.splice(0));
        stream = undefined;
      }
    }
    if (stream === undefined) {
      // The first read of a sequence only marks where the next should start.
      this.remember(vid, { nextOffset: offset + count, aheadOffset: offset + count, size, ahead: [], window: 1, unit: count });
      return undefined;
    }
    this.remember(vid, stream);
    if (size !== undefined) stream.size = size;
    stream.nextOffset = Math.max(stream.nextOffset, offset + count);
    stream.unit = Math.max(stream.unit, count);
    const found = this.take(stream, offset, count, fetch);
    this.fill(stream, fetch);
    return found;
  }

  /** The fetches covering [offset, offset + count), joined; fetches wholly before its end leave the window. */
  private take(stream: ReadStream, offset: number, count: number, fetch: MainFetch): Promise<ReadResult | undefined> | undefined {
    const end = offset + count;
    const first = stream.ahead[0];
    if (first === undefined || offset < first.offset || offset >= stream.aheadOffset) return undefined;
    // A request that starts in the window but outgrew it (the client's requests grow): fetch
    // only the missing tail, so the fetched head is used rather than wasted.
    const wanted = stream.size === undefined ? end : Math.min(end, stream.size);
    if (wanted > stream.aheadOffset) this.fetchAt(stream, stream.aheadOffset, wanted - stream.aheadOffset, fetch);
    const parts = stream.ahead.filter((prefetch) => prefetch.offset < end && prefetch.offset + prefetch.count > offset);
    if (parts.length === 0) return undefined;
    // Fetches the client has gone past will not be asked for again (a skip counts as waste).
    let consumed = 0;
    while (consumed < stream.ahead.length && (stream.ahead[consumed] as Prefetch).offset + (stream.ahead[consumed] as Prefetch).count <= end) consumed++;
    const passed = stream.ahead.splice(0, consumed);
    this.dropWindow(passed.filter((prefetch) => !parts.includes(prefetch)));
    this.counters.hits++;
    stream.window = Math.min(stream.window * 2, this.depth);
    return Promise.all(parts.map((part) => part.result)).then((replies) => joinReplies(parts, replies, offset, count));
  }

  /** Issues fetches until the window holds `window` fetches past the client's latest request. */
  private fill(stream: ReadStream, fetch: MainFetch): void {
    const count = stream.unit;
    stream.aheadOffset = Math.max(stream.aheadOffset, stream.nextOffset);
    const limit = stream.nextOffset + stream.window * count;
    while (stream.aheadOffset < limit && (stream.size === undefined || stream.aheadOffset < stream.size)) {
      this.fetchAt(stream, stream.aheadOffset, count, fetch);
    }
  }

  /** Appends one fetch at the window's end. */
  private fetchAt(stream: ReadStream, offset: number, count: number, fetch: MainFetch): void {
    // A failed fetch is not an error of anyone's yet: the client's READ then asks main itself.
    const result = fetch(offset, count).then(
      (reply) => (reply.status === Nfsstat3.NFS3_OK ? reply : undefined),
      () => undefined,
    );
    stream.ahead.push({ offset, count, result });
    stream.aheadOffset = offset + count;
    void result.then((reply) => {
      if (reply?.eof === true) stream.size = Math.min(stream.size ?? Infinity, offset + reply.count);
    });
  }

  private remember(vid: number, stream: ReadStream): void {
    this.streams.set(vid, stream);
    if (this.streams.size <= this.maxStreams) return;
    const oldest = this.streams.entries().next();
    if (oldest.done === true) return;
    this.streams.delete(oldest.value[0]);
    this.dropWindow(oldest.value[1].ahead.splice(0));
  }

  private dropWindow(dropped: readonly Prefetch[]): void {
    for (const prefetch of dropped) {
      this.counters.wastedReads++;
      void prefetch.result.then((reply) => {
        if (reply?.status === Nfsstat3.NFS3_OK) this.counters.wastedBytes += reply.data.length;
      });
    }
  }
}

/**
 * One READ answer made of the fetched parts covering [offset, offset + count). Undefined (the
 * client's READ then goes to main itself) if a part failed or came back short of the next
 * part, which a server may do when it caps its reply size.
 */
function joinReplies(parts: readonly Prefetch[], replies: readonly (ReadResult | undefined)[], offset: number, count: number): ReadResult | undefined {
  const end = offset + count;
  const chunks: Buffer[] = [];
  let position = offset;
  let eof = false;
  let attributes: PostOpAttr;
  for (const [index, part] of parts.entries()) {
    const reply = replies[index];
    if (reply === undefined || reply.status !== Nfsstat3.NFS3_OK || position < part.offset) return undefined;
    attributes = reply.fileAttributes;
    const replyEnd = part.offset + reply.data.length;
    const to = Math.min(replyEnd, end);
    if (to > position) chunks.push(reply.data.subarray(position - part.offset, to - part.offset));
    position = Math.max(position, to);
    if (reply.eof && position >= replyEnd) {
      eof = true;
      break;
    }
    if (position >= end) break;
  }
  const data = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  return { status: Nfsstat3.NFS3_OK, fileAttributes: attributes, count: data.length, eof, data };
}
