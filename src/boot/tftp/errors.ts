import { TftpErrorCode } from './constants.js';

/** Base of every error the TFTP server raises. */
export class TftpError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A request the server answers with an ERROR packet. `wireMessage` is what the client sees
 * (never a local path); `message` is for the log and may carry details.
 */
export class TftpRequestError extends TftpError {
  constructor(
    readonly code: TftpErrorCode,
    readonly wireMessage: string,
    detail?: string,
    options?: ErrorOptions,
  ) {
    super(detail ? `${wireMessage}: ${detail}` : wireMessage, options);
  }

  static notFound(detail?: string, options?: ErrorOptions): TftpRequestError {
    return new TftpRequestError(TftpErrorCode.FILE_NOT_FOUND, 'file not found', detail, options);
  }

  static accessViolation(detail?: string, options?: ErrorOptions): TftpRequestError {
    return new TftpRequestError(TftpErrorCode.ACCESS_VIOLATION, 'access violation', detail, options);
  }
}

/** The server could not start (bad options, root missing, port taken). */
export class TftpServerError extends TftpError {}
