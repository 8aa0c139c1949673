import type { RpcLogger } from './types.js';

/** Drops everything; for tests and callers that count instead of log. */
export const silentRpcLogger: RpcLogger = {
  debug() {},
  warn() {},
  error() {},
};

/** The default: warnings and errors to stderr, debug dropped. */
export const consoleRpcLogger: RpcLogger = {
  debug() {},
  warn(message, details) {
    console.warn(message, details ?? '');
  },
  error(message, details) {
    console.error(message, details ?? '');
  },
};
