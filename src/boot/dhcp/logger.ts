/** Where the DHCP server says what it did; injected so the gateway can route it. */
export interface DhcpLogger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export const silentDhcpLogger: DhcpLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Warnings and errors to stderr; debug and info dropped. */
export const consoleDhcpLogger: DhcpLogger = {
  debug() {},
  info() {},
  warn(message, details) {
    console.warn(`dhcp: ${message}`, details ?? '');
  },
  error(message, details) {
    console.error(`dhcp: ${message}`, details ?? '');
  },
};
