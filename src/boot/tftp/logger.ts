/**
 * The server logs through this shape (the same as the RPC layer's logger, so one logger can
 * be injected everywhere). Per-packet events go to debug; nothing is logged per block.
 */
export interface TftpLogger {
  debug(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export const silentTftpLogger: TftpLogger = {
  debug: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
