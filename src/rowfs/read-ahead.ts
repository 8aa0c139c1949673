import { Nfsstat3 } from '../nfs/index.js';
import type { ReadResult } from '../nfs/index.js';

/** Fetches `count` bytes at `offset` of the stream's file from main. */
export type MainFetch = (offset: number, count: number) => Promise<ReadResult>;

interface Prefetch {
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
  ahead: Map<number, Prefetch>;
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
 * Only exact repeats of the client's request pattern are fetched (same count, the next
 * offsets), so a hit always answers a whole request. Bounded: at most `maxStreams` files at
 * once (the least recently used one is dropped), `depth` requests each; a read that breaks
 * the sequence drops that file's window. Fetched data of main never goes stale: main is
 * read-only, and a file with a shadow copy is never read through here.
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
   * Called for a client READ of (vid, offset, count): returns the fetch already made for
   * exactly this request, if any, and tops the file's window up when the read continues a
   * sequence. `size` is the file's size if known (it stops the window at EOF).
   */
  read(vid: number, offset: number, count: number, size: number | undefined, fetch: MainFetch): Promise<ReadResult | undefined> | undefined {
    if (!this.enabled || count <= 0) return undefined;
    let stream = this.streams.get(vid);
    const hit = stream?.ahead.get(offset);
    if (stream !== undefined) {
      this.streams.delete(vid);
      if (hit === undefined && offset !== stream.nextOffset) {
        this.dropWindow(stream);
        stream = undefined;
      }
    }
    if (stream === undefined) {
      // The first read of a sequence only marks where the next should start.
      stream = { nextOffset: offset + count, aheadOffset: offset + count, size, ahead: new Map() };
      this.remember(vid, stream);
      return undefined;
    }
    this.remember(vid, stream);
    if (size !== undefined) stream.size = size;
    stream.nextOffset = Math.max(stream.nextOffset, offset + count);
    let found: Promise<ReadResult | undefined> | undefined;
    if (hit !== undefined && hit.count === count) {
      stream.ahead.delete(offset);
      this.counters.hits++;
      found = hit.result;
    }
    this.fill(stream, count, fetch);
    return found;
  }

  /** Issues fetches until the window holds `depth` requests past the client's latest one. */
  private fill(stream: ReadStream, count: number, fetch: MainFetch): void {
    stream.aheadOffset = Math.max(stream.aheadOffset, stream.nextOffset);
    const limit = stream.nextOffset + this.depth * count;
    while (stream.aheadOffset < limit && (stream.size === undefined || stream.aheadOffset < stream.size)) {
      const offset = stream.aheadOffset;
      // A failed fetch is not an error of anyone's yet: the client's READ then asks main itself.
      const result = fetch(offset, count).then(
        (reply) => (reply.status === Nfsstat3.NFS3_OK ? reply : undefined),
        () => undefined,
      );
      stream.ahead.set(offset, { count, result });
      stream.aheadOffset += count;
      void result.then((reply) => {
        if (reply?.eof === true) stream.size = Math.min(stream.size ?? Infinity, offset + reply.count);
      });
    }
  }

  private remember(vid: number, stream: ReadStream): void {
    this.streams.set(vid, stream);
    if (this.streams.size <= this.maxStreams) return;
    const oldest = this.streams.entries().next();
    if (oldest.done === true) return;
    this.streams.delete(oldest.value[0]);
    this.dropWindow(oldest.value[1]);
  }

  private dropWindow(stream: ReadStream): void {
    for (const prefetch of stream.ahead.values()) {
      this.counters.wastedReads++;
      void prefetch.result.then((reply) => {
        if (reply?.status === Nfsstat3.NFS3_OK) this.counters.wastedBytes += reply.data.length;
      });
    }
    stream.ahead.clear();
  }
}
