/** Public shapes of the TFTP server's hooks and results. */

/** The client's transport address (its TID is the port). */
export interface TftpClient {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

/**
 * Generated files (e.g. a per-client `pxelinux.cfg/01-<mac>`), consulted before the disk.
 * `path` is the normalized relative path (`a/b`, bytes as latin1); return undefined to fall
 * through to the root directory. A throw is answered with ERROR 0 and logged.
 */
export interface VirtualFiles {
  resolveVirtual(path: string, client: TftpClient): Buffer | undefined | Promise<Buffer | undefined>;
}

export type TftpTransferOutcome = 'completed' | 'aborted' | 'timed-out' | 'failed' | 'closed';

/** Reported once per transfer through `onTransferEnd`. */
export interface TftpTransferSummary {
  client: TftpClient;
  /** The normalized requested path. */
  path: string;
  virtual: boolean;
  size: number;
  blksize: number;
  windowsize: number;
  outcome: TftpTransferOutcome;
  /** Why it did not complete, for the log. */
  reason?: string;
  blocksSent: number;
  retransmissions: number;
  durationMs: number;
}
