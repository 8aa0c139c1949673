/** What the server counts; `TftpServer.counters()` returns a copy. */
export interface TftpCounters {
  /** RRQs accepted for processing (duplicates excluded). */
  readRequests: number;
  /** RRQs repeated by a client whose transfer had not started yet (answered by resending). */
  duplicateRequests: number;
  /** WRQs, answered with ERROR 2: the server is read-only. */
  writeRequestsRefused: number;
  transfersStarted: number;
  transfersCompleted: number;
  /** The client ended the transfer with an ERROR (PXE ROMs do this after a tsize probe). */
  transfersAborted: number;
  /** No answer after every retransmission. */
  transfersTimedOut: number;
  /** Ended by a local problem (read error) or an illegal packet from the client. */
  transfersFailed: number;
  activeTransfers: number;
  /** Transfers served from memory through the `resolveVirtual` hook. */
  virtualFilesServed: number;
  /** ERROR packets sent, by TFTP error code. */
  errorsSent: Record<number, number>;
  /** Packets from a transport ID other than the transfer's peer (answered with ERROR 5). */
  foreignTidPackets: number;
  /** Packets that could not be decoded or made no sense where they arrived; dropped. */
  garbagePackets: number;
  /** ACKs that did not move a transfer forward (duplicates, stale or out-of-window numbers). */
  ignoredAcks: number;
  /** DATA packets sent for the first time, and their payload bytes. */
  blocksSent: number;
  bytesSent: number;
  /** DATA and OACK packets sent again (timeout, or a client asking for the window again). */
  retransmissions: number;
  /** Times a transfer had to wait for file data (prefetch not done yet): a latency stall. */
  sourceWaits: number;
}

export function createCounters(): TftpCounters {
  return {
    readRequests: 0,
    duplicateRequests: 0,
    writeRequestsRefused: 0,
    transfersStarted: 0,
    transfersCompleted: 0,
    transfersAborted: 0,
    transfersTimedOut: 0,
    transfersFailed: 0,
    activeTransfers: 0,
    virtualFilesServed: 0,
    errorsSent: {},
    foreignTidPackets: 0,
    garbagePackets: 0,
    ignoredAcks: 0,
    blocksSent: 0,
    bytesSent: 0,
    retransmissions: 0,
    sourceWaits: 0,
  };
}

export function countError(counters: TftpCounters, code: number): void {
  counters.errorsSent[code] = (counters.errorsSent[code] ?? 0) + 1;
}

export function copyCounters(counters: TftpCounters): TftpCounters {
  return { ...counters, errorsSent: { ...counters.errorsSent } };
}
