/**
 * Option negotiation for a read request (RFC 2347). Options the server does not know or
 * cannot accept are left out of the OACK, which RFC 2347 section "Negotiation" allows; if
 * none is accepted the server answers with DATA block 1 as in plain RFC 1350.
 */
import {
  DEFAULT_BLKSIZE,
  MAX_BLKSIZE,
  MAX_TIMEOUT_SECONDS,
  MAX_WINDOWSIZE,
  MIN_BLKSIZE,
  MIN_TIMEOUT_SECONDS,
  MIN_WINDOWSIZE,
  TftpOptionName,
} from './constants.js';
import type { RolloverBase } from './block-number.js';

export interface NegotiationLimits {
  /** Largest blksize granted; larger requests are lowered to it (RFC 2348 allows a smaller reply). */
  maxBlksize: number;
  /** Largest windowsize granted; larger requests are lowered to it (RFC 7440 section 4). */
  maxWindowsize: number;
}

export interface NegotiatedOptions {
  blksize: number;
  windowsize: number;
  /** The retransmission timeout the client asked for (RFC 2349), in ms; undefined if none. */
  timeoutMs: number | undefined;
  rollover: RolloverBase;
  /** The OACK's option pairs in request order; empty means "no OACK, start with DATA 1". */
  oack: Array<[string, string]>;
}

const DECIMAL = /^[0-9]{1,10}$/;

function parseDecimal(text: string): number | undefined {
  return DECIMAL.test(text) ? Number(text) : undefined;
}

export function negotiateOptions(requested: ReadonlyMap<string, string>, fileSize: number, limits: NegotiationLimits): NegotiatedOptions {
  const result: NegotiatedOptions = {
    blksize: DEFAULT_BLKSIZE,
    windowsize: 1,
    timeoutMs: undefined,
    rollover: 0,
    oack: [],
  };
  for (const [name, text] of requested) {
    const value = parseDecimal(text);
    if (value === undefined) continue;
    switch (name) {
      case TftpOptionName.BLKSIZE: {
        // RFC 2348: values below 8 are invalid; above the maximum the server may answer less.
        if (value < MIN_BLKSIZE) break;
        result.blksize = Math.min(value, MAX_BLKSIZE, limits.maxBlksize);
        result.oack.push([name, String(result.blksize)]);
        break;
      }
      case TftpOptionName.TSIZE:
        // RFC 2349 section 3: an RRQ carries 0 and the OACK carries the file's size.
        result.oack.push([name, String(fileSize)]);
        break;
      case TftpOptionName.TIMEOUT:
        // RFC 2349 section 2: 1..255 seconds; the server must echo the value or omit it.
        if (value < MIN_TIMEOUT_SECONDS || value > MAX_TIMEOUT_SECONDS) break;
        result.timeoutMs = value * 1000;
        result.oack.push([name, String(value)]);
        break;
      case TftpOptionName.WINDOWSIZE:
        if (value < MIN_WINDOWSIZE) break;
        result.windowsize = Math.min(value, MAX_WINDOWSIZE, limits.maxWindowsize);
        result.oack.push([name, String(result.windowsize)]);
        break;
      case TftpOptionName.ROLLOVER:
        if (value !== 0 && value !== 1) break;
        result.rollover = value;
        result.oack.push([name, String(value)]);
        break;
      default:
        break;
    }
  }
  return result;
}
