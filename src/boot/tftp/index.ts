/**
 * src/boot/tftp: a read-only TFTP server for PXE boot (RFC 1350, 2347, 2348, 2349, 7440).
 * It knows nothing of the gateway; generated files come in through `VirtualFiles`.
 */
export { TftpServer } from './server.js';
export type { TftpServerAddress, TftpServerOptions } from './server.js';
export type { TftpClient, TftpTransferOutcome, TftpTransferSummary, VirtualFiles } from './types.js';
export type { TftpCounters } from './counters.js';
export type { TftpLogger } from './logger.js';
export { silentTftpLogger } from './logger.js';
export { TftpError, TftpRequestError, TftpServerError } from './errors.js';
export {
  DEFAULT_BLKSIZE,
  MAX_BLKSIZE,
  MAX_WINDOWSIZE,
  MIN_BLKSIZE,
  TFTP_PORT,
  TftpErrorCode,
  TftpMode,
  TftpOpcode,
  TftpOptionName,
} from './constants.js';
export {
  decodeAck,
  decodeError,
  decodeOack,
  decodeRequest,
  encodeAck,
  encodeError,
  encodeOack,
  encodeRequest,
  readDataBlock,
  readOpcode,
} from './wire.js';
export type { TftpErrorPacket, TftpRequest } from './wire.js';
export { absoluteBlockIndex, wireBlockNumber } from './block-number.js';
export type { RolloverBase } from './block-number.js';
export { negotiateOptions } from './options.js';
export type { NegotiatedOptions, NegotiationLimits } from './options.js';
export { normalizeRequestPath } from './request-path.js';
