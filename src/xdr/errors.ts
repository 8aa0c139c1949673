/** Why an XDR decode failed; the RPC layer maps every one of these to GARBAGE_ARGS. */
export type XdrErrorCode =
  | 'XDR_SHORT'        // the item runs past the end of the buffer
  | 'XDR_TOO_LONG'     // a length prefix exceeds the caller's bound
  | 'XDR_BAD_BOOL'     // RFC 4506 section 4.4: a bool is 0 or 1, nothing else
  | 'XDR_BAD_ENUM'     // a value outside the enum's declared members
  | 'XDR_BAD_PADDING'  // RFC 4506 section 4.10: pad bytes are zero
  | 'XDR_BAD_STRING';  // not valid UTF-8 where the protocol says text

/** A decode of untrusted bytes failed; never thrown for a bug in our own encoder. */
export class XdrError extends Error {
  readonly code: XdrErrorCode;
  constructor(code: XdrErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'XdrError';
    this.code = code;
  }
}
