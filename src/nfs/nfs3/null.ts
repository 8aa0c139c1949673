/** NULL (RFC 1813 section 3.3.0): no arguments, no results; a ping. */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';

export function encodeNullArgs(_w: XdrWriter, _args: void): void {}

export function decodeNullArgs(_r: XdrReader): void {}

export function encodeNullResult(_w: XdrWriter, _result: void): void {}

export function decodeNullResult(_r: XdrReader): void {}
