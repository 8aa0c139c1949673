/**
 * One logger shape for every service the gateway runs: it is structurally a DhcpLogger, a
 * TftpLogger and an RpcLogger, so the composition root injects the same object everywhere.
 */
export interface GatewayLogger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export const silentGatewayLogger: GatewayLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Prefixes every line with the service name, e.g. `dhcp: bound ...`. */
export function prefixedLogger(logger: GatewayLogger, prefix: string): GatewayLogger {
  return {
    debug: (message, details) => logger.debug(`${prefix}: ${message}`, details),
    info: (message, details) => logger.info(`${prefix}: ${message}`, details),
    warn: (message, details) => logger.warn(`${prefix}: ${message}`, details),
    error: (message, details) => logger.error(`${prefix}: ${message}`, details),
  };
}
