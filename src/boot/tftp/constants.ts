/** TFTP wire constants (RFC 1350, option extension RFC 2347 and the option RFCs). */

/** Packet opcodes (RFC 1350 section 5; OACK from RFC 2347). */
export const TftpOpcode = {
  RRQ: 1,
  WRQ: 2,
  DATA: 3,
  ACK: 4,
  ERROR: 5,
  OACK: 6,
} as const;
export type TftpOpcode = (typeof TftpOpcode)[keyof typeof TftpOpcode];

/** ERROR packet codes (RFC 1350 appendix; 8 from RFC 2347). */
export const TftpErrorCode = {
  NOT_DEFINED: 0,
  FILE_NOT_FOUND: 1,
  ACCESS_VIOLATION: 2,
  DISK_FULL: 3,
  ILLEGAL_OPERATION: 4,
  UNKNOWN_TRANSFER_ID: 5,
  FILE_EXISTS: 6,
  NO_SUCH_USER: 7,
  OPTION_REFUSED: 8,
} as const;
export type TftpErrorCode = (typeof TftpErrorCode)[keyof typeof TftpErrorCode];

/** Transfer modes (RFC 1350 section 1), compared case-insensitively. */
export const TftpMode = {
  NETASCII: 'netascii',
  OCTET: 'octet',
  MAIL: 'mail',
} as const;

/** Option names (case-insensitive on the wire, RFC 2347). */
export const TftpOptionName = {
  /** RFC 2348 */
  BLKSIZE: 'blksize',
  /** RFC 2349 */
  TSIZE: 'tsize',
  /** RFC 2349, seconds */
  TIMEOUT: 'timeout',
  /** RFC 7440 */
  WINDOWSIZE: 'windowsize',
  /**
   * Block number after 65535: 0 or 1. Not an RFC (an expired tftpext draft), but the npm
   * `tftp` client and some others send it; we honour it because it costs nothing.
   */
  ROLLOVER: 'rollover',
} as const;

export const TFTP_PORT = 69;

/** RFC 1350: blocks are 512 bytes unless blksize says otherwise. */
export const DEFAULT_BLKSIZE = 512;
/** RFC 2348 section 2: valid blksize values. */
export const MIN_BLKSIZE = 8;
export const MAX_BLKSIZE = 65464;
/** RFC 2349 section 2: valid timeout values, in seconds. */
export const MIN_TIMEOUT_SECONDS = 1;
export const MAX_TIMEOUT_SECONDS = 255;
/** RFC 7440 section 3: valid windowsize values. */
export const MIN_WINDOWSIZE = 1;
export const MAX_WINDOWSIZE = 65535;

/** Bytes before the payload of a DATA packet: opcode and block number. */
export const DATA_HEADER_BYTES = 4;
/** Block numbers are 16-bit (RFC 1350 section 5). */
export const BLOCK_NUMBER_MODULUS = 0x10000;
