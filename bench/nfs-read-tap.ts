/**
 * Watches one NFSv3-over-TCP connection from the side (both byte streams, RFC 5531 record
 * marking) and records every successful READ's file handle, offset and payload length in a
 * ReadLedger: calls give handle and offset by xid, replies give the length actually sent.
 * Anything it cannot decode is counted and skipped; it never changes the bytes relayed.
 */
import { decodeReadArgs, decodeReadResult, NFS_PROGRAM, NFS_V3, Nfs3Proc, Nfsstat3 } from '../src/nfs/index.js';
import { AcceptStat, decodeCallHeader, decodeReplyHeader, RecordDecoder } from '../src/rpc/index.js';
import { XdrReader } from '../src/xdr/index.js';
import type { ReadLedger } from './read-ledger.js';

export class NfsReadTap {
  undecodable = 0;
  private readonly pending = new Map<number, { file: string; offset: number }>();
  private readonly calls = new RecordDecoder((record) => this.onCall(record));
  private readonly replies = new RecordDecoder((record) => this.onReply(record));

  constructor(private readonly ledger: ReadLedger) {}

  fromClient(chunk: Buffer): void {
    this.feed(this.calls, chunk);
  }

  fromServer(chunk: Buffer): void {
    this.feed(this.replies, chunk);
  }

  private feed(decoder: RecordDecoder, chunk: Buffer): void {
    try {
      decoder.push(chunk);
    } catch {
      // A record past the decoder's limit: this stream can no longer be followed.
      this.undecodable++;
    }
  }

  private onCall(record: Buffer): void {
    try {
      const reader = new XdrReader(record);
      const header = decodeCallHeader(reader);
      if (header.program !== NFS_PROGRAM || header.version !== NFS_V3 || header.procedure !== Nfs3Proc.READ) return;
      const args = decodeReadArgs(reader);
      this.pending.set(header.xid, { file: Buffer.from(args.file).toString('hex'), offset: args.offset });
    } catch {
      this.undecodable++;
    }
  }

  private onReply(record: Buffer): void {
    try {
      const reader = new XdrReader(record);
      const header = decodeReplyHeader(reader);
      const call = this.pending.get(header.xid);
      if (call === undefined) return;
      this.pending.delete(header.xid);
      if (header.kind !== 'accepted' || header.acceptStat !== AcceptStat.SUCCESS) return;
      const result = decodeReadResult(reader);
      if (result.status === Nfsstat3.NFS3_OK) this.ledger.add(call.file, call.offset, result.data.length);
    } catch {
      this.undecodable++;
    }
  }
}
