/** ONC RPC version 2 wire constants, named as in RFC 5531 section 9. */

export const RPC_VERSION = 2;

export const MsgType = { CALL: 0, REPLY: 1 } as const;

export const ReplyStat = { MSG_ACCEPTED: 0, MSG_DENIED: 1 } as const;

export const AcceptStat = {
  SUCCESS: 0,
  PROG_UNAVAIL: 1,
  PROG_MISMATCH: 2,
  PROC_UNAVAIL: 3,
  GARBAGE_ARGS: 4,
  SYSTEM_ERR: 5,
} as const;
export type AcceptStat = (typeof AcceptStat)[keyof typeof AcceptStat];

export const RejectStat = { RPC_MISMATCH: 0, AUTH_ERROR: 1 } as const;

export const AuthStat = {
  AUTH_OK: 0,
  AUTH_BADCRED: 1,
  AUTH_REJECTEDCRED: 2,
  AUTH_BADVERF: 3,
  AUTH_REJECTEDVERF: 4,
  AUTH_TOOWEAK: 5,
  AUTH_INVALIDRESP: 6,
  AUTH_FAILED: 7,
} as const;
export type AuthStat = (typeof AuthStat)[keyof typeof AuthStat];

export const AuthFlavor = { AUTH_NONE: 0, AUTH_SYS: 1, AUTH_SHORT: 2, AUTH_DH: 3, RPCSEC_GSS: 6 } as const;

/** RFC 5531 section 8.2: opaque_auth bodies are at most 400 bytes. */
export const MAX_AUTH_BYTES = 400;

/** RFC 5531 section 11: the last-fragment bit of a record-marking header. */
export const LAST_FRAGMENT = 0x80000000;
export const FRAGMENT_LENGTH_MASK = 0x7fffffff;

/** Default record limit: a 1 MiB READ/WRITE payload plus headers. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024 + 64 * 1024;
